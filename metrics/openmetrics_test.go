package metrics

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/parser"
)

func TestStampReader(t *testing.T) {
	log := "2026-12-01T10:00:00.5Z gc 1 @0.010s\nno stamp\n2026-12-01T10:00:02+01:00 stderr F x\n" +
		strings.Repeat("y", 100) + "\n2026-12-01T10:00:03Z"
	sr := NewStampReader(strings.NewReader(log))
	// Read in small pieces, as a pipe may deliver it.
	buf := make([]byte, 7)
	for {
		if _, err := sr.Read(buf); err != nil {
			break
		}
	}
	want := map[int]string{1: "2026-12-01T10:00:00.5Z", 3: "2026-12-01T10:00:02+01:00", 5: "2026-12-01T10:00:03Z"}
	for line := 1; line <= 5; line++ {
		got, ok := sr.Time(line)
		w, stamped := want[line]
		if ok != stamped || ok && got.Format(time.RFC3339Nano) != w {
			t.Errorf("line %d: got %v %v, want %q", line, got, ok, w)
		}
	}
}

// TestOpenMetricsBackfill writes the series of a timestamped log and has
// promtool build TSDB blocks from them.
func TestOpenMetricsBackfill(t *testing.T) {
	raw, err := os.ReadFile("../testdata/bomb/dog.log")
	if err != nil {
		t.Fatal(err)
	}
	// The log as kubectl logs --timestamps shows it: a second per 5 lines.
	var log bytes.Buffer
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	for i, line := range strings.SplitAfter(string(raw), "\n") {
		if line != "" {
			log.WriteString(t0.Add(time.Duration(i)*200*time.Millisecond).Format(time.RFC3339Nano) + " " + line)
		}
	}
	e, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	h := NewHistory(e, 2*time.Second)
	sr := NewStampReader(&log)
	an := analyze.New(analyze.DefaultConfig(), e.Finding)
	r := parser.NewReader(sr, "dog.log")
	var end time.Time
	for r.Scan() {
		an.Add(r.Record())
		e.Record(r.Record())
		if ts, ok := sr.Time(r.Record().Position().Line); ok {
			end = ts
			if err := h.At(ts); err != nil {
				t.Fatal(err)
			}
		}
	}
	rep := an.Report()
	e.Done(rep, false)
	if err := h.Sample(end); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := h.WriteOpenMetrics(&out); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	if !strings.HasSuffix(text, "# EOF\n") {
		t.Errorf("no # EOF at the end:\n%s", text)
	}
	last := ""
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, "gctrace_gc_cycles_total{") {
			last = l
		}
	}
	wantEnd := strings.TrimSuffix(strings.TrimRight(strings.Fields(last)[2], "0"), ".")
	if f := strings.Fields(last); len(f) != 3 || f[1] != "46.0" || float64(end.UnixMilli())/1000 != mustFloat(t, wantEnd) {
		t.Errorf("last cycles sample %q, want 46 cycles at %v (report: %d)", last, end, rep.Processes[0].Cycles)
	}

	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool not installed (apt-get install -y prometheus)")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "dog.om")
	writeFile(t, file, text)
	if out, err := exec.Command(promtool, "tsdb", "create-blocks-from", "openmetrics", file, filepath.Join(dir, "blocks")).CombinedOutput(); err != nil {
		t.Errorf("promtool tsdb create-blocks-from openmetrics: %v\n%s", err, out)
	}
}

func mustFloat(t *testing.T, s string) float64 {
	t.Helper()
	var f float64
	if _, err := fmt.Sscan(s, &f); err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return f
}

func writeFile(t *testing.T, name, text string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
