package analyze

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gctrace/gctrace/parser"
)

// budgetCycle is one cycle of the input of a BudgetCheck: the process it
// belongs to and the two figures the per-cycle budgets judge.
type budgetCycle struct {
	process     int
	pause       time.Duration
	heap, heap1 int64 // MiB at the cycle's start and at mark end
}

// budgetRecords makes one GC record per cycle, a line and a second apart,
// each process numbering its cycles from 1.
func budgetRecords(cs []budgetCycle) []*parser.GC {
	n := map[int]int{}
	var out []*parser.GC
	for i, c := range cs {
		n[c.process]++
		g := &parser.GC{
			Pos:    parser.Pos{File: "budget.log", Line: i + 1, Col: 1, Process: c.process},
			Format: parser.FormatGo118, N: n[c.process], Start: time.Duration(n[c.process]-1) * time.Second,
			NClock: 3, Clock: [5]time.Duration{c.pause, time.Millisecond, 0},
			HeapStart: c.heap * mib, HeapEnd: c.heap1 * mib, HeapLive: 16 * mib, HeapGoal: 64 * mib,
		}
		out = append(out, g)
	}
	return out
}

// briefs lists findings one to a line with what a budget finding sets.
func briefs(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "%s %s p%d lines %d-%d gc %d-%d at %v-%v: %s\n",
			f.Severity, f.Rule, f.Process, f.FirstLine, f.LastLine, f.FirstCycle, f.LastCycle, f.Start, f.End, f.Message)
	}
	return b.String()
}

func TestBudgetCheckCycles(t *testing.T) {
	const ms = time.Millisecond
	for _, tc := range []struct {
		name     string
		b        func(b *Budgets)
		cycles   []budgetCycle
		streamed string // handed to onFinding by Add
		end      string // returned by Findings
	}{
		{
			name: "pause over budget fires once per process, with the first cycle's line",
			b:    func(b *Budgets) { b.Pause = ms },
			cycles: []budgetCycle{
				{1, 500 * time.Microsecond, 8, 8},
				{1, 2 * ms, 8, 8},
				{2, 3 * ms, 8, 8},
				{1, 12 * ms, 8, 8},
				{1, ms, 8, 8}, // at the budget, not over it
			},
			streamed: "" +
				"error budget-pause p1 lines 2-2 gc 2-2 at 1s-1s: pause of 2ms exceeds the 1ms budget (--max-pause) at gc 2; 1 cycle over it\n" +
				"error budget-pause p2 lines 3-3 gc 1-1 at 0s-0s: pause of 3ms exceeds the 1ms budget (--max-pause) at gc 1; 1 cycle over it\n",
			end: "" +
				"error budget-pause p1 lines 2-4 gc 2-3 at 1s-2s: pause of 12ms exceeds the 1ms budget (--max-pause) at gc 3; 2 cycles over it\n" +
				"error budget-pause p2 lines 3-3 gc 1-1 at 0s-0s: pause of 3ms exceeds the 1ms budget (--max-pause) at gc 1; 1 cycle over it\n",
		},
		{
			name: "pause printed to the precision that matters",
			b:    func(b *Budgets) { b.Pause = 100 * time.Microsecond },
			cycles: []budgetCycle{
				{1, 1234567 * time.Nanosecond, 8, 8},
				{2, 123456 * time.Nanosecond, 8, 8},
			},
			streamed: "" +
				"error budget-pause p1 lines 1-1 gc 1-1 at 0s-0s: pause of 1.23ms exceeds the 100µs budget (--max-pause) at gc 1; 1 cycle over it\n" +
				"error budget-pause p2 lines 2-2 gc 1-1 at 0s-0s: pause of 123µs exceeds the 100µs budget (--max-pause) at gc 1; 1 cycle over it\n",
			end: "" +
				"error budget-pause p1 lines 1-1 gc 1-1 at 0s-0s: pause of 1.23ms exceeds the 100µs budget (--max-pause) at gc 1; 1 cycle over it\n" +
				"error budget-pause p2 lines 2-2 gc 1-1 at 0s-0s: pause of 123µs exceeds the 100µs budget (--max-pause) at gc 1; 1 cycle over it\n",
		},
		{
			name: "heap at the cycle's start or at mark end",
			b:    func(b *Budgets) { b.Heap = 64 * mib },
			cycles: []budgetCycle{
				{1, ms, 64, 64},
				{1, ms, 65, 10},
				{1, ms, 10, 100},
				{1, ms, 70, 70},
			},
			streamed: "error budget-heap p1 lines 2-2 gc 2-2 at 1s-1s: heap of 65 MB exceeds the 64 MiB budget (--max-heap) at gc 2; 1 cycle over it\n",
			end:      "error budget-heap p1 lines 2-4 gc 2-4 at 1s-3s: heap of 100 MB exceeds the 64 MiB budget (--max-heap) at gc 3; 3 cycles over it\n",
		},
		{
			name: "pause and heap over in one cycle",
			b:    func(b *Budgets) { b.Pause, b.Heap = ms, 1536*mib+1 },
			cycles: []budgetCycle{
				{1, 5 * ms, 2048, 2048},
			},
			streamed: "" +
				"error budget-pause p1 lines 1-1 gc 1-1 at 0s-0s: pause of 5ms exceeds the 1ms budget (--max-pause) at gc 1; 1 cycle over it\n" +
				"error budget-heap p1 lines 1-1 gc 1-1 at 0s-0s: heap of 2048 MB exceeds the 1.5 GiB budget (--max-heap) at gc 1; 1 cycle over it\n",
			end: "" +
				"error budget-heap p1 lines 1-1 gc 1-1 at 0s-0s: heap of 2048 MB exceeds the 1.5 GiB budget (--max-heap) at gc 1; 1 cycle over it\n" +
				"error budget-pause p1 lines 1-1 gc 1-1 at 0s-0s: pause of 5ms exceeds the 1ms budget (--max-pause) at gc 1; 1 cycle over it\n",
		},
		{
			name:     "zero is a budget",
			b:        func(b *Budgets) { b.Heap = 0 },
			cycles:   []budgetCycle{{1, 0, 0, 0}, {1, 0, 0, 1}},
			streamed: "error budget-heap p1 lines 2-2 gc 2-2 at 1s-1s: heap of 1 MB exceeds the 0 B budget (--max-heap) at gc 2; 1 cycle over it\n",
			end:      "error budget-heap p1 lines 2-2 gc 2-2 at 1s-1s: heap of 1 MB exceeds the 0 B budget (--max-heap) at gc 2; 1 cycle over it\n",
		},
		{
			name:   "unset budgets never fire",
			b:      func(b *Budgets) {},
			cycles: []budgetCycle{{1, time.Second, 1 << 20, 1 << 20}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := NoBudgets()
			tc.b(&b)
			var streamed []Finding
			c := NewBudgetCheck(b, func(f Finding) { streamed = append(streamed, f) })
			for _, g := range budgetRecords(tc.cycles) {
				c.Add(g)
			}
			if got := briefs(streamed); got != tc.streamed {
				t.Errorf("streamed:\n%s\nwant:\n%s", got, tc.streamed)
			}
			end, notes := c.Findings(&Report{})
			if got := briefs(end); got != tc.end {
				t.Errorf("findings:\n%s\nwant:\n%s", got, tc.end)
			}
			if len(notes) > 0 {
				t.Errorf("notes %q", notes)
			}
			for _, f := range append(streamed, end...) {
				if f.Advice == "" || len(f.Evidence) != 3 {
					t.Errorf("%s: advice %q, evidence %v", f.Rule, f.Advice, f.Evidence)
				}
			}
		})
	}
}

