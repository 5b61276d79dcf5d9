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

// BenchmarkReaderFileBytes is BenchmarkReaderFileScanGC over the trace
// held in memory (NewReaderBytes), as a mapped file is read.
func BenchmarkReaderFileBytes(b *testing.B) {
	slots := make([]GC, 4096)
	benchData(b, func(data []byte, name string) {
		r := NewReaderBytes(data, name)
		for n := 0; r.ScanGC(&slots[n%len(slots)]); n++ {
		}
	})
}

// benchFile runs read over a Reader of the trace in $GCTRACE_BENCH_FILE,
// b.N times, and reports lines per second.
func benchFile(b *testing.B, read func(r *Reader)) {
	rd := new(bytes.Reader)
	benchData(b, func(data []byte, name string) {
		rd.Reset(data)
		read(NewReader(rd, name))
	})
}

// benchData runs read over the trace in $GCTRACE_BENCH_FILE, b.N times,
// and reports lines per second.
func benchData(b *testing.B, read func(data []byte, name string)) {
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
	for i := 0; i < b.N; i++ {
		read(data, name)
	}
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// BenchmarkReadParallel reads the trace in $GCTRACE_BENCH_FILE with
// ReadParallel, on every core.
func BenchmarkReadParallel(b *testing.B) {
	benchData(b, func(data []byte, name string) {
		if _, err := ReadParallel(bytes.NewReader(data), int64(len(data)), name, func(*Batch) error { return nil }); err != nil {
			b.Fatal(err)
		}
	})
}
