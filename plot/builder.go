package plot

import (
	"sort"
	"time"

	"github.com/gctrace/gctrace/parser"
)

// Defaults of Options.
const (
	DefaultColumns      = 2400 // twice the default width in pixels
	MaxColumns          = 8192
	DefaultMaxProcesses = 8
)

// maxSpans bounds the finding spans kept per process; spans of one rule
// that overlap are merged first.
const maxSpans = 32

// droppedMemory is how many dropped process ids are remembered, so that
// their later cycles are not taken for a new process. The parser follows
// at most 32 process streams at once and never reuses an id, so an id not
// seen among the last 64 can no longer appear.
const droppedMemory = 64

// Options configure a Builder.
type Options struct {
	// Columns is the number of x-axis slots each series is downsampled
	// to; about twice the chart's width in pixels keeps every peak
	// visible. 0 means DefaultColumns; at most MaxColumns.
	Columns int
	// Process, when not 0, keeps only the processes with that number
	// (one per input file), and nothing of the others.
	Process int
	// MaxProcesses bounds the processes whose series are kept; when
	// another one starts, the one with the fewest cycles so far is
	// dropped. 0 means DefaultMaxProcesses.
	MaxProcesses int
}

// ProcessID names one process stream: its input and its 1-based number in
// that input (see parser.Pos).
type ProcessID struct {
	File    string
	Process int
}

// Process describes the cycles a Builder holds for one process.
type Process struct {
	ProcessID
	Format     parser.Format // the line format, hence the release family
	Cycles     int64
	Forced     int64 // cycles marked (forced)
	Periodic   int64 // cycles announced by "GC forced"
	FirstCycle int   // cycle numbers as printed
	LastCycle  int
	// Start and End are the start times of the first and last cycles;
	// parser.Absent before Go 1.5, whose lines carry no time.
	Start, End         time.Duration
	ProcsMin, ProcsMax int // GOMAXPROCS
	FirstLine          int
	LastLine           int
}

// Timed reports whether the process's cycles carry start times (Go 1.5
// and later); without them the x axis counts cycles.
func (p *Process) Timed() bool { return p.Start != parser.Absent }

// A Builder turns GC records into the downsampled series of a chart, per
// process, in memory bounded by Options regardless of the input's length.
// It is fed in the read loop:
//
//	b := plot.NewBuilder(plot.Options{})
//	for r.Scan() {
//		switch rec := r.Record().(type) {
//		case *parser.GC:
//			b.Add(rec)
//		}
//	}
//	p, _ := b.Longest()
//	err := b.Render(w, plot.PNG, p.ProcessID, plot.RenderOptions{})
type Builder struct {
	opts  Options
	procs []*series // in order of first appearance
	last  *series   // the process of the previous Add, looked up first

	file    string        // the input the dropped ids belong to
	dropped map[int]int64 // process id → tick last seen
	tick    int64         // counts Adds, for dropped's recency
	omitted struct {      // processes dropped to keep memory bounded
		processes int
		cycles    int64
	}
}

// NewBuilder returns an empty Builder.
func NewBuilder(opts Options) *Builder {
	if opts.Columns <= 0 {
		opts.Columns = DefaultColumns
	}
	// About 700 bytes a column per process: keep a very wide chart from
	// holding a hundred megabytes. 4096 pixels of detail are plenty.
	opts.Columns = min(opts.Columns, MaxColumns)
	if opts.MaxProcesses <= 0 {
		opts.MaxProcesses = DefaultMaxProcesses
	}
	return &Builder{opts: opts, dropped: make(map[int]int64)}
}

// series is everything kept of one process.
type series struct {
	info Process
	cols columns
	win  window

	have         bool // a previous cycle exists
	prevStart    int64
	prevCPU      int64
	prevProcs    int
	prevLive     int64
	periodicNext bool
	useX         int64 // x of the last heap-in-use point
	spans        []span
	spansOmitted int
}

// span is the time a finding covers, in ns since process start.
type span struct {
	rule       string
	start, end int64
}

// Add adds one GC cycle.
func (b *Builder) Add(g *parser.GC) {
	if b.opts.Process != 0 && g.Process != b.opts.Process {
		return
	}
	b.tick++
	s := b.series(g.Pos)
	if s == nil {
		return
	}
	s.add(g)
}

