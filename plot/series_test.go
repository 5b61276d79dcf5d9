package plot

import (
	"slices"
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

// TestSeriesFromRebuilds follows a process with SeriesFrom as the live
// page does, through many widenings of the columns, and checks that the
// lines it rebuilds are those of a whole Series every time.
func TestSeriesFromRebuilds(t *testing.T) {
	b := NewBuilder(Options{Columns: 16})
	id := ProcessID{"t.log", 1}
	var have Series
	var last Layout
	for n := 1; n <= 3000; n++ {
		h := int64(3 + n%5)
		b.Add(cycle(1, n, time.Duration(n)*7*time.Millisecond, h, h+1, 1, 8))
		if n%7 != 0 && n != 3000 {
			continue
		}
		from := max(last.Used-1, 0)
		part, _ := b.SeriesFrom(id, from)
		if l := part.Layout; l.Shift != last.Shift || l.X0 != last.X0 {
			// The columns widened since: every point moved.
			from = 0
			part, _ = b.SeriesFrom(id, 0)
		}
		if from == 0 {
			have = part
		} else {
			edge := part.Layout.Edge(part.Layout.From)
			cut := func(old, more []Point) []Point {
				i := len(old)
				for i > 0 && old[i-1].X >= edge {
					i--
				}
				return append(old[:i:i], more...)
			}
			have.HeapUse = cut(have.HeapUse, part.HeapUse)
			have.HeapLive = cut(have.HeapLive, part.HeapLive)
			have.HeapGoal = cut(have.HeapGoal, part.HeapGoal)
			have.Pause = cut(have.Pause, part.Pause)
			have.CPU = cut(have.CPU, part.CPU)
			have.Alloc = cut(have.Alloc, part.Alloc)
			have.Process, have.Layout = part.Process, part.Layout
		}
		last = part.Layout
		whole, _ := b.Series(id)
		for _, c := range []struct {
			name      string
			got, want []Point
		}{
			{"heap in use", have.HeapUse, whole.HeapUse}, {"live", have.HeapLive, whole.HeapLive},
			{"goal", have.HeapGoal, whole.HeapGoal}, {"pause", have.Pause, whole.Pause},
			{"CPU", have.CPU, whole.CPU}, {"alloc", have.Alloc, whole.Alloc},
		} {
			if !slices.Equal(c.got, c.want) {
				t.Fatalf("after %d cycles (from column %d): rebuilt %s has %d points, the whole one %d", n, from, c.name, len(c.got), len(c.want))
			}
		}
	}
	if last.Shift < 5 {
		t.Errorf("the columns widened to shift %d only; the test wants many widenings", last.Shift)
	}
}
