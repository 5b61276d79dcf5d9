package analyze

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gctrace/gctrace/parser"
)

func TestHealthySynthetic(t *testing.T) {
	a, got := collect(t)
	newSynth(a).addN(600, healthyCycle())
	if len(*got) != 0 {
		t.Errorf("healthy trace streamed findings:\n%s", summary(*got))
	}
	r := a.Report()
	if len(r.Findings) != 0 {
		t.Errorf("healthy trace reported findings:\n%s", summary(r.Findings))
	}
	p := r.Processes[0]
	if p.Cycles != 600 || p.GCPerSecond != 1 || p.HeapLiveMiB != (Range{32, 32}) || p.HeapPeakMiB != 64 {
		t.Errorf("summary: %+v", p)
	}
	// 32 MiB allocated per cycle (64 at mark end, 32 live before), once a second.
	if p.AllocMiBPerCycle != 32 || p.AllocRateMiBPerS != 32 {
		t.Errorf("alloc: %v MiB/cycle, %v MiB/s", p.AllocMiBPerCycle, p.AllocRateMiBPerS)
	}
	if p.EffectiveGOGC != 100 {
		t.Errorf("effective GOGC %v, want 100", p.EffectiveGOGC)
	}
	// (50+20 µs)×4 P + 10 + 300 µs of 4 s each second.
	if want := 0.0148; p.GCCPUPercent != want {
		t.Errorf("GC CPU %v%%, want %v%%", p.GCCPUPercent, want)
	}
	if p.PauseMS.P50 != 0.07 || p.PauseMS.Max != 0.07 {
		t.Errorf("pause %+v", p.PauseMS)
	}
	if p.AssistPercent != round3(10.0/310*100) {
		t.Errorf("assist %v", p.AssistPercent)
	}
}

func TestGCFrequency(t *testing.T) {
	fast := healthyCycle()
	fast.dt = 25 * time.Millisecond // 40/s
	t.Run("sustained", func(t *testing.T) {
		a, got := collect(t)
		newSynth(a).addN(200, fast)
		f := findRule(*got, RuleGCFrequency)
		if f == nil {
			t.Fatalf("no gc-frequency:\n%s", summary(*got))
		}
		if f.Severity != Warning || f.FirstLine != 1 || f.Start != 0 {
			t.Errorf("finding %+v", f)
		}
		// Judged once the window spans a second, detected once it has
		// held for the 3 s minimum since, at a window snapshot (every
		// 10s/64).
		if f.LastLine < 161 || f.LastLine > 169 {
			t.Errorf("streamed at line %d, want 161 to 169", f.LastLine)
		}
		r := findRule(a.Report().Findings, RuleGCFrequency)
		if r.LastLine < 194 || !strings.Contains(r.Message, "40.0 GCs/s") {
			t.Errorf("reported %+v", r)
		}
	})
	t.Run("short burst", func(t *testing.T) {
		a, got := collect(t)
		newSynth(a).addN(80, fast) // 2 s: a program that only runs briefly
		if len(*got) != 0 {
			t.Errorf("got\n%s", summary(*got))
		}
	})
	t.Run("burst in a calm process", func(t *testing.T) {
		a, got := collect(t)
		s := newSynth(a)
		s.addN(60, healthyCycle())
		s.addN(80, fast)
		s.addN(60, healthyCycle())
		if len(*got) != 0 {
			t.Errorf("got\n%s", summary(*got))
		}
	})
	t.Run("threshold", func(t *testing.T) {
		a, got := collect(t, "gc-frequency.max-per-second=50")
		newSynth(a).addN(400, fast)
		if len(*got) != 0 {
			t.Errorf("got\n%s", summary(*got))
		}
	})
}

