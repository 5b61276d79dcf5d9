package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/report"
)

// mixedTrace exercises what the committed traces do not: two processes,
// program output between GC lines, a line that does not parse, a periodic
// GC and a long pause.
const mixedTrace = `app: starting
gc 1 @0.010s 1%: 0.020+0.50+0.010 ms clock, 0.080+0.10/0.40/0.20+0.040 ms cpu, 3->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 4 P
gc 2 @0.050s 1%: 0.030+0.60+0.012 ms clock, 0.12+0.10/0.50/0.10+0.048 ms cpu, 3->4->2 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 4 P
app: serving
gc 3 @0.090s 2%: 12+0.70+0.015 ms clock, 48+0.20/0.60/0.10+0.060 ms cpu, 4->5->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 4 P
gc 4 @0.200s 2%: 0.025+zz+0.01 ms clock, 0.1+0.1/0.1/0.1+0.1 ms cpu, 4->5->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 4 P
GC forced
gc 5 @120.300s 0%: 0.030+1.0+0.010 ms clock, 0.12+0/0.9/0.3+0.04 ms cpu, 2->2->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 4 P
app: restarting
gc 1 @0.012s 3%: 0.10+0.90+0.020 ms clock, 0.40+0.20/0.80/0.30+0.080 ms cpu, 3->3->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 4 P
gc 2 @1.500s 3%: 150+0.80+0.020 ms clock, 600+0.20/0.70/0.30+0.080 ms cpu, 3->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 4 P (forced)
app: done
`

// tracePath returns the path of a committed trace under the repository's
// testdata, skipping the test when it is not there.
func tracePath(t *testing.T, rel string) string {
	t.Helper()
	p := filepath.Join("..", "..", "testdata", filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		t.Skipf("trace %s not available: %v", rel, err)
	}
	return p
}

var reportFormats = []struct{ name, ext string }{{"text", "txt"}, {"json", "json"}, {"markdown", "md"}}

func TestAnalyzeGolden(t *testing.T) {
	inputs := []struct {
		name  string
		trace string // a path under testdata/, or "" for mixedTrace on stdin
	}{
		{"mixed", ""},
		{"dog", "bomb/dog.log"},
		{"assist", "bomb/assist.log"},
		{"legacy", "runtimes/legacy.log"},
		{"go1.26", "runtimes/go1.26.log"},
		{"go1.26-gorun", "runtimes/go1.26-gorun.log"},
	}
	for _, in := range inputs {
		for _, f := range reportFormats {
			t.Run(in.name+"."+f.ext, func(t *testing.T) {
				args := []string{"analyze", "--format", f.name}
				stdin := ""
				if in.trace == "" {
					stdin = mixedTrace
				} else {
					args = append(args, tracePath(t, in.trace))
				}
				r := runGctrace(t, stdin, args...)
				if r.code != 0 {
					t.Fatalf("exit %d: %s", r.code, r.stderr)
				}
				checkGolden(t, filepath.Join("analyze", in.name+"."+f.ext), r.stdout)
				checkGolden(t, filepath.Join("analyze", in.name+"."+f.ext+".stderr"), r.stderr)
			})
		}
	}
}

// TestAnalyzeRuntimes reads the trace of every Go release: each gives a
// report, as one JSON document, with every line accounted for.
func TestAnalyzeRuntimes(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "runtimes", "*.log"))
	if len(files) == 0 {
		t.Skip("no runtime traces")
	}
	for _, f := range files {
		r := runGctrace(t, "", "analyze", "--format", "json", f)
		if r.code != 0 {
			t.Errorf("%s: exit %d: %s", f, r.code, r.stderr)
			continue
		}
		var rep analyze.Report
		if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if rep.GCLines == 0 || len(rep.Processes) == 0 {
			t.Errorf("%s: no cycles", f)
		}
		if rep.Lines != rep.GCLines+rep.RuntimeLines+rep.TextLines+rep.UnparsedLines {
			t.Errorf("%s: %d lines, but %d GC + %d runtime + %d text + %d unparsed", f, rep.Lines, rep.GCLines, rep.RuntimeLines, rep.TextLines, rep.UnparsedLines)
		}
		for i := 1; i < len(rep.Findings); i++ {
			if rep.Findings[i].Severity > rep.Findings[i-1].Severity {
				t.Errorf("%s: findings not worst first", f)
			}
		}
	}
}