func TestBudgetCheckRates(t *testing.T) {
	long := ProcessReport{File: "a.log", Process: 1, FirstLine: 3, LastLine: 40, Cycles: 20, FirstCycle: 1, LastCycle: 20,
		StartS: 0.5, DurationS: 1.5, GCPerSecond: 12, GCCPUPercent: 10.06, AllocRateMiBPerS: 300}
	short := long
	short.Process, short.DurationS = 2, 0.999
	single := long
	single.Process, single.Cycles = 3, 1
	for _, tc := range []struct {
		name  string
		b     func(b *Budgets)
		rep   Report
		want  string
		notes []string
	}{
		{
			name: "every rate over",
			b:    func(b *Budgets) { b.GCCPU, b.GCRate, b.AllocRate = 5, 10, 256*mib+1 },
			rep:  Report{Processes: []ProcessReport{long}},
			want: "" +
				"error budget-gc-cpu p1 lines 3-40 gc 1-20 at 500ms-2s: GC used 10.1% of CPU over the run (1.5s, 20 cycles), over the 5% budget (--max-gc-cpu)\n" +
				"error budget-gc-rate p1 lines 3-40 gc 1-20 at 500ms-2s: 12.0 GC cycles per second over the run (1.5s, 20 cycles), over the 10/s budget (--max-gc-rate)\n" +
				"error budget-alloc-rate p1 lines 3-40 gc 1-20 at 500ms-2s: allocated 300 MiB/s over the run (1.5s, 20 cycles), over the 256 MiB/s budget (--max-alloc-rate)\n",
		},
		{
			name: "at the budget is within it",
			b:    func(b *Budgets) { b.GCCPU, b.GCRate, b.AllocRate = 10.06, 12, 300*mib },
			rep:  Report{Processes: []ProcessReport{long}},
		},
		{
			name:  "not judged below the minimum span or with a single cycle",
			b:     func(b *Budgets) { b.GCCPU, b.GCRate, b.AllocRate = 0, 0, 0 },
			rep:   Report{Processes: []ProcessReport{short, single}},
			notes: []string{"2 processes ran under 1s or had a single cycle: the rate budgets (GC CPU, GC rate, allocation rate) were not judged for them"},
		},
		{
			name:  "one short process, and the processes the report left out",
			b:     func(b *Budgets) { b.GCRate = 100 },
			rep:   Report{Processes: []ProcessReport{long, short}, OmittedProcesses: 7},
			notes: []string{"1 process ran under 1s or had a single cycle: the rate budgets (GC CPU, GC rate, allocation rate) were not judged for it", "7 processes left out of the report were not judged on rates"},
		},
		{
			name: "unset budgets never fire, nor note what they skipped",
			b:    func(b *Budgets) { b.Pause, b.Heap = time.Second, 1<<40 },
			rep:  Report{Processes: []ProcessReport{long, short, single}, OmittedProcesses: 7},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := NoBudgets()
			tc.b(&b)
			fs, notes := NewBudgetCheck(b, nil).Findings(&tc.rep)
			if got := briefs(fs); got != tc.want {
				t.Errorf("findings:\n%s\nwant:\n%s", got, tc.want)
			}
			if !reflect.DeepEqual(notes, tc.notes) {
				t.Errorf("notes %q, want %q", notes, tc.notes)
			}
			for _, f := range fs {
				if f.Advice == "" || len(f.Evidence) != 2 {
					t.Errorf("%s: advice %q, evidence %v", f.Rule, f.Advice, f.Evidence)
				}
			}
		})
	}
}

