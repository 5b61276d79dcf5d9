package analyze

import (
	"fmt"
	"sort"
	"time"

	"github.com/gctrace/gctrace/parser"
)

// Budget rule IDs: the findings of a BudgetCheck, one per limit. Like the
// rule IDs, they are stable.
const (
	RuleBudgetGCCPU     = "budget-gc-cpu"
	RuleBudgetPause     = "budget-pause"
	RuleBudgetGCRate    = "budget-gc-rate"
	RuleBudgetHeap      = "budget-heap"
	RuleBudgetAllocRate = "budget-alloc-rate"
)

// Budgets are limits each process of a trace must stay within. A negative
// limit is unset; zero is a limit.
type Budgets struct {
	GCCPU     float64       // percent, over the process's run
	Pause     time.Duration // any single stop-the-world pause
	GCRate    float64       // cycles per second, over the process's run
	Heap      int64         // bytes in use at any cycle's start or mark end
	AllocRate float64       // bytes per second, over the process's run
}

// NoBudgets returns Budgets with every limit unset.
func NoBudgets() Budgets {
	return Budgets{GCCPU: -1, Pause: -1, GCRate: -1, Heap: -1, AllocRate: -1}
}

// Rules lists the rule IDs of the budgets that are set, sorted.
func (b *Budgets) Rules() []string {
	var out []string
	if b.AllocRate >= 0 {
		out = append(out, RuleBudgetAllocRate)
	}
	if b.GCCPU >= 0 {
		out = append(out, RuleBudgetGCCPU)
	}
	if b.GCRate >= 0 {
		out = append(out, RuleBudgetGCRate)
	}
	if b.Heap >= 0 {
		out = append(out, RuleBudgetHeap)
	}
	if b.Pause >= 0 {
		out = append(out, RuleBudgetPause)
	}
	return out
}

// BudgetCheck judges a stream of GC records against Budgets. Its findings
// are all of severity Error: a budget is what the user said must not
// happen.
type BudgetCheck struct {
	b         Budgets
	onFinding func(Finding)
	hits      map[hitKey]*budgetHit
	lostHits  int64
}

// NewBudgetCheck returns a BudgetCheck of b. onFinding, if not nil, is
// called from Add with the first cycle of a process over the pause or
// heap budget; the rate budgets can only be judged at the end.
func NewBudgetCheck(b Budgets, onFinding func(Finding)) *BudgetCheck {
	return &BudgetCheck{b: b, onFinding: onFinding}
}

// hitKey names the budget findings of one process.
type hitKey struct {
	file    string
	process int
	rule    string
}

// budgetHit gathers the cycles of one process that broke a per-cycle
// budget (pause, heap).
type budgetHit struct {
	hitKey
	count               int64
	firstLine, lastLine int
	firstN, lastN       int
	start, end          time.Duration
	worst               float64 // ns or bytes
	worstN, worstLine   int
}

// maxHits bounds the per-cycle budget findings kept, as the analyzer
// bounds its processes: a log of many small processes must not grow the
// check without limit.
const maxHits = 1000

// Add judges the budgets a single cycle can break.
func (c *BudgetCheck) Add(g *parser.GC) {
	if c.b.Pause >= 0 {
		if p := g.Pause(); p > c.b.Pause {
			c.hit(RuleBudgetPause, g, float64(p))
		}
	}
	if c.b.Heap >= 0 {
		if h := max(g.HeapStart, g.HeapEnd); h > c.b.Heap {
			c.hit(RuleBudgetHeap, g, float64(h))
		}
	}
}

