package parser

import "time"

const mib = 1 << 20

// parseGC decodes a GC line starting at c's position ("gc 1 @…" or
// "gc1(2): …") into g. It returns the name of the field that failed, or ""
// when the whole rest of the line was decoded.
func parseGC(c *cursor, g *GC) string {
	resetGC(g)
	if !c.lit("gc") {
		return "gc"
	}
	if c.peek() == ' ' {
		return parseConcurrent(c, g)
	}
	return parseLegacy(c, g)
}

// resetGC clears every field except the position.
func resetGC(g *GC) {
	resetLegacy(g)
	g.Format, g.N, g.Hash, g.Start, g.CPUPercent, g.LeakCheck = FormatUnknown, 0, false, Absent, Absent, false
	g.NClock, g.Clock, g.NCPU, g.CPU = 0, [5]time.Duration{}, 0, [7]time.Duration{}
	g.ClockPrec, g.CPUPrec, g.StartPrec = [5]uint8{}, [7]uint8{}, 0
	g.HeapStart, g.HeapEnd, g.HeapLive, g.HeapGoal, g.Stacks, g.Globals = 0, 0, Absent, Absent, Absent, Absent
	g.Procs, g.Forced = 0, false
}

// resetLegacy clears g.Old. Old is large and only a pre-1.5 line sets it:
// it is cleared only after one. parseLegacy writes Heap0 (a count, never
// Absent) before any other field of Old, so Heap0 alone tells whether the
// last line decoded into g got that far; comparing all of Old cost a
// memequal call on every line.
func resetLegacy(g *GC) {
	if g.Old.Heap0 != Absent {
		g.Old = absentLegacy
	}
}

var absentLegacy = Legacy{Heap0: Absent, Heap1: Absent, Objects0: Absent, Objects1: Absent, Mallocs: Absent, Frees: Absent, Goroutines: Absent,
	Sweeps: [3]int64{Absent, Absent, Absent}, Handoff: [2]int64{Absent, Absent}, Steal: [2]int64{Absent, Absent}, Yields: [3]int64{Absent, Absent, Absent}}

// parseConcurrent decodes the Go 1.5+ shape:
//
//	gc N @S.sss s U%[ (checking for goroutine leaks)]: c+c+c ms clock, p+a/b/i+p ms cpu, H0->H1->H2 MB, G MB goal[, ST MB stacks, GL MB globals], P P[ (forced)]
//
// with the 1.5 variants: "gc #N", five clock phases and seven cpu values,
// and the dev forms without "%", goal or live heap.
func parseConcurrent(c *cursor, g *GC) string {
	c.lit(" ")
	g.Hash = c.lit("#")
	n, ok := c.uint()
	if !ok {
		return "cycle number"
	}
	g.N = int(n)
	if !c.lit(" @") {
		return "start time"
	}
	s, dec, ok := c.decimal(9)
	if !ok || !c.lit("s") {
		return "start time"
	}
	g.Start, g.StartPrec = time.Duration(s), dec
	if c.lit(" ") {
		u, ok := c.uint()
		if !ok || !c.lit("%") {
			return "cpu percent"
		}
		g.CPUPercent = int(u)
	}
	g.LeakCheck = c.lit(" (checking for goroutine leaks)")
	if !c.lit(": ") {
		return "colon"
	}

	// Clock phases: 3 (1.6beta2+) or 5 (1.5) values joined by '+'.
	clockAt := c.i
	for {
		if g.NClock == len(g.Clock) {
			return "clock"
		}
		d, dec, ok := c.ms()
		if !ok {
			return "clock"
		}
		g.Clock[g.NClock], g.ClockPrec[g.NClock] = d, dec
		g.NClock++
		if !c.lit("+") {
			break
		}
	}
	if !c.lit(" ms clock, ") {
		return "clock"
	}

	// CPU phases: p1[+scan+installWB]+assist/background/idle+p2.
	want := 5
	if g.NClock == 5 {
		want = 7
	} else if g.NClock != 3 {
		c.i = clockAt
		return "clock"
	}
	for i := 0; i < want; i++ {
		if i > 0 {
			sep := "+"
			if i == want-3 || i == want-2 {
				sep = "/"
			}
			if !c.lit(sep) {
				return "cpu"
			}
		}
		d, dec, ok := c.ms()
		if !ok {
			return "cpu"
		}
		g.CPU[i], g.CPUPrec[i] = d, dec
	}
	g.NCPU = want
	if !c.lit(" ms cpu, ") {
		return "cpu"
	}

	h0, ok := c.uint()
	if !ok || !c.lit("->") {
		return "heap"
	}
	h1, ok := c.uint()
	if !ok {
		return "heap"
	}
	g.HeapStart, g.HeapEnd = h0*mib, h1*mib
	if c.lit("->") {
		h2, ok := c.uint()
		if !ok {
			return "heap"
		}
		g.HeapLive = h2 * mib
	}
	if !c.lit(" MB, ") {
		return "heap"
	}

	// What follows is "G MB goal, ", then "ST MB stacks, GL MB globals, "
	// (1.18+), then "P P". Each is a number followed by its unit.
	v, ok := c.uint()
	if !ok {
		return "goal"
	}
	if c.lit(" MB goal, ") {
		g.HeapGoal = v * mib
		if v, ok = c.uint(); !ok {
			return "procs"
		}
		if c.lit(" MB stacks, ") {
			g.Stacks = v * mib
			gl, ok := c.uint()
			if !ok || !c.lit(" MB globals, ") {
				return "globals"
			}
			g.Globals = gl * mib
			if v, ok = c.uint(); !ok {
				return "procs"
			}
		}
	}
	if !c.lit(" P") {
		return "procs"
	}
	g.Procs = int(v)
	g.Forced = c.lit(" (forced)")

	switch {
	case g.NClock == 5:
		g.Format = FormatGo15
	case g.Stacks != Absent:
		g.Format = FormatGo118
	default:
		g.Format = FormatGo16
	}
	return endOfLine(c)
}