func TestAllocChurn(t *testing.T) {
	c := healthyCycle()
	c.dt = 100 * time.Millisecond
	c.h0, c.h1, c.h2, c.goal = 48, 48, 4, 8 // most of the heap dies each cycle
	t.Run("fires", func(t *testing.T) {
		a, got := collect(t, "alloc-churn.min-rate=100MiB/s")
		newSynth(a).addN(60, c)
		f := findRule(*got, RuleAllocChurn)
		if f == nil {
			t.Fatalf("no alloc-churn:\n%s", summary(*got))
		}
		if !strings.Contains(f.Message, "440 MiB/s") {
			t.Errorf("message %q", f.Message)
		}
	})
	t.Run("live heap kept", func(t *testing.T) {
		a, got := collect(t, "alloc-churn.min-rate=100MiB/s")
		k := c
		k.h2 = 24 // half survives: an ordinary GOGC=100 cycle
		newSynth(a).addN(60, k)
		if f := findRule(*got, RuleAllocChurn); f != nil {
			t.Errorf("got %+v", f)
		}
	})
	t.Run("slow", func(t *testing.T) {
		a, got := collect(t, "alloc-churn.min-rate=1GiB/s")
		newSynth(a).addN(60, c)
		if f := findRule(*got, RuleAllocChurn); f != nil {
			t.Errorf("got %+v", f)
		}
	})
	t.Run("thrashing at the minimum heap is not churn", func(t *testing.T) {
		a, got := collect(t, "alloc-churn.min-rate=1MiB/s")
		k := c
		k.dt = 25 * time.Millisecond
		k.h0, k.h1, k.h2, k.goal = 4, 4, 0, 4
		newSynth(a).addN(200, k)
		if s := rulesOf(*got, Warning); !reflect.DeepEqual(s, []string{"gc-frequency:warning", "min-heap-thrash:warning"}) {
			t.Errorf("got %v", s)
		}
	})
	t.Run("forced cycles are not churn", func(t *testing.T) {
		a, got := collect(t, "alloc-churn.min-rate=1MiB/s")
		k := c
		k.h0, k.h1, k.h2, k.goal = 4, 4, 0, 4
		f := k
		f.forced = true
		s := newSynth(a)
		for i := 0; i < 40; i++ {
			s.add(k)
			s.add(f)
		}
		if f := findRule(*got, RuleAllocChurn); f != nil {
			t.Errorf("got %+v", f)
		}
	})
}

// goals returns cycles whose goal (and heap) take the given MiB values.
func goals(dt time.Duration, mibs ...int64) []cyc {
	var out []cyc
	for _, m := range mibs {
		c := healthyCycle()
		c.dt = dt
		c.h0, c.h1, c.h2, c.goal = m, m, m, m // everything stays live: the next goal is twice this
		out = append(out, c)
	}
	return out
}

