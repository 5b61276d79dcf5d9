package compare

import (
	"fmt"
	"math"
	"sort"

	"github.com/aclements/go-moremath/stats"
	"golang.org/x/perf/benchmath"
)

// confidence is the level of every interval.
const confidence = 0.95

// z95 is the normal quantile of a two-sided 95% interval.
const z95 = 1.959963984540054

// statistic says which figure of a sample a row compares.
type statistic int

const (
	median statistic = iota
	quantile
	maximum
	// mean is for the rates of counts (cycles, bytes): the mean over
	// windows that tile the run is the rate over it, which a median of
	// counts per window rounds to a whole number of cycles. Its interval
	// is Student's t; the test stays Mann-Whitney's, which assumes no
	// distribution. GC CPU and the assist share keep the median: one
	// long cycle in one window would carry a mean.
	mean
)

// estimate summarises one side of a row: the figure, its confidence
// interval, and the sample size.
type estimate struct {
	center, lo, hi float64 // lo, hi infinite when the sample is too small
	n              int
}

// summarise computes the figure st (at quantile q) of a sorted sample.
func summarise(xs []float64, st statistic, q float64) estimate {
	e := estimate{n: len(xs), lo: math.Inf(-1), hi: math.Inf(1)}
	if len(xs) == 0 {
		e.center = math.NaN()
		return e
	}
	switch st {
	case median:
		s := benchmath.AssumeNothing.Summary(benchmath.NewSample(xs, &benchmath.DefaultThresholds), confidence)
		e.center, e.lo, e.hi = s.Center, s.Lo, s.Hi
	case mean:
		s := benchmath.AssumeNormal.Summary(benchmath.NewSample(xs, &benchmath.DefaultThresholds), confidence)
		e.center, e.lo, e.hi = s.Center, s.Lo, s.Hi
		if len(xs) < 2 {
			e.lo, e.hi = math.Inf(-1), math.Inf(1)
		}
	case quantile:
		ci := stats.QuantileCI(len(xs), q, confidence)
		e.center, e.lo, e.hi = ci.SampleCI(stats.Sample{Xs: xs, Sorted: true})
	case maximum:
		e.center = xs[len(xs)-1]
		e.lo, e.hi = math.NaN(), math.NaN()
	}
	return e
}

// test returns the p-value of the hypothesis that both samples (sorted)
// come from one distribution, as far as the statistic sees it, with any
// warnings; tested is false for a statistic no test applies to (a
// maximum is one cycle).
func test(old, new []float64, st statistic, q float64) (p float64, tested bool, warnings []string) {
	switch st {
	case median, mean:
		th := &benchmath.DefaultThresholds
		c := benchmath.AssumeNothing.Compare(benchmath.NewSample(old, th), benchmath.NewSample(new, th))
		for _, w := range c.Warnings {
			warnings = append(warnings, w.Error())
		}
		// The normal approximation's continuity correction can take it
		// past 1.
		return math.Min(c.P, 1), true, warnings
	case quantile:
		return quantileTest(old, new, q), true, nil
	}
	return math.NaN(), false, nil
}

// quantileTest tests whether the q-quantile of a new sample differs from
// that of an old one (both sorted), with the exceedance test: how many new
// cycles exceed the old sample's order statistic at q. Whatever the
// distribution, if both samples come from one, the share of it above the
// k-th smallest of n old values is Beta(n−k+1, k), so that count is
// beta-binomial. The Mann-Whitney test of the medians sees the body of a
// distribution; this one sees its tail. Ties (pauses print with two
// digits) are counted against the change, so the test stays conservative.
func quantileTest(old, new []float64, q float64) float64 {
	n1, n2 := len(old), len(new)
	k := min(max(int(math.Ceil(q*float64(n1))), 1), n1)
	x := old[k-1]
	gt := n2 - sort.Search(n2, func(i int) bool { return new[i] > x })
	ge := n2 - sort.Search(n2, func(i int) bool { return new[i] >= x })
	a, b := float64(n1-k+1), float64(k)
	// upper: P(M ≥ gt); lower: P(M ≤ ge).
	var upper, lower float64
	for m := 0; m <= n2; m++ {
		pm := betaBinomialPMF(m, n2, a, b)
		if m >= gt {
			upper += pm
		}
		if m <= ge {
			lower += pm
		}
	}
	return math.Min(1, 2*math.Min(upper, lower))
}

// betaBinomialPMF is P(M = m) for M beta-binomial with n trials and
// shape a, b.
func betaBinomialPMF(m, n int, a, b float64) float64 {
	lchoose := lgamma(float64(n+1)) - lgamma(float64(m+1)) - lgamma(float64(n-m+1))
	return math.Exp(lchoose + lbeta(float64(m)+a, float64(n-m)+b) - lbeta(a, b))
}

func lbeta(a, b float64) float64 { return lgamma(a) + lgamma(b) - lgamma(a+b) }

func lgamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}

// relDelta is new/old − 1 with a 95% interval, from the two sides'
// intervals by the delta method on the log of the ratio: each side's
// standard error is read from its interval's width. NaN where a side's
// figure is not positive or its interval unbounded.
func relDelta(o, n estimate) (d, lo, hi float64) {
	switch {
	case o.center == n.center:
		d = 0
	case o.center == 0:
		d = math.Inf(int(math.Copysign(1, n.center)))
	default:
		d = n.center/o.center - 1
	}
	lo, hi = math.NaN(), math.NaN()
	if o.center <= 0 || n.center <= 0 || !finite(o.lo, o.hi, n.lo, n.hi) {
		return d, lo, hi
	}
	se := func(e estimate) float64 { return (e.hi - e.lo) / (2 * z95) / e.center }
	s := math.Hypot(se(o), se(n))
	r := n.center / o.center
	return d, r*math.Exp(-z95*s) - 1, r*math.Exp(z95*s) - 1
}

func finite(xs ...float64) bool {
	for _, x := range xs {
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return false
		}
	}
	return true
}

// pct formats a relative change as benchstat does.
func pct(d float64) string {
	switch {
	case math.IsNaN(d):
		return "?"
	case math.IsInf(d, 1):
		return "+∞%"
	case math.IsInf(d, -1):
		return "-∞%"
	case d == 0:
		return "0.00%"
	}
	return fmt.Sprintf("%+.2f%%", 100*d)
}
