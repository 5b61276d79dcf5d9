package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/gctrace/gctrace/report"
)

const exportTrace = `app: starting
gc 1 @0.000s 34%: 0.41+0.14+0.007 ms clock, 0.82+0.056/0.095/0+0.014 ms cpu, 4->4->3 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P
GC forced
gc 6 @0.009s 7%: 0.10+0.10+0.001 ms clock, 0.21+0/0.033/0.096+0.003 ms cpu, 20->20->10 MB, 28 MB goal, 0 MB stacks, 0 MB globals, 2 P (forced)
gc 290 @256.195s 3%: 0.25+100+0.10 ms clock, 2.0+208/199/0+0.84 ms cpu, 400->410->210 MB, 420 MB goal, 8 P
gc6(5): 0+0+0+1000 us, 0 -> 0 MB, 2118 (2655-537) objects, 85 goroutines, 109/0/0 sweeps, 8(66) handoff, 11(38) steal, 103/4/0 yields
gc 7 @0.010s 7%: 0.10+0.10+0.001 ms clock, 0.21+0/0.033/0.096+0.003 ms cpu, 20->x->10 MB, 28 MB goal, 0 MB stacks, 0 MB globals, 2 P
`

func TestExportGolden(t *testing.T) {
	for _, tc := range []struct{ name, format string }{{"export.jsonl", "jsonl"}, {"export.csv", "csv"}} {
		r := runGctrace(t, exportTrace, "export", "--format", tc.format)
		if r.code != 0 {
			t.Fatalf("%s: exit %d: %s", tc.format, r.code, r.stderr)
		}
		checkGolden(t, tc.name, r.stdout)
		checkGolden(t, tc.name+".stderr", r.stderr)
	}
}

// TestExportSchema checks the JSON lines against the field list that
// PRODUCT.md makes a public contract.
func TestExportSchema(t *testing.T) {
	want := []string{"file", "line", "process", "gc", "start_s", "gc_cpu_percent", "clock_ms", "cpu_ms",
		"heap_start_mib", "heap_end_mib", "heap_live_mib", "heap_goal_mib", "stacks_mib", "globals_mib",
		"procs", "forced", "leak_check", "kind"}
	r := runGctrace(t, exportTrace, "export", "--gc-only")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d records, want 4:\n%s", len(lines), r.stdout)
	}
	for _, line := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("not JSON: %v: %s", err, line)
		}
		if len(m) != len(want) {
			t.Errorf("%d fields, want %d: %s", len(m), len(want), line)
		}
		for _, k := range want {
			if _, ok := m[k]; !ok {
				t.Errorf("field %q missing: %s", k, line)
			}
		}
	}
	var first map[string]any
	_ = json.Unmarshal([]byte(lines[0]), &first)
	if first["heap_live_mib"] != 3.0 || first["procs"] != 2.0 || first["kind"] != "gc" || first["start_s"] != 0.0 {
		t.Errorf("first record: %v", first)
	}
	var legacy map[string]any
	_ = json.Unmarshal([]byte(lines[3]), &legacy)
	if legacy["start_s"] != nil || legacy["heap_goal_mib"] != nil || legacy["stacks_mib"] != nil {
		t.Errorf("pre-1.5 record should have nulls: %v", legacy)
	}
}

func TestExportCSVColumns(t *testing.T) {
	r := runGctrace(t, exportTrace, "export", "--format", "csv")
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != strings.Join(report.CSVColumns, ",") {
		t.Errorf("header %v", rows[0])
	}
	for _, row := range rows {
		if len(row) != len(report.CSVColumns) {
			t.Errorf("row has %d cells: %v", len(row), row)
		}
	}
}

func TestExportBadInput(t *testing.T) {
	dir := t.TempDir()
	bin := dir + "/bin"
	data := make([]byte, 8192)
	for i := range data {
		data[i] = byte(i * 31)
	}
	if err := os.WriteFile(bin, data, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, stdin string
		args        []string
		msg         string
	}{
		{"empty", "", nil, "the input is empty"},
		{"no trace", "hello\nworld\n", nil, "GODEBUG=gctrace=1"},
		{"binary", "", []string{bin}, "binary"},
		{"missing file", "", []string{dir + "/nope.log"}, "cannot read"},
		{"directory", "", []string{dir}, "directory"},
	} {
		r := runGctrace(t, tc.stdin, append([]string{"export"}, tc.args...)...)
		if r.code != exitError {
			t.Errorf("%s: exit %d, want 2", tc.name, r.code)
		}
		if !strings.Contains(r.stderr, tc.msg) || strings.Contains(r.stderr, "panic") {
			t.Errorf("%s: stderr %q, want it to mention %q", tc.name, r.stderr, tc.msg)
		}
	}
}
