package main

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/engine"
	"github.com/gctrace/gctrace/report"
)

var checkFormats = []struct{ name, ext string }{{"text", "txt"}, {"json", "json"}, {"github", "github"}, {"junit", "xml"}}

func TestCheckGolden(t *testing.T) {
	inputs := []struct {
		name  string
		trace string // a path under testdata/, or "" for mixedTrace on stdin
		args  []string
		code  int
	}{
		// Every budget broken, and the rule findings below the gate.
		{"dog", "bomb/dog.log", []string{"--max-pause", "0.2ms", "--max-heap", "3", "--max-gc-rate", "2", "--max-gc-cpu", "0.01%", "--max-alloc-rate", "1MiB/s"}, exitFailed},
		// A rule at its error level fails the gate by itself; a rule turned off is skipped.
		{"mixed", "", []string{"--rules", "-forced-gc"}, exitFailed},
		// Warnings do not fail the default gate.
		{"assist-pass", "bomb/assist.log", []string{"--rules", "-high-gc-cpu"}, exitOK},
	}
	for _, in := range inputs {
		for _, f := range checkFormats {
			t.Run(in.name+"."+f.ext, func(t *testing.T) {
				args := append([]string{"check", "--format", f.name}, in.args...)
				stdin := ""
				if in.trace == "" {
					stdin = mixedTrace
				} else {
					args = append(args, tracePath(t, in.trace))
				}
				r := runGctrace(t, stdin, args...)
				if r.code != in.code {
					t.Fatalf("exit %d, want %d: %s", r.code, in.code, r.stderr)
				}
				checkGolden(t, filepath.Join("check", in.name+"."+f.ext), r.stdout)
				checkGolden(t, filepath.Join("check", in.name+"."+f.ext+".stderr"), r.stderr)
			})
		}
	}
}

func TestCheckPassthrough(t *testing.T) {
	r := runGctrace(t, mixedTrace, "check", "--passthrough", "--format", "junit")
	if !strings.HasPrefix(r.stderr, "app: starting\napp: serving\napp: restarting\napp: done\ngctrace: check failed") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
	if !strings.HasPrefix(r.stdout, "<?xml") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
}

