package plot

import (
	"math"
	"math/rand"
	"testing"
	"time"

	"github.com/gctrace/gctrace/parser"
)

// cycle returns a Go 1.18+ GC record of process proc in file "t.log".
func cycle(proc, n int, start time.Duration, h0, h1, h2, goal int64) *parser.GC {
	g := &parser.GC{
		Pos:        parser.Pos{File: "t.log", Line: n, Process: proc},
		Format:     parser.FormatGo118,
		N:          n,
		Start:      start,
		CPUPercent: 5,
		NClock:     3,
		NCPU:       5,
		HeapStart:  h0 << 20,
		HeapEnd:    h1 << 20,
		HeapLive:   h2 << 20,
		HeapGoal:   goal << 20,
		Stacks:     0,
		Globals:    0,
		Procs:      2,
	}
	g.Clock = [5]time.Duration{100 * time.Microsecond, time.Millisecond, 50 * time.Microsecond}
	return g
}

func TestColumnsKeepPeaks(t *testing.T) {
	c := newColumns(100)
	const n = 1_000_000
	for i := int64(0); i < n; i++ {
		v := float64(i % 7)
		switch i {
		case 123_457:
			v = 1000 // one spike among a million
		case 876_543:
			v = -50
		}
		c.at(i).s[mPause].add(i, v)
	}
	if len(c.cols) != 100 {
		t.Fatalf("columns grew to %d, want 100", len(c.cols))
	}
	if c.width() != 16384 { // the smallest power of two with 100 columns ≥ 1e6
		t.Errorf("column width %d, want 16384", c.width())
	}
	pts := c.points(mPause)
	if len(pts) > 4*c.used {
		t.Errorf("%d points for %d columns, want at most 4 per column", len(pts), c.used)
	}
	var hi, lo point
	for _, p := range pts {
		if p.Y > hi.Y {
			hi = p
		}
		if p.Y < lo.Y {
			lo = p
		}
	}
	if hi != (point{123_457, 1000}) || lo != (point{876_543, -50}) {
		t.Errorf("extremes %v and %v, want the spike at 123457 and the dip at 876543", hi, lo)
	}
	if pts[0].X != 0 || pts[len(pts)-1].X != n-1 {
		t.Errorf("points run from %d to %d, want 0 to %d", pts[0].X, pts[len(pts)-1].X, n-1)
	}
	for i := 1; i < len(pts); i++ {
		if pts[i].X < pts[i-1].X {
			t.Fatalf("points out of x order at %d: %v then %v", i, pts[i-1], pts[i])
		}
	}
	if lo, hi, ok := c.span(mPause); !ok || lo != -50 || hi != 1000 {
		t.Errorf("span = %v, %v, %v; want -50, 1000, true", lo, hi, ok)
	}
}

// Points fed one per column come back unchanged: nothing is invented or
// lost while the data fits.
func TestColumnsExactWhenSparse(t *testing.T) {
	c := newColumns(64)
	var want []point
	for i := int64(0); i < 30; i++ {
		p := point{1000 + 10*i, float64(i * i)}
		c.at(p.X).s[mHeapLive].add(p.X, p.Y)
		want = append(want, p)
	}
	got := c.points(mHeapLive)
	if len(got) != len(want) {
		t.Fatalf("got %d points, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("point %d = %v, want %v", i, got[i], want[i])
		}
	}
}

// A point far beyond the range widens the columns at once, and a clock
// that runs back lands in the first column rather than out of range.
func TestColumnsJumpAndBackwards(t *testing.T) {
	c := newColumns(8)
	c.at(100).s[mPause].add(100, 1)
	c.at(100 + 1<<40).s[mPause].add(100+1<<40, 2)
	c.at(50).s[mPause].add(50, 3)
	if c.used > len(c.cols) {
		t.Fatalf("used %d of %d columns", c.used, len(c.cols))
	}
	want := []point{{50, 3}, {100, 1}, {100 + 1<<40, 2}}
	got := c.points(mPause)
	if len(got) != len(want) {
		t.Fatalf("points = %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("points = %v, want %v", got, want)
			break
		}
	}
}

