package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var diffFormats = []struct{ name, ext string }{{"text", "txt"}, {"markdown", "md"}, {"json", "json"}, {"github", "github"}}

// healthy vs GOGC=50: the command's every format, against golden files.
func TestDiffGolden(t *testing.T) {
	old, new := tracePath(t, "diff/healthy-1.log"), tracePath(t, "diff/healthy-gogc50.log")
	for _, f := range diffFormats {
		t.Run(f.ext, func(t *testing.T) {
			r := runGctrace(t, "", "diff", "--format", f.name, old, new)
			if r.code != exitOK {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			checkGolden(t, filepath.Join("diff", "gogc50."+f.ext), r.stdout)
			checkGolden(t, filepath.Join("diff", "gogc50."+f.ext+".stderr"), r.stderr)
		})
	}
}

// A go test log: processes paired by package, the rest in order.
func TestDiffGoTestGolden(t *testing.T) {
	r := runGctrace(t, "", "diff", tracePath(t, "diff/gotest-1.log"), tracePath(t, "diff/gotest-2.log"))
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	checkGolden(t, filepath.Join("diff", "gotest.txt"), r.stdout)
}

func TestDiffJSONShape(t *testing.T) {
	r := runGctrace(t, "", "diff", "--format", "json", tracePath(t, "diff/healthy-1.log"), tracePath(t, "diff/healthy-gogc50.log"))
	var doc struct {
		Version int `json:"version"`
		Pairs   []struct {
			Metrics []struct {
				Metric      string   `json:"metric"`
				Delta       *float64 `json:"delta"`
				DeltaLo     *float64 `json:"delta_lo"`
				P           *float64 `json:"p"`
				Significant bool     `json:"significant"`
				Change      string   `json:"change"`
			} `json:"metrics"`
		} `json:"pairs"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != 1 || len(doc.Pairs) != 1 {
		t.Fatalf("version %d, %d pairs", doc.Version, len(doc.Pairs))
	}
	worse := map[string]bool{}
	for _, m := range doc.Pairs[0].Metrics {
		if m.Change == "worse" {
			worse[m.Metric] = true
		}
		if m.Metric == "gc-rate" || m.Metric == "gc-cpu" {
			if m.P == nil || *m.P > 0.05 || m.Delta == nil || m.DeltaLo == nil || *m.DeltaLo <= 0 {
				t.Errorf("%s worse without a significant delta and interval: %+v", m.Metric, m)
			}
		}
	}
	if !worse["gc-rate"] || !worse["gc-cpu"] {
		t.Errorf("worse: %v, want gc-rate and gc-cpu", worse)
	}
}

// One side may be standard input.
func TestDiffStdin(t *testing.T) {
	b, err := os.ReadFile(tracePath(t, "diff/healthy-gogc50.log"))
	if err != nil {
		t.Fatal(err)
	}
	r := runGctrace(t, string(b), "diff", tracePath(t, "diff/healthy-1.log"), "-")
	if r.code != exitOK || !strings.Contains(r.stdout, "new: -\n") || !strings.Contains(r.stdout, "+101.43%") {
		t.Errorf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestCheckBaselineGolden(t *testing.T) {
	inputs := []struct {
		name, old, new string
		args           []string
		code           int
	}{
		// GOGC=50: GC CPU up by more than the 10% allowed.
		{"gogc50", "diff/healthy-1.log", "diff/healthy-gogc50.log", nil, exitFailed},
		// The cycle rate gated too, and GC CPU allowed to double.
		{"gogc50-rate", "diff/healthy-1.log", "diff/healthy-gogc50.log", []string{"--max-regression", "gc-cpu=100%,gc-rate=50%"}, exitFailed},
		// Two runs of one scenario pass.
		{"same", "diff/healthy-1.log", "diff/healthy-2.log", nil, exitOK},
		// A budget on the new trace is judged beside the regressions.
		{"same-budget", "diff/healthy-1.log", "diff/healthy-2.log", []string{"--max-pause", "1ms"}, exitFailed},
	}
	for _, in := range inputs {
		for _, f := range checkFormats {
			if f.name == "junit" {
				continue
			}
			t.Run(in.name+"."+f.ext, func(t *testing.T) {
				args := append([]string{"check", "--format", f.name, "--baseline", tracePath(t, in.old)}, in.args...)
				r := runGctrace(t, "", append(args, tracePath(t, in.new))...)
				if r.code != in.code {
					t.Fatalf("exit %d, want %d: %s", r.code, in.code, r.stderr)
				}
				checkGolden(t, filepath.Join("check", "baseline-"+in.name+"."+f.ext), r.stdout)
				checkGolden(t, filepath.Join("check", "baseline-"+in.name+"."+f.ext+".stderr"), r.stderr)
			})
		}
	}
}

// The false-positive test of the gate: ten pairs of short identical runs
// of one scenario, none failing.
func TestCheckBaselineSameRuns(t *testing.T) {
	for i := 1; i <= 10; i++ {
		old, new := tracePath(t, fmt.Sprintf("diff/same/%02d-old.log", i)), tracePath(t, fmt.Sprintf("diff/same/%02d-new.log", i))
		if r := runGctrace(t, "", "check", "--baseline", old, new); r.code != exitOK {
			t.Errorf("pair %02d: exit %d\n%s%s", i, r.code, r.stdout, r.stderr)
		}
	}
}

func TestDiffUsageErrors(t *testing.T) {
	trace := tracePath(t, "diff/healthy-1.log")
	text := filepath.Join(t.TempDir(), "notrace.log")
	if err := os.WriteFile(text, []byte("hello\nworld\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"diff", trace}, "accepts 2 arg(s)"},
		{[]string{"diff", "-", "-"}, "only one of OLD and NEW"},
		{[]string{"diff", "--format", "xml", trace, trace}, `unknown format "xml"`},
		{[]string{"diff", "--match", "1", trace, trace}, "want OLD=NEW process ids"},
		{[]string{"diff", "--match", "1=9", trace, trace}, "the new trace has no process 9"},
		{[]string{"diff", "--window", "0s", trace, trace}, "--window must be positive"},
		{[]string{"diff", trace, "nosuch.log"}, "cannot read nosuch.log"},
		{[]string{"diff", text, trace}, text + ": no GC trace found"},
		{[]string{"check", "--max-regression", "gc-cpu=5%", trace}, "--max-regression needs --baseline"},
		{[]string{"check", "--baseline", trace, "--max-regression", "peak-heap=5%", trace}, `cannot gate on "peak-heap"`},
		{[]string{"check", "--baseline", trace, "--format", "junit", trace}, "--format junit does not go with --baseline"},
		{[]string{"check", "--baseline", trace, trace, trace}, "compares one NEW trace"},
	} {
		r := runGctrace(t, "", c.args...)
		if r.code != exitError || !strings.HasPrefix(r.stderr, "gctrace: ") || !strings.Contains(r.stderr, c.msg) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, r.code, r.stderr, c.msg)
		}
	}
}

// check --help lists the metrics a gate can judge, as the package has them.
func TestCheckHelpListsGateable(t *testing.T) {
	r := runGctrace(t, "", "check", "--help")
	flat := strings.Join(strings.Fields(r.stdout), " ")
	want := "metrics: gc-rate, gc-cpu, pause-p50, pause-p95, pause-p99, alloc-rate, live-heap, assist)"
	if !strings.Contains(flat, want) {
		t.Errorf("check --help does not say %q", want)
	}
}

// The false-positive test on fresh runs: five pairs of short identical
// runs of the bomb's dog pass the default gate; the dog called four times
// as often, as a control, fails it.
func TestCheckBaselineFreshRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the bomb for 24s")
	}
	bin := buildGctrace(t)
	dir := t.TempDir()
	trace := func(name, interval string) string {
		path := filepath.Join(dir, name)
		cmd := exec.Command(bin, "bomb", "--scenario", "dog", "--duration", "2s", "--interval", interval, "--pprof", "")
		cmd.Env = append(os.Environ(), "GODEBUG=gctrace=1", "GOMAXPROCS=2", "GOGC=100")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("bomb: %v\n%s", err, out)
		}
		if err := os.WriteFile(path, out, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	for i := 1; i <= 5; i++ {
		old, new := trace(fmt.Sprintf("%d-old.log", i), "100ms"), trace(fmt.Sprintf("%d-new.log", i), "100ms")
		if r := runGctrace(t, "", "check", "--baseline", old, new); r.code != exitOK {
			t.Errorf("pair %d: exit %d\n%s%s", i, r.code, r.stdout, r.stderr)
		}
	}
	old, new := trace("slow.log", "100ms"), trace("fast.log", "25ms")
	r := runGctrace(t, "", "check", "--baseline", old, new)
	if r.code != exitFailed || !strings.Contains(r.stdout, "error: regression: alloc-rate: allocation rate +") {
		t.Errorf("four times the allocation rate: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