func TestHeapDoubling(t *testing.T) {
	const startup = 50 * time.Millisecond // a cycle every 50 ms: all within the 1 s start-up
	tests := []struct {
		name  string
		dt    time.Duration
		goals []int64
		want  bool
	}{
		{"batch load", time.Second, []int64{4, 8, 16, 32, 64, 128, 128}, true},
		{"goal just under double", time.Second, []int64{20, 39, 76, 148, 148}, true},
		{"start-up to 64 MiB", startup, []int64{4, 8, 16, 32, 64, 64, 64}, false},
		{"start-up to 90 MiB", startup, []int64{5, 10, 21, 47, 90, 90}, false},
		// The mouse for 6 s: one steal a second, the goal doubling from
		// the minimum after the start-up.
		{"mouse at 6 s", time.Second, []int64{4, 9, 18, 36, 72}, true},
		{"start-up then two doublings", startup, []int64{4, 9, 18, 39, 64, 64}, false},
		{"two doublings", time.Second, []int64{16, 32, 64, 100, 110, 115, 118, 120, 120}, false},
		{"two doublings from the minimum", time.Second, []int64{4, 8, 16, 25, 30, 30}, false},
		{"one and a half per cycle", time.Second, []int64{16, 24, 36, 54, 81, 120, 180}, true},
		{"slow growth", time.Second, []int64{16, 18, 21, 24, 28, 32, 37, 42, 49, 56, 64, 74, 85, 98}, false},
		{"falls back between", time.Second, []int64{16, 32, 64, 16, 32, 64, 16}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, got := collect(t)
			s := newSynth(a)
			for _, c := range goals(tt.dt, tt.goals...) {
				s.add(c)
			}
			f := findRule(*got, RuleHeapDoubling)
			if (f != nil) != tt.want {
				t.Fatalf("heap-doubling %v, want %v:\n%s", f != nil, tt.want, summary(*got))
			}
		})
	}
	t.Run("evidence in the start-up", func(t *testing.T) {
		a, _ := collect(t)
		s := newSynth(a)
		for _, c := range goals(100*time.Millisecond, 4, 8, 16, 32, 64, 128, 256, 256) {
			s.add(c)
		}
		f := findRule(a.Report().Findings, RuleHeapDoubling)
		// The chain starts at the 16 MiB goal (line 3) and doubles 4 times.
		if f == nil || f.FirstLine != 3 || f.LastLine != 7 || f.Start != 200*time.Millisecond || f.End != 600*time.Millisecond {
			t.Fatalf("finding %+v", f)
		}
		if !strings.Contains(f.Message, "doubled 4 times in a row, 16 → 256 MB over 4 cycles and 0.40s") {
			t.Errorf("message %q", f.Message)
		}
	})
	t.Run("evidence after the start-up", func(t *testing.T) {
		a, _ := collect(t)
		s := newSynth(a)
		for _, c := range goals(time.Second, 4, 8, 16, 32, 64, 128, 256, 256) {
			s.add(c)
		}
		f := findRule(a.Report().Findings, RuleHeapDoubling)
		// The first doubling ends at 1 s, after the start-up: the chain
		// starts at the minimum (line 1) and doubles 6 times.
		if f == nil || f.FirstLine != 1 || f.LastLine != 7 || f.Start != 0 || f.End != 6*time.Second {
			t.Fatalf("finding %+v", f)
		}
		if !strings.Contains(f.Message, "doubled 6 times in a row, 4 → 256 MB over 6 cycles and 6.00s") {
			t.Errorf("message %q", f.Message)
		}
	})
	t.Run("startup=0 counts every doubling", func(t *testing.T) {
		a, got := collect(t, "heap-doubling.startup=0s")
		s := newSynth(a)
		for _, c := range goals(startup, 4, 8, 16, 32, 32) {
			s.add(c)
		}
		if findRule(*got, RuleHeapDoubling) == nil {
			t.Fatalf("no heap-doubling:\n%s", summary(*got))
		}
	})
}

func TestLiveHeapGrowth(t *testing.T) {
	leak := func(n int, perCycle float64) []cyc {
		var out []cyc
		for i := 0; i < n; i++ {
			live := int64(8 + perCycle*float64(i))
			c := healthyCycle()
			c.dt = 500 * time.Millisecond
			c.h0, c.h1, c.h2, c.goal = 2*live, 2*live, live, 2*live
			out = append(out, c)
		}
		return out
	}
	t.Run("leak", func(t *testing.T) {
		a, got := collect(t)
		s := newSynth(a)
		for _, c := range leak(40, 2) { // 2 MiB per half second, 20 s
			s.add(c)
		}
		f := findRule(*got, RuleLiveHeapGrowth)
		if f == nil {
			t.Fatalf("no live-heap-growth:\n%s", summary(*got))
		}
		r := findRule(a.Report().Findings, RuleLiveHeapGrowth)
		if !strings.Contains(r.Message, "4.00 MB/s, R² 1.00") {
			t.Errorf("message %q", r.Message)
		}
	})
	t.Run("too short", func(t *testing.T) {
		a, got := collect(t)
		s := newSynth(a)
		for _, c := range leak(8, 4) { // 3.5 s
			s.add(c)
		}
		if len(*got) != 0 {
			t.Errorf("got\n%s", summary(*got))
		}
	})
	t.Run("too little", func(t *testing.T) {
		a, got := collect(t)
		s := newSynth(a)
		for _, c := range leak(40, 0.25) { // 10 MiB over 20 s
			s.add(c)
		}
		if len(*got) != 0 {
			t.Errorf("got\n%s", summary(*got))
		}
	})
	t.Run("flat after start-up", func(t *testing.T) {
		a, got := collect(t)
		s := newSynth(a)
		for _, c := range goals(10*time.Millisecond, 4, 8, 16, 32, 64) {
			s.add(c)
		}
		s.addN(100, healthyCycle())
		if len(*got) != 0 {
			t.Errorf("got\n%s", summary(*got))
		}
	})
	t.Run("doubling steps are not steady", func(t *testing.T) {
		a, got := collect(t, "heap-doubling.cycles=100")
		s := newSynth(a)
		for _, c := range goals(time.Second, 8, 16, 32, 64, 128, 256, 512, 1024, 1024, 1024) {
			s.add(c)
		}
		if f := findRule(*got, RuleLiveHeapGrowth); f != nil {
			t.Errorf("got %+v", f)
		}
	})
	t.Run("leak after a long flat start", func(t *testing.T) {
		a, got := collect(t)
		s := newSynth(a)
		flat := healthyCycle()
		flat.h0, flat.h1, flat.h2, flat.goal = 16, 16, 8, 16
		flat.dt = 500 * time.Millisecond
		s.addN(400, flat) // 200 s flat
		for _, c := range leak(400, 0.5) {
			s.add(c)
		}
		if f := findRule(*got, RuleLiveHeapGrowth); f == nil {
			t.Errorf("no live-heap-growth:\n%s", summary(*got))
		}
	})
}