// TestAnalyzeJSONShape checks the fields the issue makes the stable JSON
// contract.
func TestAnalyzeJSONShape(t *testing.T) {
	r := runGctrace(t, mixedTrace, "analyze", "--format", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("not one JSON document: %v\n%s", err, r.stdout)
	}
	for _, k := range []string{"version", "processes", "findings", "unparsed_lines"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("top-level field %q missing", k)
		}
	}
	if doc["version"] != 1.0 {
		t.Errorf("version %v, want 1", doc["version"])
	}
	procs, _ := doc["processes"].([]any)
	if len(procs) != 2 {
		t.Fatalf("%d processes, want 2", len(procs))
	}
	for _, p := range procs {
		p := p.(map[string]any)
		for _, k := range []string{"process", "cycles", "duration_s", "gc_per_second", "gc_cpu_percent", "pause_ms",
			"alloc_rate_mib_per_s", "heap_live_mib", "heap_peak_mib", "effective_gogc"} {
			if _, ok := p[k]; !ok {
				t.Errorf("process field %q missing", k)
			}
		}
		pause, _ := p["pause_ms"].(map[string]any)
		for _, k := range []string{"p50", "p95", "p99", "max"} {
			if _, ok := pause[k]; !ok {
				t.Errorf("pause_ms.%s missing", k)
			}
		}
		live, _ := p["heap_live_mib"].(map[string]any)
		for _, k := range []string{"min", "max"} {
			if _, ok := live[k]; !ok {
				t.Errorf("heap_live_mib.%s missing", k)
			}
		}
	}
	findings, _ := doc["findings"].([]any)
	if len(findings) == 0 {
		t.Fatal("no findings")
	}
	for _, f := range findings {
		f := f.(map[string]any)
		for _, k := range []string{"rule", "severity", "process", "first_line", "last_line", "message", "advice"} {
			if _, ok := f[k]; !ok {
				t.Errorf("finding field %q missing in %v", k, f)
			}
		}
		if f["advice"] == "" {
			t.Errorf("finding without advice: %v", f)
		}
	}
	if doc["unparsed_lines"] != 1.0 {
		t.Errorf("unparsed_lines %v, want 1", doc["unparsed_lines"])
	}
}

// TestAnalyzeFileAndStdin checks that a file, decoded in pieces at once,
// and a pipe, read as it comes, give the same report, on an input of
// many pieces with broken GC lines in them.
func TestAnalyzeFileAndStdin(t *testing.T) {
	path := tracePath(t, "bomb/dog.log")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat(append([]byte(mixedTrace), data...), 150)
	file := filepath.Join(t.TempDir(), "in.log")
	if err := os.WriteFile(file, big, 0o644); err != nil {
		t.Fatal(err)
	}
	fromFile := runGctrace(t, "", "analyze", "--format", "json", file)
	fromStdin := runGctrace(t, string(big), "analyze", "--format", "json")
	if fromFile.code != 0 || fromStdin.code != 0 {
		t.Fatalf("exit %d and %d: %s %s", fromFile.code, fromStdin.code, fromFile.stderr, fromStdin.stderr)
	}
	got := strings.ReplaceAll(fromFile.stdout, file, "-")
	if got != fromStdin.stdout {
		t.Errorf("file and stdin reports differ:\n--- file\n%s\n--- stdin\n%s", got, fromStdin.stdout)
	}
	if strings.ReplaceAll(fromFile.stderr, file, "-") != fromStdin.stderr {
		t.Errorf("file and stdin streams differ:\n--- file\n%s\n--- stdin\n%s", fromFile.stderr, fromStdin.stderr)
	}
}

// TestAnalyzeStdinFileRead checks that a file on standard input that was
// partly read before is analysed from where it stands.
func TestAnalyzeStdinFileRead(t *testing.T) {
	data, err := os.ReadFile(tracePath(t, "bomb/dog.log"))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "in.log")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	skip := bytes.IndexByte(data, '\n') + 1
	if _, err := f.Seek(int64(skip), io.SeekStart); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := run([]string{"analyze", "--format", "json"}, &streams{In: f, Out: &out, Err: &errb})
	want := runGctrace(t, string(data[skip:]), "analyze", "--format", "json")
	if code != 0 || out.String() != want.stdout {
		t.Errorf("exit %d, report:\n%s\nwant, from a pipe of the same lines:\n%s", code, out.String(), want.stdout)
	}
	// As a read would, the analysis leaves standard input at its end.
	if pos, err := f.Seek(0, io.SeekCurrent); err != nil || pos != int64(len(data)) {
		t.Errorf("standard input left at %d (%v), want its end, %d", pos, err, len(data))
	}
}

func TestAnalyzePassthrough(t *testing.T) {
	r := runGctrace(t, mixedTrace, "analyze", "--passthrough", "--format", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	const want = "app: starting\napp: serving\napp: restarting\napp: done\n{"
	if !strings.HasPrefix(r.stdout, want) {
		t.Errorf("stdout starts %q, want the program's lines then the report:\n%s", r.stdout[:min(len(r.stdout), 80)], r.stdout)
	}
	if strings.Contains(r.stdout, "gc 1 @") {
		t.Errorf("GC lines echoed:\n%s", r.stdout)
	}
	// With --format json, findings stream on stderr.
	if !strings.Contains(r.stderr, "gctrace: -:11: error: long-pause: ") {
		t.Errorf("stderr lacks the streamed finding:\n%s", r.stderr)
	}

	// Text: program lines and findings interleave on stdout, in order.
	r = runGctrace(t, mixedTrace, "analyze", "--passthrough")
	lines := strings.Split(r.stdout, "\n")
	if len(lines) < 8 || lines[0] != "app: starting" || lines[1] != "app: serving" ||
		!strings.HasPrefix(lines[2], "gctrace: -:6: warning: unparsed-lines: ") {
		t.Errorf("text passthrough:\n%s", r.stdout)
	}
}

func TestAnalyzeNoTrace(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "no GC trace found: the input is empty"},
		{"hello\nworld\n", "GODEBUG=gctrace=1"},
		{"hello\n", "2>&1"},
		{"\x00\x01\x02binary\n", "binary"},
	} {
		for _, f := range []string{"text", "json"} {
			r := runGctrace(t, tc.in, "analyze", "--format", f)
			if r.code != exitError || !strings.Contains(r.stderr, tc.want) || strings.Count(r.stderr, "gctrace: ") != 1 {
				t.Errorf("%q %s: exit %d, stderr %q; want exit 2 and %q", tc.in, f, r.code, r.stderr, tc.want)
			}
			if r.stdout != "" {
				t.Errorf("%q %s: stdout %q, want nothing", tc.in, f, r.stdout)
			}
		}
	}
}

