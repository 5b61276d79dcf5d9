package main

import (
	"io"
	"os"
	"strings"
	"testing"
)

// BenchmarkAnalyzeFile runs gctrace analyze on the trace named by
// $GCTRACE_BENCH_FILE (one made by bench/gentrace, say), for profiling the
// whole pipeline: go test -bench AnalyzeFile -cpuprofile cpu.prof.
func BenchmarkAnalyzeFile(b *testing.B) {
	name := os.Getenv("GCTRACE_BENCH_FILE")
	if name == "" {
		b.Skip("set GCTRACE_BENCH_FILE to a trace")
	}
	for i := 0; i < b.N; i++ {
		s := &streams{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard}
		if code := run([]string{"analyze", name}, s); code != 0 {
			b.Fatalf("exit %d", code)
		}
	}
}