func (c *BudgetCheck) hit(rule string, g *parser.GC, v float64) {
	k := hitKey{g.File, g.Process, rule}
	h := c.hits[k]
	if h == nil {
		if len(c.hits) >= maxHits {
			c.lostHits++
			return
		}
		if c.hits == nil {
			c.hits = map[hitKey]*budgetHit{}
		}
		h = &budgetHit{hitKey: k, firstLine: g.Line, firstN: g.N, start: -1, end: -1}
		if g.Start >= 0 {
			h.start = g.Start
		}
		c.hits[k] = h
		if c.onFinding != nil {
			c.onFinding(c.hitFinding(h, g, v))
		}
	}
	h.count++
	h.lastLine, h.lastN = g.Line, g.N
	if g.Start >= 0 {
		h.end = g.Start
	}
	if v > h.worst {
		h.worst, h.worstN, h.worstLine = v, g.N, g.Line
	}
}

// hitFinding is the finding of the first cycle over a budget, as streamed:
// the hit as it will stand if no other cycle of the process joins it.
func (c *BudgetCheck) hitFinding(h *budgetHit, g *parser.GC, v float64) Finding {
	first := *h
	first.count, first.lastLine, first.lastN, first.end = 1, g.Line, g.N, first.start
	first.worst, first.worstN, first.worstLine = v, g.N, g.Line
	return c.finding(&first)
}

func (c *BudgetCheck) finding(h *budgetHit) Finding {
	f := Finding{
		Rule: h.rule, Severity: Error, Process: h.process, File: h.file,
		FirstLine: h.firstLine, LastLine: h.lastLine, FirstCycle: h.firstN, LastCycle: h.lastN,
		Start: h.start, End: h.end, Advice: budgetAdvice(h.rule),
	}
	n := fmt.Sprintf("%d %s", h.count, plural(h.count, "cycle", "cycles"))
	switch h.rule {
	case RuleBudgetPause:
		worst := time.Duration(h.worst)
		f.Message = fmt.Sprintf("pause of %s exceeds the %s budget (--max-pause) at gc %d; %s over it", formatPause(worst), c.b.Pause, h.worstN, n)
		f.Evidence = []Figure{
			{Name: "budget_ms", Value: float64(c.b.Pause) / 1e6, Unit: "ms"},
			{Name: "cycles_over", Value: float64(h.count), Unit: "cycles"},
			{Name: "max_pause_ms", Value: float64(worst) / 1e6, Unit: "ms"},
		}
	case RuleBudgetHeap:
		f.Message = fmt.Sprintf("heap of %d MB exceeds the %s budget (--max-heap) at gc %d; %s over it", int64(h.worst)>>20, roundSize(float64(c.b.Heap)), h.worstN, n)
		f.Evidence = []Figure{
			{Name: "budget_mib", Value: float64(c.b.Heap) / mibF, Unit: "MiB"},
			{Name: "cycles_over", Value: float64(h.count), Unit: "cycles"},
			{Name: "heap_max_mib", Value: h.worst / mibF, Unit: "MiB"},
		}
	}
	return f
}

// minRateSpan is the shortest run whose rates a budget judges: over less,
// the millisecond timestamps and a start-up burst decide the figure.
const minRateSpan = 1.0 // seconds

