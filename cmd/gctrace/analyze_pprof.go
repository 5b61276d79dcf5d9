package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/attribute"
	"github.com/spf13/pflag"
)

// pprofOptions are the --pprof flags of analyze and run.
type pprofOptions struct {
	URL     string
	Seconds int
	src     attribute.Source
}

func (o *pprofOptions) addFlags(fl *pflag.FlagSet) {
	fl.StringVar(&o.URL, "pprof", "", "name the code behind findings from this net/http/pprof `URL` (or a profile file)")
	fl.IntVar(&o.Seconds, "pprof-seconds", 5, "window of the allocation profile pulled when a finding fires, in seconds")
}

// check parses the source, so that a bad URL is a usage error before
// anything is read.
func (o *pprofOptions) check() error {
	if o.URL == "" {
		return nil
	}
	if o.Seconds < 1 {
		return usagef("--pprof-seconds must be at least 1")
	}
	src, err := attribute.ParseSource(o.URL)
	if err != nil {
		return usagef("--pprof: %v", err)
	}
	o.src = src
	return nil
}

// attributor pulls a profile when a finding that a profile explains fires,
// in its own goroutine so that the stream never waits for it, and keeps
// the answers for the report. Findings that fire while a pull of their
// kind is under way share it.
type attributor struct {
	opts pprofOptions
	live *lineWriter
	// rate returns the trace's allocation rate of a process in bytes per
	// second, to reconcile a profile with; nil or 0: unknown.
	rate  func(file string, process int) float64
	usage *usageWatch // where the memory goes over the run; nil before start
	// attributed receives each finding with its attribution, outside
	// the attributor's lock; nil: nobody.
	attributed func(analyze.Finding)
	ctx        context.Context
	cancel     context.CancelFunc
	wg         sync.WaitGroup

	mu        sync.Mutex
	requested map[findingKey]bool
	inflight  map[attribute.Kind]*pull
	answers   map[findingKey]string
	notes     []string
}

// findingKey names a finding of one process: a rule's profile is pulled
// once per process.
type findingKey struct {
	file    string
	process int
	rule    string
}

// pull is one profile request and the findings waiting for it.
type pull struct {
	kind     attribute.Kind
	findings []analyze.Finding
}

func newAttributor(o pprofOptions, live *lineWriter) *attributor {
	ctx, cancel := context.WithCancel(context.Background())
	return &attributor{
		opts: o, live: live, ctx: ctx, cancel: cancel,
		requested: map[findingKey]bool{},
		inflight:  map[attribute.Kind]*pull{},
		answers:   map[findingKey]string{},
	}
}

// found starts or joins a pull for a finding a profile explains. It is
// called from the reading loop and never blocks on the network.
func (a *attributor) found(f analyze.Finding) {
	kind, ok := attribute.KindFor(f.Rule)
	if !ok || f.Attribution != "" { // the analyzer named the code itself
		return
	}
	k := findingKey{f.File, f.Process, f.Rule}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.requested[k] {
		return
	}
	a.requested[k] = true
	if p := a.inflight[kind]; p != nil {
		p.findings = append(p.findings, f)
		return
	}
	p := &pull{kind: kind, findings: []analyze.Finding{f}}
	a.inflight[kind] = p
	a.wg.Add(1)
	go a.run(p)
}

func (a *attributor) run(p *pull) {
	defer a.wg.Done()
	var window time.Duration
	if p.kind == attribute.Allocs && !a.opts.src.IsFile() {
		window = time.Duration(a.opts.Seconds) * time.Second
	}
	at, err := attribute.Attribute(a.ctx, a.opts.src, p.kind, window)
	var done []analyze.Finding
	defer func() { // after the unlock below: attributed takes the session's lock
		for _, f := range done {
			if a.attributed != nil {
				a.attributed(f)
			}
		}
	}()
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.inflight, p.kind)
	if err != nil {
		var rules []string
		for _, f := range p.findings {
			rules = append(rules, f.Rule)
		}
		a.notes = append(a.notes, fmt.Sprintf("no attribution for %s: the %s profile pull failed: %v", strings.Join(rules, ", "), p.kind, err))
		return
	}
	for _, f := range p.findings {
		summary := at.Summary
		if p.kind == attribute.Allocs && window > 0 && a.rate != nil {
			// Unlocked: the rate takes the session's lock, which a
			// reading goroutine may hold while it waits for ours.
			a.mu.Unlock()
			traceRate := a.rate(f.File, f.Process)
			a.mu.Lock()
			if traceRate > 0 {
				summary += "; " + at.Reconcile(traceRate).String()
			}
		}
		a.answers[findingKey{f.File, f.Process, f.Rule}] = summary
		f.Attribution = summary
		done = append(done, f)
		if a.live != nil {
			a.live.say(fmt.Sprintf("gctrace: %sattribution: %s: %s", findingPos(&f), f.Rule, summary))
		}
	}
}

// pprofGrace is how long the end of the input waits for pulls beyond
// their window: long enough for a fetch, short enough not to hang on a
// program that is gone.
const pprofGrace = 10 * time.Second

// wait lets outstanding pulls finish, within a bound, saying so on w, and
// returns the notes of the failed ones, sorted.
func (a *attributor) wait(w io.Writer) []string {
	a.mu.Lock()
	n := len(a.inflight)
	a.mu.Unlock()
	if n > 0 {
		limit := time.Duration(a.opts.Seconds)*time.Second + pprofGrace
		fmt.Fprintf(w, "gctrace: waiting up to %s for %d profile %s\n", limit, n, plural(int64(n), "pull", "pulls"))
		done := make(chan struct{})
		go func() { a.wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(limit):
			a.cancel()
			<-done
		}
	}
	a.cancel()
	a.mu.Lock()
	defer a.mu.Unlock()
	notes := append([]string(nil), a.notes...)
	sort.Strings(notes)
	return notes
}

// annotate sets the attribution of the findings that have one.
func (a *attributor) annotate(fs []analyze.Finding) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := range fs {
		f := &fs[i]
		if s, ok := a.answers[findingKey{f.File, f.Process, f.Rule}]; ok {
			f.Attribution = s
		}
	}
}
