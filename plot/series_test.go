package plot

import (
	"testing"
	"time"
)

// TestSeriesExported checks that Series hands out the lines the charts
// draw, and the spans, for a process the Builder keeps.
func TestSeriesExported(t *testing.T) {
	b := NewBuilder(Options{Columns: 64})
	for n := 1; n <= 10; n++ {
		b.Add(cycle(1, n, time.Duration(n)*100*time.Millisecond, 3, 4, 1, 6))
	}
	b.AddSpan("alloc-churn", "t.log", 1, 200*time.Millisecond, 500*time.Millisecond)
	if _, ok := b.Series(ProcessID{"t.log", 2}); ok {
		t.Error("a process never seen has series")
	}
	s, ok := b.Series(ProcessID{"t.log", 1})
	if !ok {
		t.Fatal("no series of process 1")
	}
	if s.Process.Cycles != 10 {
		t.Errorf("%d cycles, want 10", s.Process.Cycles)
	}
	// The sawtooth: three points per cycle (start, end of marking, end).
	if len(s.HeapUse) != 30 || s.HeapUse[0].Y != 3<<20 || s.HeapUse[1].Y != 4<<20 || s.HeapUse[2].Y != 1<<20 {
		t.Errorf("heap in use %v, want 3, 4, 1 MiB per cycle", s.HeapUse[:min(len(s.HeapUse), 3)])
	}
	if len(s.HeapLive) != 10 || len(s.HeapGoal) != 10 || len(s.Pause) != 10 {
		t.Errorf("%d live, %d goal, %d pause points, want 10 each", len(s.HeapLive), len(s.HeapGoal), len(s.Pause))
	}
	if len(s.CPU) != 9 || len(s.Alloc) != 9 {
		t.Errorf("%d CPU and %d alloc points, want 9 each (one per interval)", len(s.CPU), len(s.Alloc))
	}
	want := Span{"alloc-churn", 200 * time.Millisecond, 500 * time.Millisecond}
	if len(s.Spans) != 1 || s.Spans[0] != want {
		t.Errorf("spans %v, want [%v]", s.Spans, want)
	}
}
