package tune

import (
	"fmt"
	"math"
)

// Candidates are the GOGC values Recommend weighs.
var Candidates = []int{25, 50, 75, 100, 150, 200, 300, 400, 600, 800, 1600, Off}

// HeadroomShare is the part of a memory budget Recommend keeps out of
// GOMEMLIMIT, for what the trace cannot see: RSS beyond the heap and the
// runtime's non-heap memory, fragmentation, cgo.
const HeadroomShare = 0.10

// Recommendation is the setting Recommend picks for a memory budget.
type Recommendation struct {
	Budget   int64
	Headroom int64 // budget − GOMEMLIMIT
	Fits     bool  // a setting was found whose predicted memory stays under the budget
	Setting  Setting
	Outcome  Outcome   // predicted, summed over the processes
	Recorded Outcome   // as recorded, summed over the processes
	Weighed  []Outcome // every candidate, in Candidates order
	Why      string    // two sentences
}

// Recommend picks the GOGC and GOMEMLIMIT that minimise predicted GC CPU
// while the predicted peak heap plus non-heap memory of every process
// stays under budget: GOMEMLIMIT at the budget less HeadroomShare, and
// the GOGC, among Candidates, whose predicted GC CPU is least without
// the limit being exceeded or the GC CPU limiter stepping in. Among equals
// it prefers the one the limit binds least, so the limit stays a backstop.
func Recommend(models []*Model, budget int64) Recommendation {
	limit := int64(float64(budget)*(1-HeadroomShare)) &^ (mib - 1)
	r := Recommendation{Budget: budget, Headroom: budget - limit}
	for _, m := range models {
		r.Recorded = r.Recorded.Add(m.Measured())
	}
	best := -1
	for _, g := range Candidates {
		s := Setting{GOGC: g, MemoryLimit: limit}
		o := Outcome{Setting: s}
		for _, m := range models {
			o = o.Add(m.Predict(s))
		}
		r.Weighed = append(r.Weighed, o)
		if o.LimitExceeded || o.CPUCapped > 0 || o.PeakMemory > limit {
			continue
		}
		if best < 0 || better(o, r.Weighed[best]) {
			best = len(r.Weighed) - 1
		}
	}
	if best < 0 {
		r.Why = whyNot(r, models)
		return r
	}
	r.Fits, r.Outcome, r.Setting = true, r.Weighed[best], r.Weighed[best].Setting
	r.Why = why(r)
	return r
}

// better says whether a is the better pick than b: less GC CPU, by more
// than the model can tell apart, or as good and less bound by the limit.
func better(a, b Outcome) bool {
	ca, cb := a.GCCPUPercent(), b.GCCPUPercent()
	if math.Abs(ca-cb) > max(0.02, 0.02*cb) {
		return ca < cb
	}
	return a.LimitPressure < b.LimitPressure
}

func why(r Recommendation) string {
	o := r.Outcome
	s := fmt.Sprintf("%s is predicted to spend %.2f%% of the CPUs on GC (recorded: %.2f%%) with a peak heap of %s, which with the non-heap memory leaves %s of the %s budget.",
		gogcName(o.Setting.GOGC), o.GCCPUPercent(), r.Recorded.GCCPUPercent(), sizeName(o.PeakHeap), sizeName(r.Budget-o.PeakMemory), sizeName(r.Budget))
	if o.LimitPressure > 0 && o.Span > 0 {
		s += fmt.Sprintf(" GOMEMLIMIT=%s sets the goal %.0f%% of the time, trading GC CPU for staying under it, and keeps %s (%.0f%%) of the budget for what the trace cannot see (RSS beyond the heap, fragmentation).",
			FormatLimit(o.Setting.MemoryLimit), 100*o.LimitPressure.Seconds()/o.Span.Seconds(), sizeName(r.Headroom), 100*HeadroomShare)
	} else {
		s += fmt.Sprintf(" GOMEMLIMIT=%s only acts if the live heap grows beyond what this trace shows, and keeps %s (%.0f%%) of the budget for what the trace cannot see (RSS beyond the heap, fragmentation).",
			FormatLimit(o.Setting.MemoryLimit), sizeName(r.Headroom), 100*HeadroomShare)
	}
	return s
}

func whyNot(r Recommendation, models []*Model) string {
	var live, nonHeap int64
	for _, m := range models {
		for _, c := range m.History.Cycles {
			if c.HeapLive+m.NonHeap > live+nonHeap {
				live, nonHeap = c.HeapLive, m.NonHeap
			}
		}
	}
	return fmt.Sprintf("No setting keeps the predicted heap under %s: the live heap alone reaches %s and the non-heap memory adds %s, so even continuous collection would run into the GC CPU limiter.",
		FormatLimit(r.Budget-r.Headroom), sizeName(live), sizeName(nonHeap)) +
		fmt.Sprintf(" Shrink the live heap (heap profile, inuse_space) or give the process a budget of at least %s.", sizeName(int64(float64(2*live+nonHeap)/(1-HeadroomShare))))
}

func gogcName(g int) string { return Setting{GOGC: g}.String() }

// sizeName prints bytes as whole MiB, the trace's unit, or GiB to three
// digits from 10 GiB on.
func sizeName(b int64) string {
	if b >= 10<<30 {
		return fmt.Sprintf("%.3g GiB", float64(b)/(1<<30))
	}
	return fmt.Sprintf("%d MiB", b/mib)
}
