package parser

import (
	"bytes"
	"os"
	"testing"
)

// BenchmarkReaderFile reads the trace named by $GCTRACE_BENCH_FILE (for
// example one made by bench/gentrace).
func BenchmarkReaderFile(b *testing.B) {
	benchFile(b, func(r *Reader) {
		for r.Scan() {
		}
	})
}

// BenchmarkReaderFileScanGC is BenchmarkReaderFile through ScanGC, into
// storage that rotates as a pipeline's batches do.
func BenchmarkReaderFileScanGC(b *testing.B) {
	slots := make([]GC, 4096)
	benchFile(b, func(r *Reader) {
		for n := 0; r.ScanGC(&slots[n%len(slots)]); n++ {
		}
	})
}

// benchFile runs read over a Reader of the trace in $GCTRACE_BENCH_FILE,
// b.N times, and reports lines per second.
func benchFile(b *testing.B, read func(r *Reader)) {
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
		read(NewReader(rd, name))
	}
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}