// Findings returns the budget findings at the end of the input, the
// per-cycle ones gathered by Add and the whole-run rates of each process
// in rep, with notes on what went unjudged.
func (c *BudgetCheck) Findings(rep *Report) (findings []Finding, notes []string) {
	b := &c.b
	keys := make([]hitKey, 0, len(c.hits))
	for k := range c.hits {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		x, y := keys[i], keys[j]
		if x.file != y.file {
			return x.file < y.file
		}
		if x.process != y.process {
			return x.process < y.process
		}
		return x.rule < y.rule
	})
	for _, k := range keys {
		findings = append(findings, c.finding(c.hits[k]))
	}
	if c.lostHits > 0 {
		notes = append(notes, fmt.Sprintf("%d more cycles over a budget in processes beyond the first %d are not listed", c.lostHits, maxHits))
	}
	if b.GCCPU < 0 && b.GCRate < 0 && b.AllocRate < 0 {
		return findings, notes
	}
	short := 0
	for i := range rep.Processes {
		p := &rep.Processes[i]
		if p.DurationS < minRateSpan || p.Cycles < 2 {
			short++
			continue
		}
		base := Finding{
			Severity: Error, Process: p.Process, File: p.File,
			FirstLine: p.FirstLine, LastLine: p.LastLine, FirstCycle: p.FirstCycle, LastCycle: p.LastCycle,
			Start: secondsDur(p.StartS), End: secondsDur(p.StartS + p.DurationS),
		}
		over := fmt.Sprintf("over the run (%.1fs, %d cycles)", p.DurationS, p.Cycles)
		add := func(rule, msg string, ev ...Figure) {
			f := base
			f.Rule, f.Advice, f.Message, f.Evidence = rule, budgetAdvice(rule), msg, ev
			findings = append(findings, f)
		}
		if b.GCCPU >= 0 && p.GCCPUPercent > b.GCCPU {
			add(RuleBudgetGCCPU, fmt.Sprintf("GC used %.1f%% of CPU %s, over the %g%% budget (--max-gc-cpu)", p.GCCPUPercent, over, b.GCCPU),
				Figure{Name: "budget_percent", Value: b.GCCPU, Unit: "%"}, Figure{Name: "gc_cpu_percent", Value: p.GCCPUPercent, Unit: "%"})
		}
		if b.GCRate >= 0 && p.GCPerSecond > b.GCRate {
			add(RuleBudgetGCRate, fmt.Sprintf("%.1f GC cycles per second %s, over the %g/s budget (--max-gc-rate)", p.GCPerSecond, over, b.GCRate),
				Figure{Name: "budget_per_second", Value: b.GCRate, Unit: "1/s"}, Figure{Name: "gc_per_second", Value: p.GCPerSecond, Unit: "1/s"})
		}
		if b.AllocRate >= 0 && p.AllocRateMiBPerS*mibF > b.AllocRate {
			add(RuleBudgetAllocRate, fmt.Sprintf("allocated %.0f MiB/s %s, over the %s/s budget (--max-alloc-rate)", p.AllocRateMiBPerS, over, roundSize(b.AllocRate)),
				Figure{Name: "alloc_rate_mib_per_s", Value: p.AllocRateMiBPerS, Unit: "MiB/s"}, Figure{Name: "budget_mib_per_s", Value: b.AllocRate / mibF, Unit: "MiB/s"})
		}
	}
	if short > 0 {
		notes = append(notes, fmt.Sprintf("%d %s ran under %gs or had a single cycle: the rate budgets (GC CPU, GC rate, allocation rate) were not judged for %s",
			short, plural(int64(short), "process", "processes"), minRateSpan, plural(int64(short), "it", "them")))
	}
	if rep.OmittedProcesses > 0 {
		notes = append(notes, fmt.Sprintf("%d processes left out of the report were not judged on rates", rep.OmittedProcesses))
	}
	return findings, notes
}

func budgetAdvice(rule string) string {
	switch rule {
	case RuleBudgetGCCPU:
		return "Allocate less (the allocs profile says where), or trade memory for CPU with a higher GOGC or a GOMEMLIMIT (https://go.dev/doc/gc-guide)."
	case RuleBudgetPause:
		return "Long pauses come from an overloaded machine (GOMAXPROCS above the CPUs you get), very many goroutines, or an old Go release."
	case RuleBudgetGCRate:
		return "Each cycle has a fixed cost; allocate less, or give the heap more room with GOGC or GOMEMLIMIT."
	case RuleBudgetHeap:
		return "Find what holds the memory in the heap profile (inuse_space); a lower GOGC or a GOMEMLIMIT trades CPU for a smaller heap."
	case RuleBudgetAllocRate:
		return "Find the allocating code in the allocs profile (alloc_space) and reuse buffers or avoid the allocation."
	}
	return ""
}

// formatPause prints a pause with the precision that matters for it.
func formatPause(d time.Duration) string {
	switch {
	case d >= 10*time.Millisecond:
		return d.Round(time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond).String()
	}
	return d.Round(time.Microsecond).String()
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
