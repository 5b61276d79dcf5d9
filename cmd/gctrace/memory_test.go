package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/engine"
	"github.com/gctrace/gctrace/parser"
	"github.com/gctrace/gctrace/report"
)

// zooUsage is where the memory of the whole zoo went over 10 s, as a run
// of `gctrace bomb --pprof` gave it (TestZooWalkthrough makes such runs).
var zooUsage = analyze.MemoryUsage{
	Source: "http://127.0.0.1:6060/debug/pprof/", WindowS: 10.2, AllocatedMiB: 631.4, InuseGrowthMiB: 484.3,
	Allocators: []analyze.FuncUsage{
		{Func: "(*Mouse).Steal", Where: "bomb/zoo/mouse.go:28", AllocatedMiB: 485, AllocRateMiBPerS: 47.6, InuseGrowthMiB: 485, SharePercent: 76.8, AllocationBytes: 1 << 20},
		{Func: "(*Dog).Run", Where: "bomb/zoo/dog.go:30", AllocatedMiB: 146.4, AllocRateMiBPerS: 14.4, InuseGrowthMiB: 0.1, SharePercent: 23.2, AllocationBytes: 32 << 10},
	},
	Growth: []analyze.FuncUsage{
		{Func: "(*Mouse).Steal", Where: "bomb/zoo/mouse.go:28", AllocatedMiB: 485, AllocRateMiBPerS: 47.6, InuseGrowthMiB: 485, SharePercent: 100, AllocationBytes: 1 << 20},
	},
}

// TestMemoryGolden renders the report of the recorded zoo with the usage
// of its heap profile, in every format: the top allocators and the top
// in-use growth whichever rules fire, and the churn the profile shows
// under the mouse's hoard.
func TestMemoryGolden(t *testing.T) {
	path := tracePath(t, "bomb/animals.log")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	a := analyze.New(analyze.DefaultConfig(), nil)
	r := parser.NewReader(f, "animals.log")
	for r.Scan() {
		a.Add(r.Record())
	}
	if !a.AddUsage("", zooUsage) {
		t.Fatal("AddUsage found no process")
	}
	rep := a.Report()
	advice := map[string]string{}
	for _, r := range analyze.Rules() {
		advice[r.ID] = r.Advice
	}
	for i := range rep.Findings {
		if rep.Findings[i].Advice == "" {
			rep.Findings[i].Advice = advice[rep.Findings[i].Rule]
		}
	}
	res := &engine.Result{Report: rep}
	for _, tc := range []struct {
		f    report.Format
		name string
	}{{report.Text, "txt"}, {report.Markdown, "md"}, {report.JSON, "json"}} {
		var b bytes.Buffer
		if err := report.Write(&b, tc.f, res); err != nil {
			t.Fatal(err)
		}
		checkGolden(t, "analyze/animals-memory."+tc.name, b.String())
	}
}

// TestAnalyzePprofFile reads the usage from a saved profile: the
// allocations since the program started, given to the trace's process at
// the end, when it exists.
func TestAnalyzePprofFile(t *testing.T) {
	trace := tracePath(t, "bomb/dog.log")
	r := runGctrace(t, "", "analyze", "--pprof", "../../attribute/testdata/allocs.pb.gz", trace)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{
		"Where the memory goes: process 1, heap profile since the program started\n",
		"  top allocators (alloc_space)\n    (*Dog).Run ",
		"  top in-use growth (inuse_space)\n    (*Mouse).Steal ",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("report lacks %q:\n%s", want, r.stdout)
		}
	}
}