func TestAnalyzeBadInputs(t *testing.T) {
	long := strings.Repeat("x", 3<<20) // longer than the reader holds at once
	in := long + "\n" + mixedTrace + "gc 9 @1.0s 1%: 0.1+"
	r := runGctrace(t, in, "analyze", "--passthrough", "--format", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.HasPrefix(r.stdout, long+"\napp: starting\n") {
		t.Errorf("the long line did not pass through whole")
	}
	r = runGctrace(t, "", "analyze", "no/such/file.log")
	if r.code != exitError || !strings.Contains(r.stderr, "cannot read no/such/file.log") {
		t.Errorf("missing file: %+v", r)
	}
}

func TestAnalyzeFlags(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "gctrace.conf")
	if err := os.WriteFile(conf, []byte("# test\nlong-pause.warning = 3ms\nrules = -forced-gc\nmax-pause = 1ms # a budget: ignored by analyze\nwindow=20s\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var got *analyzeOptions
	cmd := newCmdAnalyze(&streams{}, func(o *analyzeOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--format", "md", "--passthrough", "--config", conf, "--set", "long-pause.warning=2ms", "--rules", "-periodic-gc", "a.log", "-"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	c := got.Analysis.Config
	if got.Format != report.Markdown || !got.Passthrough || !got.Stream || strings.Join(got.Args, " ") != "a.log -" {
		t.Errorf("options %+v", got)
	}
	if c.LongPauseWarning != 2*time.Millisecond || c.Window != 20*time.Second {
		t.Errorf("flags should override the file: long-pause.warning %v, window %v", c.LongPauseWarning, c.Window)
	}
	if !c.Disabled["forced-gc"] || !c.Disabled["periodic-gc"] || c.Disabled["long-pause"] {
		t.Errorf("disabled %v", c.Disabled)
	}
}

func TestAnalyzeUsageErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.conf")
	os.WriteFile(bad, []byte("window = 10s\nthis line has no equals sign\n"), 0o644)
	unknown := filepath.Join(dir, "unknown.conf")
	os.WriteFile(unknown, []byte("\nno-such.threshold = 3\n"), 0o644)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"analyze", "--format", "xml"}, `unknown format "xml"`},
		{[]string{"analyze", "--rules", "nosuch"}, `unknown rule "nosuch"`},
		{[]string{"analyze", "--set", "long-pause.warning"}, "NAME=VALUE"},
		{[]string{"analyze", "--set", "long-pause.warning=soon"}, "long-pause.warning"},
		{[]string{"analyze", "--config", filepath.Join(dir, "none.conf")}, "cannot read config file"},
		{[]string{"analyze", "--config", bad}, "bad.conf:2: want NAME = VALUE"},
		{[]string{"analyze", "--config", unknown}, "unknown.conf:2: unknown threshold"},
		{[]string{"analyze", "--pprof", "ftp://x"}, "--pprof"},
		{[]string{"rules", "--format", "csv"}, `unknown format "csv"`},
		{[]string{"rules", "extra"}, "unknown command"},
	} {
		r := runGctrace(t, mixedTrace, tc.args...)
		if r.code != exitError || !strings.Contains(r.stderr, tc.want) || !strings.HasPrefix(r.stderr, "gctrace: ") {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
}

// TestHelp keeps the commands' help honest: every example names the
// command, and the help runs.
func TestHelp(t *testing.T) {
	root := newRootCmd(&streams{})
	for _, name := range []string{"analyze", "check", "run", "rules"} {
		cmd, _, err := root.Find([]string{name})
		if err != nil || cmd.Name() != name {
			t.Fatalf("%s not registered: %v", name, err)
		}
		if cmd.Long == "" || cmd.Example == "" {
			t.Errorf("%s: no Long or Example", name)
		}
		for _, ex := range strings.Split(cmd.Example, "\n") {
			if !strings.Contains(ex, "gctrace "+name) {
				t.Errorf("%s: example %q does not use it", name, ex)
			}
		}
		r := runGctrace(t, "", name, "--help")
		if r.code != 0 || !strings.Contains(r.stdout, "Usage:") {
			t.Errorf("%s --help: %+v", name, r)
		}
	}
}