// AddForced notes a "GC forced" line: the next cycle of its process was
// started by the runtime's periodic (2-minute) GC.
func (b *Builder) AddForced(pos parser.Pos) {
	if s := b.find(ProcessID{pos.File, pos.Process}); s != nil {
		s.periodicNext = true
	}
}

// AddSpan shades the time from start to end, since the start of the given
// process, as covered by a finding of the named rule. Spans of processes
// not kept, or without timestamps (start < 0), are ignored.
func (b *Builder) AddSpan(rule string, file string, process int, start, end time.Duration) {
	s := b.find(ProcessID{file, process})
	if s == nil || !s.info.Timed() || start < 0 {
		return
	}
	if end < start {
		end = start
	}
	sp := span{rule, int64(start), int64(end)}
	for i := range s.spans {
		o := &s.spans[i]
		if o.rule == sp.rule && sp.start <= o.end && o.start <= sp.end {
			o.start, o.end = min(o.start, sp.start), max(o.end, sp.end)
			return
		}
	}
	if len(s.spans) >= maxSpans {
		s.spansOmitted++
		return
	}
	s.spans = append(s.spans, sp)
}

// Processes describes the processes kept, in order of first appearance.
func (b *Builder) Processes() []Process {
	out := make([]Process, len(b.procs))
	for i, s := range b.procs {
		out[i] = s.info
	}
	return out
}

// Longest returns the kept process with the most cycles (the first of
// equals), and false when there is none.
func (b *Builder) Longest() (Process, bool) {
	var best *series
	for _, s := range b.procs {
		if best == nil || s.info.Cycles > best.info.Cycles {
			best = s
		}
	}
	if best == nil {
		return Process{}, false
	}
	return best.info, true
}

// Omitted returns how many processes, and how many of their cycles, were
// dropped because more than Options.MaxProcesses appeared.
func (b *Builder) Omitted() (processes int, cycles int64) {
	return b.omitted.processes, b.omitted.cycles
}

func (b *Builder) find(id ProcessID) *series {
	if b.last != nil && b.last.info.ProcessID == id {
		return b.last
	}
	for _, s := range b.procs {
		if s.info.ProcessID == id {
			return s
		}
	}
	return nil
}

// series returns the series of the process at pos, starting one (and
// dropping the smallest when full), or nil when that process was dropped.
func (b *Builder) series(pos parser.Pos) *series {
	id := ProcessID{pos.File, pos.Process}
	if s := b.find(id); s != nil {
		b.last = s
		return s
	}
	if pos.File != b.file {
		b.file = pos.File
		clear(b.dropped)
	}
	if _, ok := b.dropped[id.Process]; ok {
		b.dropped[id.Process] = b.tick
		b.omitted.cycles++
		return nil
	}
	if len(b.procs) >= b.opts.MaxProcesses {
		b.evict()
	}
	s := &series{cols: newColumns(b.opts.Columns)}
	s.info.ProcessID = id
	b.procs = append(b.procs, s)
	b.last = s
	return s
}

// evict drops the kept process with the fewest cycles.
func (b *Builder) evict() {
	k := 0
	for i, s := range b.procs {
		if s.info.Cycles < b.procs[k].info.Cycles {
			k = i
		}
	}
	s := b.procs[k]
	b.procs = append(b.procs[:k], b.procs[k+1:]...)
	if b.last == s {
		b.last = nil
	}
	b.omitted.processes++
	b.omitted.cycles += s.info.Cycles
	if s.info.File == b.file {
		b.dropped[s.info.Process] = b.tick
		if len(b.dropped) > droppedMemory {
			oldest, at := 0, int64(-1)
			for p, t := range b.dropped {
				if at < 0 || t < at || (t == at && p < oldest) {
					oldest, at = p, t
				}
			}
			delete(b.dropped, oldest)
		}
	}
}

// Columns start a nanosecond (or one cycle) wide, as a short trace's
// whole span may be a few milliseconds and the ends of marking fall
// between the printed milliseconds; they widen by doubling from there,
// which costs a pass over the columns about 40 times at most.

