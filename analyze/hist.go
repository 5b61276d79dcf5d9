package analyze

import (
	"math"
	"math/bits"
)

// subBits is log2 of the buckets per power of two. With 64 buckets per
// octave a bucket spans at most 1/64 of its lower bound, so its midpoint is
// within 0.8% of every value in it: finer than the two significant digits
// the runtime prints below 10 ms.
const subBits = 6

// hist is a log-bucketed histogram of non-negative values. Its size is
// fixed when it is made, so it holds any number of values in constant
// memory, and adding a value is a few instructions (no logarithm: the
// bucket is read off the float's exponent and leading mantissa bits).
type hist struct {
	counts         []uint32
	minExp, maxExp int // binary exponents of the smallest and largest bucket
	zero           uint64
	n              uint64
	sum            float64
	min, max       float64 // min is +Inf while empty
}

// newHist makes a histogram; min starts above any value, so that adding
// one need not ask whether it is the first.
func newHist(minExp, maxExp int) hist {
	return hist{counts: make([]uint32, (maxExp-minExp+1)<<subBits), minExp: minExp, maxExp: maxExp, min: math.Inf(1)}
}

// track keeps the count, sum and extremes the buckets do not.
func (h *hist) track(v float64) {
	if v < h.min {
		h.min = v
	}
	if v > h.max {
		h.max = v
	}
	h.n++
	h.sum += v
}

func (h *hist) add(v float64) {
	if !(v >= 0) || math.IsInf(v, 0) { // NaN, negative, infinite: not a measurement
		return
	}
	h.track(v)
	if v == 0 {
		h.zero++
		return
	}
	b := math.Float64bits(v)
	h.count(int(b>>52&0x7ff)-1023, int(b>>(52-subBits)&(1<<subBits-1)))
}

// addNS adds a duration in nanoseconds without going through the float's
// bits: the bucket is the position of the leading one bit and the bits
// after it.
func (h *hist) addNS(ns int64) {
	h.track(float64(ns))
	if ns <= 0 {
		h.zero++
		return
	}
	e := bits.Len64(uint64(ns)) - 1
	var m uint64
	if e >= subBits {
		m = uint64(ns) >> (e - subBits)
	} else {
		m = uint64(ns) << (subBits - e)
	}
	h.count(e, int(m&(1<<subBits-1)))
}

// count adds one to the bucket of binary exponent e and the subBits
// mantissa bits after the leading one; exponents out of range go to the
// end buckets.
func (h *hist) count(e, mant int) {
	var i int
	switch {
	case e < h.minExp:
		i = 0
	case e > h.maxExp:
		i = len(h.counts) - 1
	default:
		i = (e-h.minExp)<<subBits | mant
	}
	if h.counts[i] != math.MaxUint32 {
		h.counts[i]++
	}
}

// bucketMid is the midpoint of bucket i.
func (h *hist) bucketMid(i int) float64 {
	e := h.minExp + i>>subBits
	m := float64(i&(1<<subBits-1)) + 0.5
	return math.Ldexp(1+m/(1<<subBits), e)
}

// quantile returns the q-quantile (0 ≤ q ≤ 1), 0 when empty.
func (h *hist) quantile(q float64) float64 {
	if h.n == 0 {
		return 0
	}
	if q >= 1 {
		return h.max
	}
	// The rank of the nearest-rank quantile, 1-based.
	rank := uint64(math.Ceil(q * float64(h.n)))
	if rank < 1 {
		rank = 1
	}
	seen := h.zero
	if seen >= rank {
		return 0
	}
	for i, c := range h.counts {
		seen += uint64(c)
		if seen >= rank {
			return math.Min(math.Max(h.bucketMid(i), h.min), h.max)
		}
	}
	return h.max
}

func (h *hist) mean() float64 {
	if h.n == 0 {
		return 0
	}
	return h.sum / float64(h.n)
}

// quantiles summarises h, in the unit of the added values divided by div.
func (h *hist) quantiles(div float64) Quantiles {
	return Quantiles{
		P50:  round3(h.quantile(0.50) / div),
		P95:  round3(h.quantile(0.95) / div),
		P99:  round3(h.quantile(0.99) / div),
		Max:  round3(h.max / div),
		Mean: round3(h.mean() / div),
	}
}

// round3 keeps three significant digits: the histogram is not more precise
// than that and the trace mostly prints two.
// roundFigure rounds an evidence figure: a whole number (a count, a heap
// size in the trace's MiB) stays exact, a fraction keeps three significant
// digits and at least its whole part.
func roundFigure(v float64) float64 {
	if v == math.Trunc(v) || math.Abs(v) >= 100 && !math.IsInf(v, 0) {
		return math.Round(v)
	}
	return round3(v)
}

func round3(v float64) float64 {
	if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	e := math.Floor(math.Log10(math.Abs(v)))
	p := math.Pow(10, 2-e)
	r := math.Round(v*p) / p
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return v
	}
	return r
}