func TestHighGCCPU(t *testing.T) {
	cpu := func(pct float64) cyc {
		c := healthyCycle()
		c.dt = 100 * time.Millisecond
		c.procs = 2
		c.sweep, c.end = 0, 0
		// Background CPU over 100 ms × 2 P.
		c.bg = time.Duration(pct / 100 * float64(200*time.Millisecond))
		c.assist = 0
		return c
	}
	tests := []struct {
		pct  float64
		want string
	}{
		{10, ""},
		{30, "warning"},
		{60, "error"},
	}
	for _, tt := range tests {
		a, got := collect(t)
		newSynth(a).addN(100, cpu(tt.pct))
		f := findRule(a.Report().Findings, RuleHighGCCPU)
		switch {
		case tt.want == "" && f != nil:
			t.Errorf("%v%%: got %+v", tt.pct, f)
		case tt.want != "" && (f == nil || f.Severity.String() != tt.want):
			t.Errorf("%v%%: got %+v, want %s", tt.pct, f, tt.want)
		}
		if tt.want == "error" {
			// Streamed as a warning first, then again when it became an error.
			if s := rulesOf(*got, Warning); !reflect.DeepEqual(s, []string{"high-gc-cpu:warning", "high-gc-cpu:error"}) && !reflect.DeepEqual(s, []string{"high-gc-cpu:error"}) {
				t.Errorf("streamed %v", s)
			}
			p := a.Report().Processes[0]
			if p.GCCPUPercent != 60 || p.GCCPUPercentMaxWindow != 60 {
				t.Errorf("GC CPU %v, max window %v", p.GCCPUPercent, p.GCCPUPercentMaxWindow)
			}
		}
	}
}

func TestLongPause(t *testing.T) {
	pause := func(d time.Duration) cyc {
		c := healthyCycle()
		c.sweep = d
		return c
	}
	tests := []struct {
		name  string
		cs    []cyc
		want  string
		first int
	}{
		{"one slow start", []cyc{pause(20 * time.Millisecond), healthyCycle(), healthyCycle()}, "", 0},
		{"two", []cyc{healthyCycle(), pause(20 * time.Millisecond), healthyCycle(), pause(12 * time.Millisecond)}, "warning", 2},
		{"one very long", []cyc{healthyCycle(), pause(150 * time.Millisecond)}, "error", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, _ := collect(t)
			s := newSynth(a)
			for _, c := range tt.cs {
				s.add(c)
			}
			f := findRule(a.Report().Findings, RuleLongPause)
			if tt.want == "" {
				if f != nil {
					t.Errorf("got %+v", f)
				}
				return
			}
			if f == nil || f.Severity.String() != tt.want || f.FirstLine != tt.first {
				t.Errorf("got %+v, want %s from line %d", f, tt.want, tt.first)
			}
		})
	}
	t.Run("go1.8 forced stop-the-world", func(t *testing.T) {
		a, _ := collect(t)
		s := newSynth(a)
		c := healthyCycle()
		c.format = parser.FormatGo16
		s.addN(3, c)
		stw := c
		stw.forced, stw.mark, stw.sweep = true, 0, 80*time.Millisecond
		s.addN(3, stw)
		if f := findRule(a.Report().Findings, RuleLongPause); f != nil {
			t.Errorf("got %+v", f)
		}
	})
}

