package plot

import (
	"io"
	"testing"
	"time"

	"github.com/gctrace/gctrace/parser"
)

// benchCycles returns n cycles of one process, a few ms apart, with
// varying heaps, so columns widen and fill as on a long trace.
func benchCycles(n int) []parser.GC {
	gs := make([]parser.GC, n)
	var t time.Duration
	for i := range gs {
		h := int64(64 + (i*7919)%512)
		g := cycle(1, i+1, t, h, h+3, h/2, h+8)
		g.CPU = [7]time.Duration{50 * time.Microsecond, time.Duration(i%300) * time.Microsecond, 800 * time.Microsecond, 100 * time.Microsecond, 40 * time.Microsecond}
		g.Forced = i%5000 == 0
		gs[i] = *g
		t += time.Duration(2+i%7) * time.Millisecond
	}
	return gs
}

// BenchmarkBuilder measures Add on one long process: the per-cycle cost
// plot adds to parsing. It does not allocate.
func BenchmarkBuilder(b *testing.B) {
	bl := NewBuilder(Options{})
	g := cycle(1, 1, 0, 64, 67, 32, 72)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// Varying heaps and intervals, as in benchCycles, without a slice
		// of b.N records.
		h := int64(64+(i*7919)%512) << 20
		g.N, g.Line = i+1, i+1
		g.HeapStart, g.HeapEnd, g.HeapLive, g.HeapGoal = h, h+3<<20, h/2, h+8<<20
		g.CPU[1] = time.Duration(i%300) * time.Microsecond
		g.Forced = i%5000 == 0
		bl.Add(g)
		g.Start += time.Duration(2+i%7) * time.Millisecond
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/cycle")
}

// BenchmarkRender measures drawing a full chart of a long process: the
// cost is bounded by the columns, not the cycles.
func BenchmarkRender(b *testing.B) {
	gs := benchCycles(1 << 18)
	bl := NewBuilder(Options{})
	for i := range gs {
		bl.Add(&gs[i])
	}
	id := ProcessID{"t.log", 1}
	for _, f := range []Format{PNG, SVG} {
		b.Run(f.String(), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if err := bl.Render(io.Discard, f, id, RenderOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// Add does not allocate in the steady state.
func TestBuilderAddAllocs(t *testing.T) {
	gs := benchCycles(1000)
	bl := NewBuilder(Options{})
	bl.Add(&gs[0])
	i := 1
	allocs := testing.AllocsPerRun(500, func() {
		bl.Add(&gs[i])
		i++
	})
	if allocs != 0 {
		t.Errorf("Add allocates %v times per cycle, want 0", allocs)
	}
}
