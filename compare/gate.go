package compare

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Allowances are the relative increases a gate tolerates, by metric ID:
// 0.10 lets a metric grow by 10% before it fails.
type Allowances map[string]float64

// DefaultAllowances is the gate of check --baseline when none is given.
func DefaultAllowances() Allowances {
	return Allowances{"gc-cpu": 0.10, "pause-p99": 0.20, "alloc-rate": 0.15}
}

// Gateable returns the IDs of the metrics a gate can judge: those with a
// direction and a test.
func Gateable() []string {
	var ids []string
	for _, m := range Metrics {
		if m.Worse == HigherIsWorse && m.stat != maximum {
			ids = append(ids, m.ID)
		}
	}
	return ids
}

// Set reads "gc-cpu=10%,pause-p99=20%" into a: each item sets one
// allowance, in percent (the % is optional), and METRIC=off removes one.
func (a Allowances) Set(s string) error {
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		id, v, ok := strings.Cut(item, "=")
		id, v = strings.TrimSpace(id), strings.TrimSpace(v)
		if !ok {
			return fmt.Errorf("want METRIC=PERCENT such as gc-cpu=10%%, not %q", item)
		}
		m := metric(id)
		if m == nil || m.Worse != HigherIsWorse || m.stat == maximum {
			return fmt.Errorf("cannot gate on %q; metrics: %s", id, strings.Join(Gateable(), ", "))
		}
		if v == "off" {
			delete(a, id)
			continue
		}
		f, err := strconv.ParseFloat(strings.TrimSuffix(v, "%"), 64)
		if err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
			return fmt.Errorf("%s: want a percentage such as 10%%, or off, not %q", id, v)
		}
		a[id] = f / 100
	}
	return nil
}

// String lists the allowances sorted: "alloc-rate=15%,gc-cpu=10%".
func (a Allowances) String() string {
	ids := make([]string, 0, len(a))
	for id := range a {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for i, id := range ids {
		ids[i] = fmt.Sprintf("%s=%s%%", id, strconv.FormatFloat(a[id]*100, 'f', -1, 64))
	}
	return strings.Join(ids, ",")
}

// Regression is a metric significantly worse than its allowance.
type Regression struct {
	Pair    *Pair
	Row     *Row
	Allowed float64 // relative increase allowed
}

// Message says which metric got worse, by how much, with the interval:
// "gc-cpu: GC CPU +42.00% (95% CI [+30.1%, +55.2%], p=0.000 n=20), more
// than the 10% allowed: 2.10 → 2.98 %".
func (g Regression) Message() string {
	r := g.Row
	ci := deltaCI(r)
	if ci == "[?]" {
		ci = "unknown: too few samples"
	}
	return fmt.Sprintf("%s: %s %s (95%% CI %s, %s), more than the %s%% allowed: %s → %s",
		r.Metric.ID, r.Metric.Name, pct(r.Delta), ci, strings.Trim(testNote(r), "()"),
		strconv.FormatFloat(g.Allowed*100, 'f', -1, 64), num(r.Old.Center), r.Metric.withUnit(r.New.Center))
}

// Regressions returns the rows, pair by pair, that got significantly worse
// by more than their allowance. Only significant changes count: a delta
// the test cannot tell from noise passes whatever its size.
func (res *Result) Regressions(a Allowances) []Regression {
	var out []Regression
	for i := range res.Pairs {
		p := &res.Pairs[i]
		for j := range p.Rows {
			r := &p.Rows[j]
			allowed, ok := a[r.Metric.ID]
			if ok && r.Worse() && r.Delta > allowed {
				out = append(out, Regression{Pair: p, Row: r, Allowed: allowed})
			}
		}
	}
	return out
}
