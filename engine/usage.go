package engine

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/attribute"
)

// usageEvery is how often the heap profile is pulled to follow where the
// memory goes; usageTop how many functions each list names.
const (
	usageEvery = 2 * time.Second
	usageTop   = 5
)

// usageWatch follows where a program's memory goes over the run, with
// --pprof: a heap profile snapshot as soon as the endpoint answers, then
// one every usageEvery, each compared with the first and handed to the
// analyzer (AddUsage), which judges alloc-churn on it and puts it in the
// report whichever rules fire.
type usageWatch struct {
	e       *Engine
	file    string // the input whose program the profile is of; "" any
	tracker *attribute.UsageTracker
	file1   bool // the source is a profile file: one snapshot
	cancel  context.CancelFunc
	done    chan struct{}
	err     error // the last failed pull, for a note when none worked
	added   bool  // a usage reached the analyzer
	// from is how far into the run the first snapshot holds the
	// allocations (analyze.Analyzer.ProfiledTo); fromOK is false when the
	// trace had no cycle yet: they start with the process.
	from   time.Duration
	fromP  int
	fromOK bool
}

func startUsageWatch(e *Engine, file string, src attribute.Source) *usageWatch {
	ctx, cancel := context.WithCancel(context.Background())
	w := &usageWatch{e: e, file: file, tracker: attribute.NewUsageTracker(src), file1: src.IsFile(),
		cancel: cancel, done: make(chan struct{})}
	go w.run(ctx)
	return w
}

func (w *usageWatch) run(ctx context.Context) {
	defer close(w.done)
	// The program may not serve its profiles yet: try the first
	// snapshot until it answers.
	for {
		if w.err = w.tracker.Snapshot(ctx); w.err == nil || w.file1 {
			w.e.mu.Lock()
			w.fromP, w.from, w.fromOK = w.e.an.ProfiledTo(w.file)
			w.e.mu.Unlock()
			break
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(200 * time.Millisecond):
		}
	}
	if w.file1 {
		w.add()
		return
	}
	t := time.NewTicker(usageEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if w.err = w.tracker.Snapshot(ctx); w.err == nil {
			w.add()
		}
	}
}

// add hands the usage so far to the analyzer, over the span of the run
// the two snapshots hold (analyze.Analyzer.ProfiledTo at each). The time
// between the pulls would count allocations not yet published, cycles
// that under a large heap are seconds apart.
func (w *usageWatch) add() {
	u, ok, err := w.tracker.Usage(usageTop)
	if err != nil {
		w.err = err
	}
	if !ok {
		return
	}
	w.e.mu.Lock()
	defer w.e.mu.Unlock()
	if w.e.closed {
		return
	}
	if !w.file1 {
		p, at, ok := w.e.an.ProfiledTo(w.file)
		if !ok {
			return
		}
		if w.fromOK && p == w.fromP {
			at -= w.from
		}
		if at <= 0 {
			return // no allocation published between the snapshots
		}
		u.Window = at
	}
	if w.e.an.AddUsage(w.file, memoryUsage(u)) {
		w.added = true
	}
}

// stop ends the watch with a last snapshot, if the program still
// answers, and returns a note when no usage was found.
func (w *usageWatch) stop() string {
	w.cancel()
	<-w.done
	if w.file1 {
		// A profile file is read at the start, before the trace has a
		// process to give it to.
		w.add()
	} else {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		if err := w.tracker.Snapshot(ctx); err == nil {
			w.add()
		}
		cancel()
	}
	if w.added {
		return ""
	}
	if w.err != nil {
		return fmt.Sprintf("no memory usage from the heap profile: %v", w.err)
	}
	return fmt.Sprintf("no memory usage from the heap profile: the run was shorter than two snapshots (%s apart)", usageEvery)
}

// stopUsage ends every usage watch, before the report is made, and keeps
// their notes with the attributors'.
func (e *Engine) stopUsage() {
	for _, a := range e.pprof {
		if a.usage == nil {
			continue
		}
		if note := a.usage.stop(); note != "" {
			a.mu.Lock()
			a.notes = append(a.notes, note)
			a.mu.Unlock()
		}
	}
}

// memoryUsage is the analyzer's model of a profile's usage.
func memoryUsage(u *attribute.Usage) analyze.MemoryUsage {
	m := analyze.MemoryUsage{
		Source:         u.Source,
		WindowS:        round1(u.Window.Seconds()),
		AllocatedMiB:   mib(u.Allocated),
		InuseGrowthMiB: mib(u.Growth),
		Allocators:     []analyze.FuncUsage{},
		Growth:         []analyze.FuncUsage{},
	}
	conv := func(fs []attribute.UsageFunc) []analyze.FuncUsage {
		out := []analyze.FuncUsage{}
		for _, f := range fs {
			out = append(out, analyze.FuncUsage{
				Func: f.Short, Where: f.Where,
				AllocatedMiB: mib(f.Allocated), AllocRateMiBPerS: round1(u.Rate(f) / (1 << 20)),
				InuseGrowthMiB: mib(f.Growth), SharePercent: round1(f.Share * 100), AllocationBytes: f.Size,
			})
		}
		return out
	}
	m.Allocators, m.Growth = conv(u.Allocators), conv(u.Growers)
	return m
}

func mib(n int64) float64 { return round1(float64(n) / (1 << 20)) }

func round1(v float64) float64 { return math.Round(v*10) / 10 }
