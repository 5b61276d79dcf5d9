package analyze

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gctrace/gctrace/parser"
)

// BenchmarkAnalyzer measures Add on GC records alone: ns/op is ns per
// record. The records are made beforehand and shifted in time each round;
// there are few enough of them to stay in cache, as the record the parser
// has just written does.
func BenchmarkAnalyzer(b *testing.B) {
	a := New(DefaultConfig(), func(Finding) {})
	s := newSynth(a)
	cs := varied(256)
	recs := make([]parser.GC, len(cs))
	for i, c := range cs {
		recs[i] = *s.next(c)
	}
	period := s.t + time.Second
	for i := range recs {
		a.Add(&recs[i])
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		j := i % len(recs)
		if j == 0 {
			for k := range recs {
				recs[k].Start += period
				recs[k].N += len(recs)
				recs[k].Line += len(recs)
			}
		}
		a.Add(&recs[j])
	}
}

// BenchmarkPipeline reads a Go 1.26 trace through the parser into the
// analyzer, and reports its cost next to counting "gc " lines, which is
// what the speed budget of the analyze command is measured against.
func BenchmarkPipeline(b *testing.B) {
	trace := syntheticTrace(20000)
	b.Run("count", func(b *testing.B) {
		b.SetBytes(int64(len(trace)))
		for i := 0; i < b.N; i++ {
			n := 0
			for _, l := range bytes.Split(trace, []byte("\n")) {
				if bytes.HasPrefix(l, []byte("gc ")) {
					n++
				}
			}
			_ = n
		}
	})
	b.Run("parse", func(b *testing.B) {
		b.SetBytes(int64(len(trace)))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			r := parser.NewReader(bytes.NewReader(trace), "bench.log")
			for r.Scan() {
				_ = r.Record()
			}
		}
	})
	b.Run("parse+analyze", func(b *testing.B) {
		b.SetBytes(int64(len(trace)))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			a := New(DefaultConfig(), func(Finding) {})
			r := parser.NewReader(bytes.NewReader(trace), "bench.log")
			for r.Scan() {
				a.Add(r.Record())
			}
			a.Report()
		}
	})
}

// syntheticTrace prints n Go 1.26 GC lines, with some application output.
func syntheticTrace(n int) []byte {
	var sb strings.Builder
	t := time.Duration(0)
	for i := 1; i <= n; i++ {
		t += time.Duration(20+i%50) * time.Millisecond
		live := 8 + i%64
		fmt.Fprintf(&sb, "gc %d @%d.%03ds %d%%: 0.%02d+%d.%d+0.0%02d ms clock, 0.%02d+0.%02d/%d.%d/0.%02d+0.0%02d ms cpu, %d->%d->%d MB, %d MB goal, 0 MB stacks, 0 MB globals, 4 P\n",
			i, t/time.Second, t%time.Second/time.Millisecond, i%20,
			10+i%89, 1+i%9, i%10, 10+i%80,
			10+i%89, 10+i%80, 1+i%9, i%10, 10+i%89, 10+i%80,
			2*live, 2*live+i%3, live, 2*live)
		if i%10 == 0 {
			sb.WriteString("app: served 100 requests\n")
		}
	}
	return []byte(sb.String())
}