// endOfLine accepts trailing blanks only: anything else means another
// writer's output was glued to the line.
func endOfLine(c *cursor) string {
	c.skipSpace()
	if !c.eof() {
		return "end of line"
	}
	return ""
}

// parseLegacy decodes the stop-the-world collector's lines (Go 1.0–1.4):
//
//	1.0: gc14(2): 1+1+0 ms 10 -> 5 MB 58439 -> 8912 (573381-564469) objects 184 handoff
//	1.1: gc83(1): 8+0+0 ms, 62 -> 31 MB 19455 -> 3211 (1291202-1287991) objects, 0(0) handoff, 0(0) steal, 0/0/0 yields
//	1.3: gc1(1): 5+0+186+0 us, 0 -> 0 MB, 18 (19-1) objects, 0/0/0 sweeps, 0(0) handoff, 0(0) steal, 0/0/0 yields
//	1.4: as 1.3 with "2 goroutines, " before the sweeps
func parseLegacy(c *cursor, g *GC) string {
	n, ok := c.uint()
	if !ok {
		return "cycle number"
	}
	g.N = int(n)
	if !c.lit("(") {
		return "procs"
	}
	p, ok := c.uint()
	if !ok || !c.lit("): ") {
		return "procs"
	}
	g.Procs = int(p)
	clockAt := c.i
	var phase [4]int64
	for {
		if g.NClock == len(phase) {
			return "clock"
		}
		v, ok := c.uint()
		if !ok {
			return "clock"
		}
		phase[g.NClock] = v
		g.NClock++
		if !c.lit("+") {
			break
		}
	}
	unit := time.Millisecond
	switch {
	case c.lit(" ms "):
		g.Format = FormatGo10
	case c.lit(" ms, "):
		g.Format = FormatGo11
	case c.lit(" us, "):
		g.Format = FormatGo13
		unit = time.Microsecond
	default:
		return "clock"
	}
	if (g.Format == FormatGo13) != (g.NClock == 4) || g.NClock < 3 {
		c.i = clockAt
		return "clock"
	}
	for i := 0; i < g.NClock; i++ {
		g.Clock[i] = time.Duration(phase[i]) * unit
	}

	o := &g.Old
	if o.Heap0, ok = c.uint(); !ok || !c.lit(" -> ") {
		return "heap"
	}
	if o.Heap1, ok = c.uint(); !ok {
		return "heap"
	}
	if g.Format == FormatGo13 {
		if !c.lit(" MB, ") {
			return "heap"
		}
		// Heap0 is the live heap after the previous collection, Heap1
		// the heap when this one started.
		g.HeapStart, g.HeapEnd = o.Heap1*mib, o.Heap1*mib
		if o.Objects1, ok = c.uint(); !ok || !c.lit(" (") {
			return "objects"
		}
	} else {
		if !c.lit(" MB ") {
			return "heap"
		}
		g.HeapStart, g.HeapEnd, g.HeapLive = o.Heap0*mib, o.Heap0*mib, o.Heap1*mib
		if o.Objects0, ok = c.uint(); !ok || !c.lit(" -> ") {
			return "objects"
		}
		if o.Objects1, ok = c.uint(); !ok || !c.lit(" (") {
			return "objects"
		}
	}
	if o.Mallocs, ok = c.uint(); !ok || !c.lit("-") {
		return "objects"
	}
	if o.Frees, ok = c.uint(); !ok || !c.lit(") objects") {
		return "objects"
	}

	if g.Format == FormatGo10 {
		if !c.lit(" ") {
			return "handoff"
		}
		if o.Handoff[0], ok = c.uint(); !ok || !c.lit(" handoff") {
			return "handoff"
		}
		return endOfLine(c)
	}
	if !c.lit(", ") {
		return "objects"
	}
	if g.Format == FormatGo13 {
		v, ok := c.uint()
		if !ok {
			return "sweeps"
		}
		if c.lit(" goroutines, ") {
			g.Format = FormatGo14
			o.Goroutines = v
			if v, ok = c.uint(); !ok {
				return "sweeps"
			}
		}
		o.Sweeps[0] = v
		if !c.lit("/") || !triple(c, &o.Sweeps, " sweeps, ") {
			return "sweeps"
		}
	}
	if !pair(c, &o.Handoff, " handoff, ") {
		return "handoff"
	}
	if !pair(c, &o.Steal, " steal, ") {
		return "steal"
	}
	v, ok := c.uint()
	if !ok || !c.lit("/") {
		return "yields"
	}
	o.Yields[0] = v
	if !triple(c, &o.Yields, " yields") {
		return "yields"
	}
	return endOfLine(c)
}

// pair reads "N(M)" followed by suffix.
func pair(c *cursor, dst *[2]int64, suffix string) bool {
	var ok bool
	if dst[0], ok = c.uint(); !ok || !c.lit("(") {
		return false
	}
	if dst[1], ok = c.uint(); !ok || !c.lit(")") {
		return false
	}
	return c.lit(suffix)
}

// triple reads the "B/C" rest of "A/B/C" (A already read) and the suffix.
func triple(c *cursor, dst *[3]int64, suffix string) bool {
	var ok bool
	if dst[1], ok = c.uint(); !ok || !c.lit("/") {
		return false
	}
	if dst[2], ok = c.uint(); !ok {
		return false
	}
	return c.lit(suffix)
}