// TestBudgetCheckBounded checks that the per-cycle findings kept stop at
// maxHits processes, and that the rest are counted in a note.
func TestBudgetCheckBounded(t *testing.T) {
	b := NoBudgets()
	b.Pause = 0
	streamed := 0
	c := NewBudgetCheck(b, func(Finding) { streamed++ })
	cs := make([]budgetCycle, 0, 2*(maxHits+3))
	for p := 1; p <= maxHits+3; p++ {
		cs = append(cs, budgetCycle{p, time.Millisecond, 1, 1}, budgetCycle{p, time.Millisecond, 1, 1})
	}
	for _, g := range budgetRecords(cs) {
		c.Add(g)
	}
	fs, notes := c.Findings(&Report{})
	if streamed != maxHits || len(fs) != maxHits {
		t.Errorf("%d streamed, %d findings; want %d", streamed, len(fs), maxHits)
	}
	want := []string{fmt.Sprintf("6 more cycles over a budget in processes beyond the first %d are not listed", maxHits)}
	if !reflect.DeepEqual(notes, want) {
		t.Errorf("notes %q, want %q", notes, want)
	}
}

func TestBudgetRules(t *testing.T) {
	b := NoBudgets()
	if got := b.Rules(); got != nil {
		t.Errorf("no budgets: %q", got)
	}
	b.Pause, b.GCCPU = 0, 0
	if got, want := b.Rules(), []string{RuleBudgetGCCPU, RuleBudgetPause}; !reflect.DeepEqual(got, want) {
		t.Errorf("%q, want %q", got, want)
	}
	b.GCRate, b.Heap, b.AllocRate = 1, 1, 1
	if got, want := b.Rules(), []string{RuleBudgetAllocRate, RuleBudgetGCCPU, RuleBudgetGCRate, RuleBudgetHeap, RuleBudgetPause}; !reflect.DeepEqual(got, want) {
		t.Errorf("%q, want %q", got, want)
	}
}

func TestFormatSizes(t *testing.T) {
	for _, tc := range []struct {
		b            float64
		exact, round string
	}{
		{0, "0B", "0 B"},
		{10 << 10, "10KiB", "10 KiB"},
		{10486, "10.240234375KiB", "10.24 KiB"},
		{512 << 20, "512MiB", "512 MiB"},
		{3 << 29, "1536MiB", "1.5 GiB"},
		{2 << 30, "2GiB", "2 GiB"},
	} {
		if got := formatSize(tc.b); got != tc.exact {
			t.Errorf("formatSize(%g) = %q, want %q", tc.b, got, tc.exact)
		}
		if got := roundSize(tc.b); got != tc.round {
			t.Errorf("roundSize(%g) = %q, want %q", tc.b, got, tc.round)
		}
	}
}
