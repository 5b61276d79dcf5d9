package compare

import (
	"fmt"
	"path/filepath"
	"testing"
)

// pairOf compares two traces of testdata/diff with the default options.
func pairOf(t *testing.T, old, new string) *Result {
	t.Helper()
	dir := filepath.Join("..", "testdata", "diff")
	res, err := Compare(readTrace(t, filepath.Join(dir, old)), readTrace(t, filepath.Join(dir, new)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Pairs) == 0 {
		t.Fatal("no process pair")
	}
	return res
}

func row(t *testing.T, p *Pair, id string) *Row {
	t.Helper()
	for i := range p.Rows {
		if p.Rows[i].Metric.ID == id {
			return &p.Rows[i]
		}
	}
	t.Fatalf("no row %s", id)
	return nil
}

// GOGC=50 halves the heap's growth between cycles: the GC runs twice as
// often and takes more CPU, significantly, with an interval above zero.
func TestHealthyGOGC50(t *testing.T) {
	res := pairOf(t, "healthy-1.log", "healthy-gogc50.log")
	p := &res.Pairs[0]
	for _, id := range []string{"gc-rate", "gc-cpu"} {
		r := row(t, p, id)
		if !r.Worse() || !(r.DeltaLo > 0) {
			t.Errorf("%s: %s → %s, %s %s p=%.3f: want a significant increase with an interval above 0",
				id, est(r.Old), est(r.New), pct(r.Delta), deltaCI(r), r.P)
		}
	}
	if r := row(t, p, "gc-rate"); r.Delta < 0.5 || r.Delta > 1.5 {
		t.Errorf("gc-rate %s, want about +100%%", pct(r.Delta))
	}
	if r := row(t, p, "gogc"); !r.Significant || r.Old.Center != 100 || r.New.Center != 50 {
		t.Errorf("effective GOGC %s → %s (significant %v), want 100 → 50", est(r.Old), est(r.New), r.Significant)
	}
	regs := res.Regressions(DefaultAllowances())
	if len(regs) == 0 || regs[0].Row.Metric.ID != "gc-cpu" {
		t.Errorf("regressions %v, want gc-cpu", regs)
	}
}

// Two runs of one scenario: nothing significantly worse than allowed.
func TestHealthySame(t *testing.T) {
	res := pairOf(t, "healthy-1.log", "healthy-2.log")
	if regs := res.Regressions(DefaultAllowances()); len(regs) > 0 {
		t.Errorf("regressions: %s", regs[0].Message())
	}
	for _, id := range []string{"gc-rate", "gc-cpu", "alloc-rate", "pause-p50", "pause-p99", "live-heap"} {
		if r := row(t, &res.Pairs[0], id); r.Significant {
			t.Errorf("%s: %s → %s significant (p=%.3f)", id, est(r.Old), est(r.New), r.P)
		}
	}
}

// The dog called four times as often allocates about four times as fast
// and collects as much more often; each collection is the same.
func TestDogInterval(t *testing.T) {
	res := pairOf(t, "dog-1s.log", "dog-250ms.log")
	p := &res.Pairs[0]
	for _, id := range []string{"gc-rate", "alloc-rate", "gc-cpu"} {
		if r := row(t, p, id); !r.Worse() || r.Delta < 1 {
			t.Errorf("%s: %s → %s, %s p=%.3f: want a significant increase of 100%% or more", id, est(r.Old), est(r.New), pct(r.Delta), r.P)
		}
	}
	if r := row(t, p, "alloc-per-cycle"); r.Significant {
		t.Errorf("allocated per cycle %s → %s significant", est(r.Old), est(r.New))
	}
}

// The false-positive test: ten pairs of short identical runs, none of
// which the default gate fails.
func TestSameScenarioNoFalsePositive(t *testing.T) {
	significant := 0
	for i := 1; i <= 10; i++ {
		res := pairOf(t, fmt.Sprintf("same/%02d-old.log", i), fmt.Sprintf("same/%02d-new.log", i))
		for _, g := range res.Regressions(DefaultAllowances()) {
			t.Errorf("pair %02d: %s", i, g.Message())
		}
		for _, r := range res.Pairs[0].Rows {
			if r.Significant {
				significant++
				t.Logf("pair %02d: %s %s → %s %s (p=%.3f)", i, r.Metric.ID, est(r.Old), est(r.New), pct(r.Delta), r.P)
			}
		}
	}
	t.Logf("%d significant rows in 10 pairs", significant)
}

// Each test binary of "go test ./..." is paired with its own package's in
// the other log, whatever the order of the processes around it.
func TestGoTestPairsByPackage(t *testing.T) {
	res := pairOf(t, "gotest-1.log", "gotest-2.log")
	got := map[string]bool{}
	for _, p := range res.Pairs {
		if p.Old.Program != p.New.Program {
			t.Errorf("paired %s with %s", p.Old.Label(), p.New.Label())
		}
		if p.Old.Program != "" {
			got[p.Old.Program] = true
		}
	}
	for _, pkg := range []string{"example.com/gotest/churn", "example.com/gotest/steady"} {
		if !got[pkg] {
			t.Errorf("no pair for %s; pairs: %v", pkg, res.Pairs)
		}
	}
}
