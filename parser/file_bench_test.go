package parser

import (
	"bytes"
	"os"
	"testing"
)

// BenchmarkReaderFile reads the trace named by $GCTRACE_BENCH_FILE (for
// example one made by bench/gentrace).
func BenchmarkReaderFile(b *testing.B) {
	name := os.Getenv("GCTRACE_BENCH_FILE")
	if name == "" {
		b.Skip("set GCTRACE_BENCH_FILE to a trace")
	}
	data, err := os.ReadFile(name)
	if err != nil {
		b.Fatal(err)
	}
	lines := bytes.Count(data, []byte("\n"))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	rd := bytes.NewReader(data)
	for i := 0; i < b.N; i++ {
		rd.Reset(data)
		r := NewReader(rd, name)
		for r.Scan() {
		}
	}
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}
