package tune

import (
	"time"

	"github.com/gctrace/gctrace/parser"
)

// Cycle is what the model keeps of one GC cycle. Sizes are bytes: the
// printed MiB plus half a MiB, what the truncation drops on average (it
// matters where heaps are a few MiB), except the goal, as printed (small
// goals are the runtime's exact minimum).
type Cycle struct {
	Line      int           // where the cycle was printed
	Start     time.Duration // since process start
	End       time.Duration // Start plus the cycle's wall clock
	HeapStart int64         // H0
	HeapEnd   int64         // H1
	HeapLive  int64         // H2
	Goal      int64
	Roots     int64         // scannable stacks + globals; 0 before Go 1.18
	CPU       time.Duration // GC CPU of the cycle, idle marking excluded
	Procs     int
	Forced    bool
}

// halfMiB is the expected error of a size truncated to MiB.
const halfMiB = 1 << 19

// History is the recorded run of one process.
type History struct {
	File    string
	Process int
	// Roots reports whether the runtime printed stacks and globals (Go
	// 1.18+), whose pacer counts them into the goal.
	Roots  bool
	Cycles []Cycle
}

// Recorder collects the cycles of every process in a trace, in the order
// the processes first appear.
type Recorder struct {
	byKey   map[procKey]*History
	order   []*History
	skipped int
}

type procKey struct {
	file    string
	process int
}

// NewRecorder returns an empty Recorder.
func NewRecorder() *Recorder {
	return &Recorder{byKey: map[procKey]*History{}}
}

// Add keeps rec if it is a GC cycle the model can use: one of the
// concurrent collector (Go 1.5+), which prints the time, the live heap and
// the goal. Other records are ignored.
func (r *Recorder) Add(rec parser.Record) {
	g, ok := rec.(*parser.GC)
	if !ok {
		return
	}
	if !g.Format.Concurrent() || g.Start == parser.Absent || g.HeapLive == parser.Absent || g.HeapGoal == parser.Absent {
		r.skipped++
		return
	}
	k := procKey{g.File, g.Process}
	h := r.byKey[k]
	if h == nil {
		h = &History{File: g.File, Process: g.Process, Roots: g.Format >= parser.FormatGo118}
		r.byKey[k] = h
		r.order = append(r.order, h)
	}
	var wall time.Duration
	for _, c := range g.Clock[:g.NClock] {
		wall += c
	}
	c := Cycle{
		Line:      g.Line,
		Start:     g.Start,
		End:       g.Start + wall,
		HeapStart: g.HeapStart + halfMiB,
		HeapEnd:   g.HeapEnd + halfMiB,
		HeapLive:  g.HeapLive + halfMiB,
		Goal:      g.HeapGoal,
		CPU:       g.CPUTime(),
		Procs:     max(g.Procs, 1),
		Forced:    g.Forced,
	}
	if g.Stacks != parser.Absent && g.Globals != parser.Absent {
		c.Roots = g.Stacks + g.Globals + halfMiB
	}
	h.Cycles = append(h.Cycles, c)
}

// Histories returns the processes seen, in the order they first appeared.
func (r *Recorder) Histories() []*History { return r.order }

// Skipped counts the GC cycles the model cannot use: those of the
// stop-the-world collectors before Go 1.5, which print neither time nor
// goal.
func (r *Recorder) Skipped() int { return r.skipped }