func TestMarkAssist(t *testing.T) {
	c := healthyCycle()
	c.dt, c.procs = 100*time.Millisecond, 2
	c.assist, c.bg = 12*time.Millisecond, 8*time.Millisecond // 60% of 20 ms of 200 ms: 10% GC CPU
	a, got := collect(t)
	newSynth(a).addN(60, c)
	if f := findRule(*got, RuleMarkAssist); f == nil {
		t.Errorf("no mark-assist:\n%s", summary(*got))
	}
	// The same share with GC CPU that does not matter.
	c.assist, c.bg = 120*time.Microsecond, 80*time.Microsecond
	a, got = collect(t)
	newSynth(a).addN(60, c)
	if f := findRule(*got, RuleMarkAssist); f != nil {
		t.Errorf("got %+v", f)
	}
}

func TestForcedGC(t *testing.T) {
	forced := healthyCycle()
	forced.forced = true
	for _, n := range []int{3, 10} {
		a, _ := collect(t)
		s := newSynth(a)
		s.addN(5, healthyCycle())
		s.addN(n, forced)
		f := findRule(a.Report().Findings, RuleForcedGC)
		if (f != nil) != (n >= 10) {
			t.Errorf("%d forced: %+v", n, f)
		}
		if f != nil && (f.FirstLine != 6 || !strings.HasPrefix(f.Message, "10 of 15 cycles were forced")) {
			t.Errorf("finding %+v", f)
		}
		if p := a.Report().Processes[0]; p.ForcedCycles != int64(n) {
			t.Errorf("forced cycles %d, want %d", p.ForcedCycles, n)
		}
	}
}

func TestHeapOvershoot(t *testing.T) {
	over := healthyCycle()
	over.h1 = 80 // 25% above the 64 MiB goal
	a, got := collect(t)
	s := newSynth(a)
	for i := 0; i < 40; i++ {
		if i%2 == 0 {
			s.add(over)
		} else {
			s.add(healthyCycle())
		}
	}
	if f := findRule(*got, RuleHeapOvershoot); f == nil || f.FirstLine != 1 {
		t.Errorf("got %+v", f)
	}
	if p := a.Report().Processes[0]; p.OvershootCycles != 20 {
		t.Errorf("overshoot cycles %d", p.OvershootCycles)
	}
	// Small heaps overshoot by a whole truncated MiB: not counted.
	small := healthyCycle()
	small.h0, small.h1, small.h2, small.goal = 4, 5, 2, 4
	a, got = collect(t)
	newSynth(a).addN(40, small)
	if f := findRule(*got, RuleHeapOvershoot); f != nil {
		t.Errorf("got %+v", f)
	}
}

func TestMemoryLimitPressure(t *testing.T) {
	a, got := collect(t)
	s := newSynth(a)
	// GOGC=100 while the heap is small, then the goal stays at 120 MiB
	// as the live heap climbs towards it and GCs come faster.
	for _, c := range goals(time.Second, 8, 16, 32, 64) {
		s.add(c)
	}
	prev := int64(64)
	for live := int64(40); live <= 110; live += 2 {
		c := healthyCycle()
		c.dt = time.Duration(float64(time.Second) * float64(120-live) / 80)
		c.goal = min(2*prev, 120)
		c.h0, c.h1, c.h2 = c.goal-2, c.goal-1, live
		s.add(c)
		prev = live
	}
	f := findRule(*got, RuleMemoryLimitPressure)
	if f == nil {
		t.Fatalf("no memory-limit-pressure:\n%s", summary(*got))
	}
	if !strings.Contains(f.Message, "GOGC=100") {
		t.Errorf("message %q", f.Message)
	}
	// Before Go 1.18 there was no memory limit, and no stacks to read
	// GOGC back from.
	a, got = collect(t)
	s = newSynth(a)
	for live := int64(40); live <= 110; live += 2 {
		c := healthyCycle()
		c.format = parser.FormatGo16
		c.h0, c.h1, c.h2, c.goal = 118, 119, live, 120
		s.add(c)
	}
	if f := findRule(*got, RuleMemoryLimitPressure); f != nil {
		t.Errorf("got %+v", f)
	}
}

