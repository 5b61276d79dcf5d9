package compare

import (
	"os"
	"testing"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/parser"
)

// readTrace reads a trace file as gctrace diff does: every record to the
// collector and to the analyzer.
func readTrace(t testing.TB, path string) *Trace {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c := NewCollector()
	an := analyze.New(analyze.DefaultConfig(), nil)
	r := parser.NewReader(f, path)
	for r.Scan() {
		rec := r.Record()
		c.Add(rec)
		an.Add(rec)
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return c.Trace(path, an.Report())
}
