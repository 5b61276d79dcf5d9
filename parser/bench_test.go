package parser

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"testing"
)

// benchTrace builds n Go 1.26 GC lines with varying numbers, the shape a
// long-running service prints.
func benchTrace(n int) []byte {
	var b bytes.Buffer
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "gc %d @%d.%03ds %d%%: 0.%02d+%d.%d+0.0%02d ms clock, 0.%02d+0.%02d/%d.%d/0.%02d+0.0%02d ms cpu, %d->%d->%d MB, %d MB goal, 0 MB stacks, 0 MB globals, 8 P\n",
			i, i/100, i%1000, i%30, 10+i%90, i%10, i%7, 10+i%89, 10+i%80, 10+i%70, i%9, i%5, 10+i%60, 10+i%50,
			100+i%50, 110+i%50, 50+i%20, 200+i%40)
	}
	return b.Bytes()
}

func BenchmarkReader(b *testing.B) {
	const lines = 100000
	data := benchTrace(lines)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	rd := bytes.NewReader(data)
	for i := 0; i < b.N; i++ {
		rd.Reset(data)
		r := NewReader(rd, "bench")
		n := 0
		for r.Scan() {
			if _, ok := r.Record().(*GC); ok {
				n++
			}
		}
		if n != lines {
			b.Fatalf("read %d GC records, want %d", n, lines)
		}
	}
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
	b.StopTimer()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(lines*b.N), "allocs/line")
}

// TestReaderSteadyStateAllocs checks that reading GC lines allocates
// nothing per line once the reader's buffers exist.
func TestReaderSteadyStateAllocs(t *testing.T) {
	data := benchTrace(1000)
	rd := bytes.NewReader(data)
	var r *Reader
	allocs := testing.AllocsPerRun(5, func() {
		rd.Reset(data)
		r = NewReader(rd, "x")
		for r.Scan() {
		}
	})
	// The reader itself and its buffers are a handful of allocations per
	// run; 1000 lines must not add any.
	if allocs > 10 {
		t.Errorf("%v allocations reading 1000 lines, want at most 10 (none per line)", allocs)
	}
	var _ io.Reader = rd
}
