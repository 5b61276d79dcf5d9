package compare

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"
)

func sorted(xs []float64) []float64 {
	sort.Float64s(xs)
	return xs
}

// The exceedance test of a quantile: a sample against itself is no
// difference, a tail moved up is one, and under the null hypothesis it
// rejects about as often as α says, not more.
func TestQuantileTest(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	draw := func(n int, scale float64) []float64 {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = r.ExpFloat64() * scale
		}
		return sorted(xs)
	}
	a := draw(200, 1)
	if p := quantileTest(a, a, 0.99); p < 0.5 {
		t.Errorf("a sample against itself: p = %v, want ≥ 0.5", p)
	}
	if p := quantileTest(a, draw(200, 3), 0.95); p > 0.001 {
		t.Errorf("a tail three times as long: p = %v, want < 0.001", p)
	}
	if p := quantileTest(draw(200, 3), a, 0.95); p > 0.001 {
		t.Errorf("a tail three times as short: p = %v, want < 0.001", p)
	}
	rejected := 0
	const trials = 400
	for i := 0; i < trials; i++ {
		if quantileTest(draw(100, 1), draw(100, 1), 0.95) <= Alpha {
			rejected++
		}
	}
	if rate := float64(rejected) / trials; rate > 0.08 {
		t.Errorf("false positives under the null hypothesis: %.1f%%, want about %.0f%% or less", rate*100, Alpha*100)
	}
}

// Ties (pauses print with two digits) make the test more careful, never
// less: a sample of one repeated value does not differ from itself.
func TestQuantileTestTies(t *testing.T) {
	a := []float64{0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.2, 0.2}
	if p := quantileTest(a, a, 0.95); p < 0.5 {
		t.Errorf("p = %v, want ≥ 0.5", p)
	}
}

func TestBetaBinomialSumsToOne(t *testing.T) {
	for _, c := range []struct {
		n    int
		a, b float64
	}{{10, 1, 1}, {58, 1, 18}, {1000, 5, 95}} {
		s := 0.0
		for m := 0; m <= c.n; m++ {
			s += betaBinomialPMF(m, c.n, c.a, c.b)
		}
		if math.Abs(s-1) > 1e-9 {
			t.Errorf("BB(%d, %v, %v) sums to %v", c.n, c.a, c.b, s)
		}
	}
}

func TestRelDelta(t *testing.T) {
	o := estimate{center: 10, lo: 9, hi: 11, n: 30}
	n := estimate{center: 15, lo: 14, hi: 16, n: 30}
	d, lo, hi := relDelta(o, n)
	if math.Abs(d-0.5) > 1e-12 || !(lo < 0.5 && hi > 0.5 && lo > 0.3 && hi < 0.7) {
		t.Errorf("relDelta = %v [%v, %v], want 0.5 inside a narrow interval", d, lo, hi)
	}
	if d, lo, _ := relDelta(estimate{center: 0}, n); !math.IsInf(d, 1) || !math.IsNaN(lo) {
		t.Errorf("from zero: %v [%v], want +Inf and no interval", d, lo)
	}
	if _, lo, _ := relDelta(estimate{center: 10, lo: math.Inf(-1), hi: 11}, n); !math.IsNaN(lo) {
		t.Errorf("an unbounded side gave an interval")
	}
}