func TestMinHeapThrash(t *testing.T) {
	c := healthyCycle()
	c.dt = 20 * time.Millisecond
	c.h0, c.h1, c.h2, c.goal = 4, 4, 0, 4
	a, got := collect(t)
	newSynth(a).addN(300, c)
	if s := rulesOf(*got, Warning); !reflect.DeepEqual(s, []string{"gc-frequency:warning", "min-heap-thrash:warning"}) {
		t.Errorf("got %v", s)
	}
	// The same heap, but five cycles a second: what is allocated is still
	// all garbage, but the minimum heap is not what makes the cycles.
	c.dt = 200 * time.Millisecond
	a, got = collect(t)
	newSynth(a).addN(300, c)
	if s := rulesOf(*got, Warning); !reflect.DeepEqual(s, []string{"alloc-churn:warning"}) {
		t.Errorf("got %v", s)
	}
}

func TestInfoRules(t *testing.T) {
	a, got := collect(t)
	s := newSynth(a)
	s.addN(5, healthyCycle())
	s.forcedLine()
	idle := healthyCycle()
	idle.dt = 2 * time.Minute
	s.add(idle)
	more := healthyCycle()
	more.procs = 8
	s.add(more)
	if g := rulesOf(*got, Info); !reflect.DeepEqual(g, []string{"periodic-gc:info", "procs-change:info"}) {
		t.Errorf("got %v", g)
	}
	p := a.Report().Processes[0]
	if p.PeriodicCycles != 1 || p.Procs != (ProcsReport{Min: 4, Max: 8, Changes: 1}) {
		t.Errorf("summary %+v", p)
	}

	// Before Go 1.4 the scavenger printed "scvgN: GC forced" after the
	// cycle it forced.
	a, _ = collect(t)
	s = newSynth(a)
	for i := 0; i < 3; i++ {
		g := s.record(healthyCycle())
		g.Format, g.Start, g.NCPU, g.NClock, g.HeapGoal = parser.FormatGo13, parser.Absent, 0, 4, parser.Absent
		a.Add(g)
	}
	s.forcedLine()
	if f := findRule(a.Report().Findings, RulePeriodicGC); f == nil || f.FirstLine != 3 || f.Start != -1 {
		t.Errorf("periodic-gc before Go 1.4: %+v", f)
	}

	// Tiny heaps print as 0 MB and fast clocks as 0.
	a, got = collect(t)
	tiny := healthyCycle()
	tiny.h0, tiny.h1, tiny.h2, tiny.goal = 0, 0, 0, 4
	tiny.sweep, tiny.end = 0, 0
	newSynth(a).addN(20, tiny)
	if g := rulesOf(*got, Info); !reflect.DeepEqual(g, []string{"low-resolution:info"}) {
		t.Errorf("got %v", g)
	}
	if p := a.Report().Processes[0]; !reflect.DeepEqual(p.AtResolutionFloor, []string{"heap", "pause"}) {
		t.Errorf("floor %v", p.AtResolutionFloor)
	}
}

func TestUnparsedLines(t *testing.T) {
	text := `gc 1 @0.010s 1%: 0.010+0.20+0.005 ms clock, 0.040+0/0.10/0.05+0.020 ms cpu, 4->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 4 P
app output
gc 2 @0.020s 1%: 0.010+0.20+0.005 ms clock, 0.040+0/0.10/0.05+BROKEN ms cpu, 4->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 4 P
0.040+0/0.10/0.05+0.020 ms cpu, 4->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 4 P
`
	r := analyzeText(t, text, DefaultConfig())
	if r.UnparsedLines != 2 || len(r.Unparsed) != 2 || !strings.HasPrefix(r.Unparsed[0], "text.log:3:") {
		t.Errorf("unparsed %d %q", r.UnparsedLines, r.Unparsed)
	}
	f := findRule(r.Findings, RuleUnparsedLines)
	if f == nil || f.Process != 0 || f.FirstLine != 3 || f.LastLine != 4 || f.Severity != Warning || f.Start != -1 {
		t.Fatalf("finding %+v", f)
	}
	if r.Lines != 4 || r.GCLines != 1 || r.TextLines != 1 {
		t.Errorf("lines %d gc %d text %d", r.Lines, r.GCLines, r.TextLines)
	}
}
