package plot

import (
	"math"
	"strconv"
	"time"

	gplot "gonum.org/v1/plot"
)

// ticks places labelled marks at 1, 2 or 5 times a power of ten, about n
// of them over the range. Unlike gonum's DefaultTicks it never panics: a
// degenerate range gets a single mark.
type ticks struct {
	n       int
	hide    bool // marks without labels, for the panels above the bottom one
	integer bool // whole numbers only (cycle numbers)
}

func (t ticks) Ticks(lo, hi float64) []gplot.Tick {
	if math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return nil
	}
	if !(hi > lo) {
		return []gplot.Tick{{Value: lo, Label: t.label(lo, 0)}}
	}
	step, prec := niceStep((hi - lo) / float64(max(t.n, 1)))
	var out []gplot.Tick
	first := math.Ceil(lo/step - 1e-9)
	for i := first; ; i++ {
		v := i * step
		if v > hi+step*1e-9 || len(out) > 100 {
			break
		}
		if math.Abs(v) < step*1e-9 {
			v = 0 // no "-0"
		}
		out = append(out, gplot.Tick{Value: v, Label: t.label(v, prec)})
	}
	return out
}

func (t ticks) label(v float64, prec int) string {
	if t.hide {
		return ""
	}
	return strconv.FormatFloat(v, 'f', prec, 64)
}

// niceStep returns the 1, 2 or 5 times a power of ten nearest to raw (on a
// log scale), and the decimals its labels need.
func niceStep(raw float64) (step float64, prec int) {
	if !(raw > 0) || math.IsInf(raw, 0) {
		return 1, 0
	}
	exp := math.Floor(math.Log10(raw))
	mag := math.Pow(10, exp)
	switch f := raw / mag; {
	case f < 1.42:
		step = mag
	case f < 3.17:
		step = 2 * mag
	case f < 7.08:
		step = 5 * mag
	default:
		step = 10 * mag
		exp++
	}
	return step, int(max(0, -exp))
}

// unit is how values are shown on an axis: divided by div, named name.
type unit struct {
	div  float64
	name string
}

// timeUnit picks seconds, minutes or hours so that a span reads in small
// numbers.
func timeUnit(span time.Duration) unit {
	switch {
	case span > 3*time.Hour:
		return unit{float64(time.Hour), "h"}
	case span > 3*time.Minute:
		return unit{float64(time.Minute), "min"}
	}
	return unit{float64(time.Second), "s"}
}

// durationUnit picks µs, ms or s for pauses up to max (ns).
func durationUnit(max float64) unit {
	switch {
	case max >= float64(time.Second):
		return unit{float64(time.Second), "s"}
	case max >= float64(time.Millisecond):
		return unit{float64(time.Millisecond), "ms"}
	}
	return unit{float64(time.Microsecond), "µs"}
}

// byteUnit picks MiB or GiB (KiB for rates below 1 MiB) for sizes up to
// max bytes. The trace prints MiB, truncated, so MiB is the floor for
// sizes; rates are derived and may be smaller.
func byteUnit(max float64, rate bool) unit {
	suffix := ""
	if rate {
		suffix = "/s"
	}
	switch {
	case max >= 2<<30:
		return unit{1 << 30, "GiB" + suffix}
	case max >= 1<<20 || !rate:
		return unit{1 << 20, "MiB" + suffix}
	}
	return unit{1 << 10, "KiB" + suffix}
}

// yRange returns the axis range for values up to hi, starting at zero:
// some headroom above the highest value, and a range of one unit when all
// values are zero so the axis is never degenerate.
func yRange(hi float64, u unit, atLeast float64) (lo, top float64) {
	top = hi / u.div * 1.08
	if !(top >= atLeast) {
		top = atLeast
	}
	return 0, top
}