func TestWindowRates(t *testing.T) {
	b := NewBuilder(Options{})
	// Every 100 ms a cycle using 20 ms of GC CPU on 2 Ps (10%), and
	// 10 MiB allocated since the previous one (100 MiB/s).
	for i := 1; i <= 50; i++ {
		g := cycle(1, i, time.Duration(i)*100*time.Millisecond, 20, 20, 10, 20)
		g.CPU = [7]time.Duration{2 * time.Millisecond, 3 * time.Millisecond, 14 * time.Millisecond, 7 * time.Millisecond, time.Millisecond}
		b.Add(g)
	}
	s := b.find(ProcessID{"t.log", 1})
	cpu := s.cols.points(mCPU)
	alloc := s.cols.points(mAllocRate)
	if len(cpu) != 49 || len(alloc) != 49 {
		t.Fatalf("%d CPU and %d alloc points, want 49 each (none for the first cycle)", len(cpu), len(alloc))
	}
	for i := range cpu {
		if math.Abs(cpu[i].Y-10) > 1e-9 {
			t.Fatalf("GC CPU at %v = %v%%, want 10%% (idle mark excluded)", time.Duration(cpu[i].X), cpu[i].Y)
		}
		if math.Abs(alloc[i].Y-100<<20) > 1e-3 {
			t.Fatalf("alloc rate at %v = %v B/s, want 100 MiB/s", time.Duration(alloc[i].X), alloc[i].Y)
		}
	}
}

// The window reaches back at most windowMax: a burst of GC CPU shows at
// full height instead of being averaged with a quiet past.
func TestWindowShowsBurst(t *testing.T) {
	var w window
	for i := 0; i < 100; i++ { // quiet: 1% over 100 s
		w.push(interval{dt: int64(time.Second), cpu: int64(10 * time.Millisecond), cap: int64(time.Second)})
	}
	for i := 0; i < 40; i++ { // busy: 50% in 10 ms steps
		w.push(interval{dt: int64(10 * time.Millisecond), cpu: int64(5 * time.Millisecond), cap: int64(10 * time.Millisecond)})
	}
	cpu, _, ok := w.rates()
	if !ok || math.Abs(cpu-0.5) > 1e-9 {
		t.Errorf("rates() = %v, %v; want 0.5 over the busy cycles only", cpu, ok)
	}
	var z window
	if _, _, ok := z.rates(); ok {
		t.Error("empty window reported a rate")
	}
	z.push(interval{dt: 0, cap: 0})
	if _, _, ok := z.rates(); ok {
		t.Error("window spanning no time reported a rate")
	}
}

// The window's running sums give what summing its intervals afresh gives,
// whatever their lengths.
func TestWindowMatchesRecount(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	var w window
	var all []interval
	for i := 0; i < 20000; i++ {
		var dt int64
		switch rng.Intn(4) {
		case 0: // same millisecond
		case 1:
			dt = int64(time.Millisecond) * rng.Int63n(3)
		case 2:
			dt = int64(time.Millisecond) * rng.Int63n(100)
		case 3:
			dt = int64(time.Second) * rng.Int63n(3)
		}
		iv := interval{dt: dt, cpu: rng.Int63n(int64(time.Millisecond)), cap: dt * 4, alloc: rng.Int63n(1 << 30)}
		w.push(iv)
		all = append(all, iv)
		// Recount: back from the newest, as long as the window rules allow.
		var sum interval
		for k := 0; k < len(all) && k < ringSize; k++ {
			iv := all[len(all)-1-k]
			if k > 0 && (sum.dt+iv.dt > int64(windowMax) || (k >= windowCycles && sum.dt >= int64(windowMin))) {
				break
			}
			sum.dt, sum.cpu, sum.cap, sum.alloc = sum.dt+iv.dt, sum.cpu+iv.cpu, sum.cap+iv.cap, sum.alloc+iv.alloc
		}
		if sum != w.sum {
			t.Fatalf("after %d intervals: running sums %+v, recount %+v", i+1, w.sum, sum)
		}
	}
}