// The JUnit XML that TestCheckJUnitIsXML reads back: the parts CI systems
// read.
type (
	junitSuites struct {
		Failures int          `xml:"failures,attr"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Tests    int         `xml:"tests,attr"`
		Failures int         `xml:"failures,attr"`
		Skipped  int         `xml:"skipped,attr"`
		Cases    []junitCase `xml:"testcase"`
	}
	junitCase struct {
		Name    string `xml:"name,attr"`
		Failure *struct {
			Text string `xml:",chardata"`
		} `xml:"failure"`
		Skipped *struct{} `xml:"skipped"`
		Out     string    `xml:"system-out"`
	}
)

func TestCheckJUnitIsXML(t *testing.T) {
	r := runGctrace(t, mixedTrace, "check", "--format", "junit", "--max-pause", "1ms", "--rules", "-periodic-gc")
	var doc junitSuites
	if err := xml.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("not XML: %v\n%s", err, r.stdout)
	}
	if len(doc.Suites) != 1 {
		t.Fatalf("%d suites, want 1", len(doc.Suites))
	}
	s := doc.Suites[0]
	byName := map[string]junitCase{}
	for _, c := range s.Cases {
		byName[c.Name] = c
	}
	if len(s.Cases) != len(engine.RuleIDs())+1 || s.Tests != len(s.Cases) {
		t.Errorf("%d cases (tests=%d), want one per rule and one budget", len(s.Cases), s.Tests)
	}
	if c := byName["budget-pause"]; c.Failure == nil || !strings.Contains(c.Failure.Text, "-:5: error: budget-pause:") {
		t.Errorf("budget-pause: %+v", c)
	}
	if c := byName["long-pause"]; c.Failure == nil {
		t.Errorf("long-pause should fail: %+v", c)
	}
	if c := byName["periodic-gc"]; c.Skipped == nil {
		t.Errorf("periodic-gc should be skipped: %+v", c)
	}
	if c := byName["unparsed-lines"]; c.Failure != nil || !strings.Contains(c.Out, "warning: unparsed-lines") {
		t.Errorf("unparsed-lines should pass with output: %+v", c)
	}
	if s.Failures != 2 || s.Skipped != 1 || doc.Failures != 2 {
		t.Errorf("failures %d (%d), skipped %d", s.Failures, doc.Failures, s.Skipped)
	}
}

func TestCheckJSONVerdict(t *testing.T) {
	r := runGctrace(t, mixedTrace, "check", "--format", "json", "--max-heap", "4MiB", "--fail-on", "warning")
	if r.code != exitFailed {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var doc struct {
		Pass     bool              `json:"pass"`
		FailOn   string            `json:"fail_on"`
		Budgets  map[string]string `json:"budgets"`
		Failures int               `json:"failures"`
		Findings []analyze.Finding `json:"findings"`
		Version  int               `json:"version"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Pass || doc.FailOn != "warning" || doc.Budgets["max-heap"] != "4MiB" || doc.Version != 1 {
		t.Errorf("verdict %+v", doc)
	}
	heap := 0
	for _, f := range doc.Findings {
		if f.Rule == "budget-heap" {
			heap++
			if f.Severity != analyze.Error || f.FirstLine != 5 || f.Process != 1 {
				t.Errorf("budget-heap finding %+v", f)
			}
		}
	}
	if heap != 1 || doc.Failures != 3 {
		t.Errorf("%d budget-heap findings, %d failures; want 1 and 3:\n%s", heap, doc.Failures, r.stdout)
	}
}

func TestCheckExitCodes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
		code  int
		err   string
	}{
		{"pass", mixedTrace, []string{"--rules", "-long-pause"}, exitOK, "gctrace: check passed: 6 GC cycles in 2 processes; 2 findings below error\n"},
		{"rule error", mixedTrace, nil, exitFailed, "gctrace: check failed: 1 finding at or above error (long-pause)\n"},
		{"fail-on info", mixedTrace, []string{"--fail-on", "info", "--rules", "periodic-gc"}, exitFailed, "(periodic-gc)"},
		{"pause budget", mixedTrace, []string{"--rules", "-long-pause", "--max-pause", "10ms"}, exitFailed, "(budget-pause)"},
		{"pause budget met", mixedTrace, []string{"--rules", "-long-pause", "--max-pause", "200ms"}, exitOK, "check passed"},
		{"empty", "", nil, exitError, "no GC trace found: the input is empty"},
		{"no trace", "hello\n", nil, exitError, "GODEBUG=gctrace=1"},
		{"bad budget", mixedTrace, []string{"--max-pause", "soon"}, exitError, "max-pause: want a duration"},
		{"bad size", mixedTrace, []string{"--max-heap", "lots"}, exitError, "want a size"},
		{"bad severity", mixedTrace, []string{"--fail-on", "fatal"}, exitError, "unknown severity"},
		{"bad format", mixedTrace, []string{"--format", "sarif"}, exitError, `unknown format "sarif"`},
	} {
		r := runGctrace(t, tc.stdin, append([]string{"check"}, tc.args...)...)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.err) {
			t.Errorf("%s: exit %d, stderr %q; want %d and %q", tc.name, r.code, r.stderr, tc.code, tc.err)
		}
	}
}

