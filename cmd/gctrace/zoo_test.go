package main

import (
	"bytes"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/gctrace/gctrace/analyze"
)

// TestZooWalkthrough runs the README's walkthrough on the whole zoo, all
// five animals in one process: the bomb with the GC trace on, piped into
// gctrace analyze --pprof on its endpoint. The mouse's hoard keeps the
// cycles rare and mostly live, which hides the dog's churn from the trace;
// the heap profile shows both.
func TestZooWalkthrough(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the zoo for 15 s")
	}
	bin := buildGctrace(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skip(err)
	}
	addr := l.Addr().String()
	l.Close()
	bomb := exec.Command(bin, "bomb", "--duration", "15s", "--pprof", addr)
	bomb.Env = withGCTrace(os.Environ())
	an := exec.Command(bin, "analyze", "--format", "json", "--pprof", "http://"+addr)
	pipe, err := bomb.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	an.Stdin = pipe
	var stdout, stderr bytes.Buffer
	an.Stdout, an.Stderr = &stdout, &stderr
	if err := an.Start(); err != nil {
		t.Fatal(err)
	}
	if err := bomb.Run(); err != nil {
		t.Fatalf("bomb: %v", err)
	}
	if err := an.Wait(); err != nil {
		t.Fatalf("analyze: %v\n%s", err, stderr.String())
	}
	var rep struct {
		Findings  []analyze.Finding
		Processes []analyze.ProcessReport
	}
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("%v\n%s", err, stdout.String())
	}
	culprit := map[string]string{}
	for _, f := range rep.Findings {
		culprit[f.Rule] = f.Message + " / " + f.Attribution
	}
	if c := culprit[analyze.RuleAllocChurn]; !strings.Contains(c, "(*Dog).Run") {
		t.Errorf("alloc-churn %q, want it on (*Dog).Run\nstderr:\n%s", c, stderr.String())
	}
	if c := culprit[analyze.RuleHeapDoubling]; !strings.Contains(c, "(*Mouse).Steal") {
		t.Errorf("heap-doubling %q, want it on (*Mouse).Steal\nstderr:\n%s", c, stderr.String())
	}
	if len(rep.Processes) != 1 || rep.Processes[0].Memory == nil {
		t.Fatalf("no memory usage in the report:\n%s", stdout.String())
	}
	m := rep.Processes[0].Memory
	top := func(fs []analyze.FuncUsage) string {
		var names []string
		for _, f := range fs {
			names = append(names, f.Func)
		}
		return strings.Join(names, " ")
	}
	if s := top(m.Allocators); !strings.Contains(s, "(*Mouse).Steal") || !strings.Contains(s, "(*Dog).Run") {
		t.Errorf("top allocators %q, want the mouse and the dog", s)
	}
	if len(m.Growth) == 0 || m.Growth[0].Func != "(*Mouse).Steal" {
		t.Errorf("top in-use growth %q, want the mouse first", top(m.Growth))
	}
	for _, f := range m.Allocators {
		if f.Func == "(*Dog).Run" && (f.AllocRateMiBPerS < 8 || f.AllocRateMiBPerS > 24 || f.KeptPercent() > 5) {
			t.Errorf("the dog %+v, want about 16 MiB/s, all garbage", f)
		}
	}
}