func TestBuilderSeries(t *testing.T) {
	b := NewBuilder(Options{Columns: 100})
	b.Add(cycle(1, 1, 0, 4, 4, 3, 4))
	g := cycle(1, 2, 10*time.Millisecond, 8, 9, 2, 8)
	g.Forced = true
	b.Add(g)
	b.AddForced(parser.Pos{File: "t.log", Process: 1})
	g = cycle(1, 3, 2*time.Minute, 5, 5, 1, 4)
	g.Procs = 4
	b.Add(g)

	p, ok := b.Longest()
	if !ok {
		t.Fatal("no process")
	}
	want := Process{
		ProcessID: ProcessID{"t.log", 1}, Format: parser.FormatGo118, Cycles: 3, Forced: 1, Periodic: 1,
		FirstCycle: 1, LastCycle: 3, Start: 0, End: 2 * time.Minute, ProcsMin: 2, ProcsMax: 4, FirstLine: 1, LastLine: 3,
	}
	if p != want {
		t.Errorf("process = %+v\nwant %+v", p, want)
	}
	s := b.find(p.ProcessID)
	live := s.cols.points(mHeapLive)
	// The live heap is known when the cycle ends: 1.15 ms after its start.
	if len(live) != 3 || live[1] != (point{int64(10*time.Millisecond + 1150*time.Microsecond), 2 << 20}) {
		t.Errorf("live heap points = %v", live)
	}
	// One cycle: the sawtooth's three corners, where each was measured.
	b1 := NewBuilder(Options{})
	b1.Add(cycle(1, 1, 0, 4, 4, 3, 4))
	use := b1.find(ProcessID{"t.log", 1}).cols.points(mHeapUse)
	wantUse := []point{{0, 4 << 20}, {1100000, 4 << 20}, {1150000, 3 << 20}}
	for i, w := range wantUse {
		if i >= len(use) || use[i] != w {
			t.Errorf("heap in use starts %v, want %v", use, wantUse)
			break
		}
	}
	if m := s.cols.markers(false); len(m) != 1 || m[0] != (point{int64(10 * time.Millisecond), 8 << 20}) {
		t.Errorf("forced markers = %v", m)
	}
	if m := s.cols.markers(true); len(m) != 1 || m[0].X != int64(2*time.Minute) {
		t.Errorf("periodic markers = %v", m)
	}
	if _, hi, _ := s.cols.span(mPause); hi != float64(150*time.Microsecond) {
		t.Errorf("longest pause = %v, want 150µs", time.Duration(hi))
	}
}

func TestBuilderBoundsProcesses(t *testing.T) {
	b := NewBuilder(Options{MaxProcesses: 3})
	// Processes 1–6 with 10, 1, 20, 2, 3, 30 cycles, one after another.
	sizes := []int{10, 1, 20, 2, 3, 30}
	for p, n := range sizes {
		for i := 1; i <= n; i++ {
			b.Add(cycle(p+1, i, time.Duration(i)*time.Millisecond, 4, 4, 2, 4))
		}
	}
	var kept []int
	for _, p := range b.Processes() {
		kept = append(kept, p.Process)
	}
	if len(kept) != 3 || kept[0] != 1 || kept[1] != 3 || kept[2] != 6 {
		t.Errorf("kept processes %v, want [1 3 6]", kept)
	}
	if p, _ := b.Longest(); p.Process != 6 {
		t.Errorf("longest = process %d, want 6", p.Process)
	}
	if n, cycles := b.Omitted(); n != 3 || cycles != 6 {
		t.Errorf("omitted %d processes, %d cycles; want 3, 6", n, cycles)
	}
	// A dropped process that goes on is not taken for a new one.
	b.Add(cycle(2, 2, 5*time.Millisecond, 4, 4, 2, 4))
	if n, cycles := b.Omitted(); n != 3 || cycles != 7 || len(b.Processes()) != 3 {
		t.Errorf("after a dropped process's cycle: omitted %d, %d; kept %d", n, cycles, len(b.Processes()))
	}
}

func TestBuilderProcessFilter(t *testing.T) {
	b := NewBuilder(Options{Process: 2})
	for p := 1; p <= 3; p++ {
		for i := 1; i <= 5*p; i++ {
			b.Add(cycle(p, i, time.Duration(i)*time.Millisecond, 4, 4, 2, 4))
		}
	}
	ps := b.Processes()
	if len(ps) != 1 || ps[0].Process != 2 || ps[0].Cycles != 10 {
		t.Errorf("processes = %+v, want process 2 alone", ps)
	}
}