// TestCheckRates checks the budgets judged over a whole run, and that a
// process shorter than a second is left alone.
func TestCheckRates(t *testing.T) {
	r := runGctrace(t, mixedTrace, "check", "--rules", "-long-pause", "--max-gc-rate", "0.5", "--max-gc-cpu", "5", "--max-alloc-rate", "0.01")
	if r.code != exitFailed {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{
		"-:2: error: budget-alloc-rate: allocated 0 MiB/s over the run (120.3s, 4 cycles), over the 10.24 KiB/s budget (--max-alloc-rate)",
		"-:10: error: budget-gc-cpu: GC used 10.1% of CPU over the run (1.5s, 2 cycles), over the 5% budget (--max-gc-cpu)",
		"-:10: error: budget-gc-rate: 0.7 GC cycles per second over the run (1.5s, 2 cycles), over the 0.5/s budget (--max-gc-rate)",
	} {
		if !strings.Contains(r.stdout, want+"\n") {
			t.Errorf("missing %q in\n%s", want, r.stdout)
		}
	}
	short := "gc 1 @0.010s 1%: 0.020+0.50+0.010 ms clock, 0.080+0.10/0.40/0.20+0.040 ms cpu, 3->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 4 P\n" +
		"gc 2 @0.050s 90%: 0.030+0.60+0.012 ms clock, 0.12+0.10/0.50/0.10+0.048 ms cpu, 3->4->2 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 4 P\n"
	r = runGctrace(t, short, "check", "--max-gc-rate", "1")
	if r.code != exitOK || !strings.Contains(r.stdout, "note: 1 process ran under 1s") {
		t.Errorf("short process: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestCheckConfigFile(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "gctrace.conf")
	if err := os.WriteFile(conf, []byte(`# budgets
max-pause = 1ms
max-heap = 2GiB
fail-on = warning
rules = -periodic-gc, -unparsed-lines
long-pause.warning = 2ms
`), 0o644); err != nil {
		t.Fatal(err)
	}
	var got *checkOptions
	cmd := newCmdCheck(&streams{}, func(o *checkOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--config", conf, "--max-pause", "5ms", "--max-gc-cpu", "10%", "--format", "github", "run.log"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	b := got.Budgets
	if b.Pause != 5*time.Millisecond || b.Heap != 2<<30 || b.GCCPU != 10 || b.FailOn != analyze.Warning || b.GCRate >= 0 || b.AllocRate >= 0 {
		t.Errorf("budgets %+v", b)
	}
	c := got.Analysis.Config
	if c.LongPauseWarning != 2*time.Millisecond || !c.Disabled["periodic-gc"] || !c.Disabled["unparsed-lines"] {
		t.Errorf("config %+v", c)
	}
	if got.Format != report.CheckGitHub || strings.Join(got.Args, ",") != "run.log" {
		t.Errorf("options %+v", got)
	}

	// The same file through the command: the gate follows it.
	r := runGctrace(t, mixedTrace, "check", "--config", conf)
	if r.code != exitFailed || !strings.Contains(r.stdout, "error: budget-pause:") || strings.Contains(r.stdout, "periodic-gc") {
		t.Errorf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestBudgetParsing(t *testing.T) {
	for _, tc := range []struct {
		key, value string
		check      func(b *budgets) bool
	}{
		{keyMaxHeap, "512", func(b *budgets) bool { return b.Heap == 512<<20 }},
		{keyMaxHeap, "512MiB", func(b *budgets) bool { return b.Heap == 512<<20 }},
		{keyMaxHeap, "1.5GiB", func(b *budgets) bool { return b.Heap == 3<<29 }},
		{keyMaxHeap, "64 KB", func(b *budgets) bool { return b.Heap == 64<<10 }},
		{keyMaxAllocRate, "100", func(b *budgets) bool { return b.AllocRate == 100<<20 }},
		{keyMaxAllocRate, "1GiB/s", func(b *budgets) bool { return b.AllocRate == 1<<30 }},
		{keyMaxGCCPU, "12.5%", func(b *budgets) bool { return b.GCCPU == 12.5 }},
		{keyMaxGCRate, "20/s", func(b *budgets) bool { return b.GCRate == 20 }},
		{keyMaxPause, "500us", func(b *budgets) bool { return b.Pause == 500*time.Microsecond }},
		{keyFailOn, "WARN", func(b *budgets) bool { return b.FailOn == analyze.Warning }},
	} {
		b := noBudgets()
		if err := b.set(tc.key, tc.value); err != nil || !tc.check(&b) {
			t.Errorf("%s %q: %v %+v", tc.key, tc.value, err, b)
		}
	}
	for _, tc := range [][2]string{{keyMaxHeap, "-1"}, {keyMaxHeap, "NaN"}, {keyMaxPause, "-5ms"}, {keyMaxGCCPU, "x%"}, {keyMaxAllocRate, "fast"}, {"max-nothing", "1"}} {
		b := noBudgets()
		if err := b.set(tc[0], tc[1]); err == nil {
			t.Errorf("%s %q: no error", tc[0], tc[1])
		}
	}
}
