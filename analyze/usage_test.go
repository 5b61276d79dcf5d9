package analyze

import (
	"strings"
	"testing"
)

// hoard is a process whose large live heap keeps cycles rare and mostly
// live, so that the trace shows no churn.
func hoard(s *synth, n int) {
	c := healthyCycle()
	c.h0, c.h1, c.h2, c.goal = 700, 704, 700, 1400
	s.addN(n, c)
}

func dogUsage(window, rate, keptMiB float64) MemoryUsage {
	return MemoryUsage{
		Source: "http://127.0.0.1:6060", WindowS: window, AllocatedMiB: 20 * window,
		Allocators: []FuncUsage{
			{Func: "(*Mouse).Steal", AllocatedMiB: 4 * window, AllocRateMiBPerS: 4, InuseGrowthMiB: 4 * window, SharePercent: 20},
			{Func: "(*Dog).Run", Where: "bomb/zoo/dog.go:30", AllocatedMiB: rate * window, AllocRateMiBPerS: rate,
				InuseGrowthMiB: keptMiB, SharePercent: 80, AllocationBytes: 32 << 10},
		},
		Growth: []FuncUsage{{Func: "(*Mouse).Steal", InuseGrowthMiB: 4 * window, SharePercent: 100}},
	}
}

func TestAddUsage(t *testing.T) {
	tests := []struct {
		name string
		u    MemoryUsage
		want bool
	}{
		{"churn under a hoard", dogUsage(10, 16, 0), true},
		{"kept", dogUsage(10, 16, 100), false},
		{"slow", dogUsage(10, 6, 0), false},
		{"short window", dogUsage(2, 16, 0), false},
		{"no window", dogUsage(0, 16, 0), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, got := collect(t)
			s := newSynth(a)
			hoard(s, 12)
			if findRule(*got, RuleAllocChurn) != nil {
				t.Fatalf("the trace alone raises alloc-churn:\n%s", summary(*got))
			}
			if !a.AddUsage("", tt.u) {
				t.Fatal("AddUsage found no process")
			}
			f := findRule(*got, RuleAllocChurn)
			if (f != nil) != tt.want {
				t.Fatalf("alloc-churn %v, want %v:\n%s", f != nil, tt.want, summary(*got))
			}
			rep := a.Report()
			if m := rep.Processes[0].Memory; m == nil || len(m.Allocators) != 2 || m.Allocators[1].Func != "(*Dog).Run" {
				t.Errorf("report memory %+v, want the usage", m)
			}
			if !tt.want {
				return
			}
			f = findRule(rep.Findings, RuleAllocChurn)
			for _, want := range []string{"(*Dog).Run allocates 16.0 MiB/s of which 0% stays in use, over 10.0s of the heap profile",
				"the trace cannot show it, 100% of the heap surviving each cycle (live heap up to 700 MB)"} {
				if !strings.Contains(f.Message, want) {
					t.Errorf("message %q lacks %q", f.Message, want)
				}
			}
			if want := "(*Dog).Run (bomb/zoo/dog.go:30, 32.0 KiB per allocation): 16.0 MiB/s, 80% of all allocation, 0% of it kept (heap profile over 10.0s)"; f.Attribution != want {
				t.Errorf("attribution %q, want %q", f.Attribution, want)
			}
			if f.FirstLine != 1 || f.LastLine != 12 {
				t.Errorf("finding covers lines %d-%d, want the process's 1-12", f.FirstLine, f.LastLine)
			}
		})
	}
	t.Run("the trace can see it", func(t *testing.T) {
		// Nothing survives the cycles: the trace judges churn itself,
		// with its own duration, and the profile does not preempt it.
		a, got := collect(t)
		s := newSynth(a)
		c := healthyCycle()
		c.h0, c.h1, c.h2, c.goal = 8, 8, 0, 8
		s.addN(2, c)
		a.AddUsage("", dogUsage(10, 16, 0))
		if f := findRule(*got, RuleAllocChurn); f != nil {
			t.Errorf("alloc-churn from the profile where the trace sees the churn: %s", f.Message)
		}
	})
	t.Run("no process yet", func(t *testing.T) {
		a, _ := collect(t)
		if a.AddUsage("", dogUsage(10, 16, 0)) {
			t.Error("AddUsage found a process in an empty input")
		}
	})
	t.Run("rule off", func(t *testing.T) {
		a, got := collect(t)
		a.cfg.Disable(RuleAllocChurn)
		a.init()
		hoard(newSynth(a), 12)
		a.AddUsage("synthetic.log", dogUsage(10, 16, 0))
		if findRule(*got, RuleAllocChurn) != nil {
			t.Error("alloc-churn fired while off")
		}
	})
}