func (s *series) add(g *parser.GC) {
	in := &s.info
	if in.Cycles == 0 {
		in.Format, in.Start, in.FirstCycle, in.FirstLine = g.Format, g.Start, g.N, g.Line
		in.ProcsMin, in.ProcsMax = g.Procs, g.Procs
	}
	timed := in.Timed()
	x := int64(g.N)
	if timed {
		x = int64(max(g.Start, 0))
		in.End = time.Duration(x)
	} else {
		in.End = parser.Absent
	}
	in.Cycles++
	in.LastCycle, in.LastLine = g.N, g.Line
	in.ProcsMin, in.ProcsMax = min(in.ProcsMin, g.Procs), max(in.ProcsMax, g.Procs)

	// The heap-in-use points lie up to a cycle's length later, so they go
	// first: at may widen the columns, which moves their contents.
	s.addHeapUse(g, x)
	c := s.cols.at(x)
	c.s[mHeapStart].add(x, float64(g.HeapStart))
	if g.HeapGoal != parser.Absent {
		c.s[mHeapGoal].add(x, float64(g.HeapGoal))
	}
	c.s[mPause].add(x, float64(g.Pause()))
	if g.CPUPercent != parser.Absent {
		c.s[mCPUPrinted].add(x, float64(g.CPUPercent))
	}
	if g.Forced {
		in.Forced++
		if !c.forced.ok {
			c.forced = marker{true, x, float64(g.HeapStart)}
		}
	}
	if s.periodicNext {
		s.periodicNext = false
		in.Periodic++
		if !c.periodic.ok {
			c.periodic = marker{true, x, float64(g.HeapStart)}
		}
	}

	if timed && s.have && g.NCPU > 0 {
		dt := max(x-s.prevStart, 0)
		iv := interval{dt: dt, cpu: s.prevCPU, cap: dt * int64(max(s.prevProcs, 1))}
		if s.prevLive != parser.Absent {
			iv.alloc = max(g.HeapEnd-s.prevLive, 0)
		}
		s.win.push(iv)
		if cpu, alloc, ok := s.win.rates(); ok {
			c.s[mCPU].add(x, 100*cpu)
			if s.prevLive != parser.Absent {
				c.s[mAllocRate].add(x, alloc)
			}
		}
	}
	s.have = true
	s.prevStart, s.prevCPU, s.prevProcs, s.prevLive = x, int64(g.CPUTime()), g.Procs, g.HeapLive
}

// addHeapUse adds the cycle's three heap figures to the heap-in-use line
// where they were measured: H0 at the start, H1 when marking ended, H2
// at the end (H1 and H2 also as series of their own). Drawn through them the line is the familiar sawtooth, and
// it rises from one cycle's live heap to the next one's start, as the heap
// did, instead of joining two peaks across an idle gap.
func (s *series) addHeapUse(g *parser.GC, x int64) {
	xm, xe := x, x
	if s.info.Timed() && g.NClock > 0 {
		for _, d := range g.Clock[:g.NClock-1] {
			xm += int64(d)
		}
		xe = xm + int64(g.Clock[g.NClock-1])
	}
	// Start times are truncated to the millisecond, so a cycle can seem to
	// start before the previous one ended; keep the line going forward.
	x, xm, xe = max(x, s.useX), max(xm, s.useX), max(xe, s.useX)
	s.useX = xe
	s.cols.at(x).s[mHeapUse].add(x, float64(g.HeapStart))
	cm := s.cols.at(xm)
	cm.s[mHeapUse].add(xm, float64(g.HeapEnd))
	cm.s[mHeapEnd].add(xm, float64(g.HeapEnd))
	if g.HeapLive != parser.Absent {
		ce := s.cols.at(xe)
		ce.s[mHeapUse].add(xe, float64(g.HeapLive))
		ce.s[mHeapLive].add(xe, float64(g.HeapLive))
	}
}

// sortedSpans returns the spans by rule, then start.
func (s *series) sortedSpans() []span {
	out := append([]span(nil), s.spans...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].rule != out[j].rule {
			return out[i].rule < out[j].rule
		}
		return out[i].start < out[j].start
	})
	return out
}
