package plot

import "math"

// metric names one series of a process's chart.
type metric uint8

const (
	mHeapStart  metric = iota // H0: heap in use when the cycle started
	mHeapEnd                  // H1: heap in use when marking ended
	mHeapLive                 // H2: heap marked live
	mHeapGoal                 // the cycle's heap goal
	mHeapUse                  // heap in use: H0 at the start, H1 when marking ends, H2 at the end
	mPause                    // stop-the-world pause of the cycle
	mCPU                      // GC CPU % over a sliding window
	mCPUPrinted               // the cumulative GC CPU % the runtime printed
	mAllocRate                // bytes allocated per second over a sliding window
	numMetrics
)

// stat is what a column keeps of one metric: enough to draw the column
// exactly as the full data would look at that width (first, last, minimum
// and maximum, each with its x), so peaks are never shaved.
type stat struct {
	n                         int64 // values seen; 0 when the column has none
	first, last, min, max     float64
	xFirst, xLast, xMin, xMax int64
}

func (s *stat) add(x int64, v float64) {
	if s.n == 0 {
		*s = stat{n: 1, first: v, last: v, min: v, max: v, xFirst: x, xLast: x, xMin: x, xMax: x}
		return
	}
	s.n++
	s.last, s.xLast = v, x
	// Strict comparisons keep the earliest extreme, so equal values do not
	// add points.
	if v < s.min {
		s.min, s.xMin = v, x
	}
	if v > s.max {
		s.max, s.xMax = v, x
	}
}

// merge folds t, which lies after s on the x axis, into s.
func (s *stat) merge(t *stat) {
	switch {
	case t.n == 0:
		return
	case s.n == 0:
		*s = *t
		return
	}
	s.n += t.n
	s.last, s.xLast = t.last, t.xLast
	if t.min < s.min {
		s.min, s.xMin = t.min, t.xMin
	}
	if t.max > s.max {
		s.max, s.xMax = t.max, t.xMax
	}
}

// marker is a forced or periodic GC shown as a glyph; a column keeps the
// first of each kind, which bounds the glyphs to the number of columns.
type marker struct {
	ok bool
	x  int64
	y  float64
}

// column is one slot of the downsampled x axis.
type column struct {
	s        [numMetrics]stat
	forced   marker // runtime.GC or debug.FreeOSMemory
	periodic marker // the 2-minute periodic GC ("GC forced")
}

func (c *column) merge(d *column) {
	for i := range c.s {
		c.s[i].merge(&d.s[i])
	}
	if !c.forced.ok {
		c.forced = d.forced
	}
	if !c.periodic.ok {
		c.periodic = d.periodic
	}
}

// columns downsamples a stream of points whose x range is not known in
// advance, in constant memory and one pass: a fixed number of columns of
// equal width from the first x on; when a point falls beyond the last
// column, the width doubles and neighbouring columns merge pairwise. Each
// column then covers between half a pixel and one pixel of the final
// chart when there are twice as many columns as pixels.
type columns struct {
	cols  []column
	x0    int64 // x of the first point: the left edge of column 0
	shift uint  // a column is 1<<shift x units wide (a shift, not a division, per point)
	used  int   // columns up to this index hold data
	any   bool
}

func newColumns(n int) columns {
	if n < 2 {
		n = 2
	}
	n += n & 1 // merging pairs needs an even count
	return columns{cols: make([]column, n)}
}

// width is the x units one column covers.
func (c *columns) width() int64 { return 1 << c.shift }

// at returns the column that x falls in, widening the columns as needed.
// An x before the first one (a clock that ran back) goes to column 0.
func (c *columns) at(x int64) *column {
	if !c.any {
		c.any, c.x0 = true, x
	}
	d := x - c.x0
	if d < 0 {
		d = 0
	}
	for d>>c.shift >= int64(len(c.cols)) {
		c.widen()
	}
	i := int(d >> c.shift)
	if i+1 > c.used {
		c.used = i + 1
	}
	return &c.cols[i]
}

func (c *columns) widen() {
	used := (c.used + 1) / 2
	for i := 0; i < used; i++ {
		a := &c.cols[2*i]
		if 2*i+1 < c.used {
			a.merge(&c.cols[2*i+1])
		}
		if i > 0 {
			c.cols[i] = *a
		}
	}
	clear(c.cols[used:c.used])
	c.shift++
	c.used = used
}

// point is one vertex of a downsampled line, x in the series' own unit
// (nanoseconds since process start, or the cycle's ordinal).
type point struct {
	X int64
	Y float64
}

// points returns the line of metric m: per column, its first, minimum,
// maximum and last values in x order (duplicates dropped), so a line drawn
// through them covers exactly the pixels the full data would.
func (c *columns) points(m metric) []point { return c.pointsFrom(m, 0) }

// pointsFrom is points of the columns from index from on.
func (c *columns) pointsFrom(m metric, from int) []point {
	var out []point
	for i := max(from, 0); i < c.used; i++ {
		s := &c.cols[i].s[m]
		if s.n == 0 {
			continue
		}
		p := [4]point{{s.xFirst, s.first}, {s.xMin, s.min}, {s.xMax, s.max}, {s.xLast, s.last}}
		// In x order; only the extremes can be out of it, unless a clock
		// ran back, so a stable insertion sort is all it takes.
		for j := 1; j < len(p); j++ {
			for k := j; k > 0 && p[k].X < p[k-1].X; k-- {
				p[k], p[k-1] = p[k-1], p[k]
			}
		}
		for _, q := range p {
			if n := len(out); n > 0 && out[n-1] == q {
				continue
			}
			out = append(out, q)
		}
	}
	return out
}

// extremes returns per column the minimum and maximum of metric m, at the
// column's first x: the envelope used for bars.
func (c *columns) extremes(m metric) (xs []int64, lo, hi []float64) {
	for i := 0; i < c.used; i++ {
		s := &c.cols[i].s[m]
		if s.n == 0 {
			continue
		}
		xs = append(xs, s.xMax)
		lo = append(lo, s.min)
		hi = append(hi, s.max)
	}
	return xs, lo, hi
}

// span returns the smallest and largest value of metric m, and false when
// it has none.
func (c *columns) span(m metric) (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for i := 0; i < c.used; i++ {
		s := &c.cols[i].s[m]
		if s.n == 0 {
			continue
		}
		lo, hi, ok = math.Min(lo, s.min), math.Max(hi, s.max), true
	}
	return lo, hi, ok
}

// markers returns the forced (periodic false) or periodic GC glyphs.
func (c *columns) markers(periodic bool) []point {
	var out []point
	for i := 0; i < c.used; i++ {
		m := c.cols[i].forced
		if periodic {
			m = c.cols[i].periodic
		}
		if m.ok {
			out = append(out, point{m.x, m.y})
		}
	}
	return out
}