func TestAddSpan(t *testing.T) {
	b := NewBuilder(Options{})
	for i := 1; i <= 10; i++ {
		b.Add(cycle(1, i, time.Duration(i)*time.Second, 4, 4, 2, 4))
	}
	b.AddSpan("long-pause", "t.log", 1, 2*time.Second, 3*time.Second)
	b.AddSpan("long-pause", "t.log", 1, 3*time.Second, 5*time.Second) // overlaps: merged
	b.AddSpan("gc-frequency", "t.log", 1, 1*time.Second, 9*time.Second)
	b.AddSpan("long-pause", "t.log", 1, 8*time.Second, 8*time.Second) // apart: kept
	b.AddSpan("long-pause", "t.log", 2, 1*time.Second, 2*time.Second) // no such process
	b.AddSpan("low-resolution", "t.log", 1, -1, -1)                   // no time
	for i := 0; i < maxSpans+5; i++ {
		b.AddSpan("alloc-churn", "t.log", 1, time.Duration(2*i)*time.Hour, time.Duration(2*i+1)*time.Hour)
	}
	s := b.find(ProcessID{"t.log", 1})
	got := s.sortedSpans()
	if len(got) != maxSpans {
		t.Fatalf("%d spans kept, want %d", len(got), maxSpans)
	}
	if s.spansOmitted != 8 {
		t.Errorf("spansOmitted = %d, want 8", s.spansOmitted)
	}
	var lp []span
	for _, sp := range got {
		if sp.rule == "long-pause" {
			lp = append(lp, sp)
		}
	}
	want := []span{{"long-pause", int64(2 * time.Second), int64(5 * time.Second)}, {"long-pause", int64(8 * time.Second), int64(8 * time.Second)}}
	if len(lp) != 2 || lp[0] != want[0] || lp[1] != want[1] {
		t.Errorf("long-pause spans = %v, want %v", lp, want)
	}
	if got[0].rule != "alloc-churn" || got[len(got)-1].rule != "long-pause" {
		t.Errorf("spans not sorted by rule: first %q, last %q", got[0].rule, got[len(got)-1].rule)
	}
}

func TestTicks(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		n      int
		want   []string
	}{
		{0, 100, 5, []string{"0", "20", "40", "60", "80", "100"}},
		{0, 0.14, 8, []string{"0.00", "0.02", "0.04", "0.06", "0.08", "0.10", "0.12", "0.14"}},
		{-1, 1, 2, []string{"-1", "0", "1"}},
		{3, 3, 4, []string{"3"}}, // degenerate: one mark, no panic
		{5, 1, 4, []string{"5"}}, // reversed
		{0, math.Inf(1), 4, nil}, // nonsense
		{math.NaN(), 1, 4, nil},  //
		{1e9, 1e9 + 1, 2, []string{"1000000000.0", "1000000000.5", "1000000001.0"}},
	} {
		var got []string
		for _, tk := range (ticks{n: tc.n}).Ticks(tc.lo, tc.hi) {
			got = append(got, tk.Label)
		}
		if len(got) != len(tc.want) {
			t.Errorf("Ticks(%v, %v) = %q, want %q", tc.lo, tc.hi, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("Ticks(%v, %v) = %q, want %q", tc.lo, tc.hi, got, tc.want)
				break
			}
		}
	}
}

func TestUnits(t *testing.T) {
	for _, tc := range []struct {
		got  unit
		want string
	}{
		{timeUnit(90 * time.Second), "s"},
		{timeUnit(20 * time.Minute), "min"},
		{timeUnit(9 * time.Hour), "h"},
		{durationUnit(float64(300 * time.Microsecond)), "µs"},
		{durationUnit(float64(20 * time.Millisecond)), "ms"},
		{durationUnit(float64(2 * time.Second)), "s"},
		{byteUnit(0, false), "MiB"},
		{byteUnit(3<<30, false), "GiB"},
		{byteUnit(100<<10, true), "KiB/s"},
		{byteUnit(100<<20, true), "MiB/s"},
	} {
		if tc.got.name != tc.want {
			t.Errorf("unit %q, want %q", tc.got.name, tc.want)
		}
	}
}
