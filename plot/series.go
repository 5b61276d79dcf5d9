package plot

import "time"

// Point is one vertex of a downsampled line. X is nanoseconds since the
// process started, or the cycle number for traces without start times
// (before Go 1.5).
type Point struct {
	X int64
	Y float64
}

// Span is the time a finding covers, since the start of its process.
type Span struct {
	Rule       string
	Start, End time.Duration
}

// Series are the downsampled lines of one process, as the charts draw
// them, for a renderer of its own (the live page). Each line holds, per
// column of the x axis, its first, lowest, highest and last values, so
// peaks survive however long the trace.
type Series struct {
	Process  Process
	HeapUse  []Point // bytes in use: H0 at a cycle's start, H1 when marking ends, H2 at its end
	HeapLive []Point // bytes marked live (H2), at the end of each cycle
	HeapGoal []Point // bytes, at each cycle's start
	Pause    []Point // stop-the-world pause of each cycle, ns
	CPU      []Point // GC CPU over the sliding window, percent
	Alloc    []Point // allocation rate over the sliding window, bytes/s
	Spans    []Span  // by rule, then start
	Layout   Layout
}

// Layout is how the x axis of a Series is cut into columns: column i
// covers X0 + i<<Shift up to the next one. The columns only change at
// the end until they widen, which changes Shift (and moves every point).
// So a caller holding the lines of an earlier Series takes a Series from
// the column before the last one it had (which may have grown since): if
// its X0 and Shift are the same, it drops its points at and after
// Edge(From) and appends the new ones, and the lines are those of a whole
// Series; if not, the columns widened, and it takes the whole Series.
type Layout struct {
	X0    int64
	Shift uint
	Used  int // columns holding data
	From  int // the first column whose points the lines hold
}

// Edge returns the x where column col starts.
func (l Layout) Edge(col int) int64 { return l.X0 + int64(col)<<l.Shift }

// Series returns the lines of a kept process, and false when the Builder
// holds none of it.
func (b *Builder) Series(id ProcessID) (Series, bool) { return b.SeriesFrom(id, 0) }

// SeriesFrom returns the lines of a kept process from column from on (see
// Layout), and false when the Builder holds none of it. The spans are all
// there.
func (b *Builder) SeriesFrom(id ProcessID, from int) (Series, bool) {
	s := b.find(id)
	if s == nil {
		return Series{}, false
	}
	from = min(max(from, 0), s.cols.used)
	line := func(m metric) []Point {
		pts := s.cols.pointsFrom(m, from)
		out := make([]Point, len(pts))
		for i, p := range pts {
			out[i] = Point(p)
		}
		return out
	}
	out := Series{
		Process:  s.info,
		HeapUse:  line(mHeapUse),
		HeapLive: line(mHeapLive),
		HeapGoal: line(mHeapGoal),
		Pause:    line(mPause),
		CPU:      line(mCPU),
		Alloc:    line(mAllocRate),
		Layout:   Layout{X0: s.cols.x0, Shift: s.cols.shift, Used: s.cols.used, From: from},
	}
	for _, sp := range s.sortedSpans() {
		out.Spans = append(out.Spans, Span{sp.rule, time.Duration(sp.start), time.Duration(sp.end)})
	}
	return out, true
}
