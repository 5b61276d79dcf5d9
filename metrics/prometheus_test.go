package metrics

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/internal/promtest"
	"github.com/gctrace/gctrace/parser"
)

// TestPrometheusScrapes has a real Prometheus server scrape the series of
// a real bomb run and checks, through its query API, that what it stored
// agrees with the report.
func TestPrometheusScrapes(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the bomb and a Prometheus server for about 15s")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	dir := t.TempDir()

	bomb := filepath.Join(dir, "bomb")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bomb, "../bomb").CombinedOutput(); err != nil {
		t.Fatalf("building the bomb: %v\n%s", err, out)
	}

	e, err := New(Options{Labels: []Label{{"service", "bomb"}}})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", e.Handler())
	srv := &http.Server{Handler: mux}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	prom := promtest.Start(t, ln.Addr().String())

	// The bomb's dog churns memory: alloc-churn fires after a few seconds.
	run := exec.CommandContext(ctx, bomb, "-scenario", "dog", "-duration", "8s", "-pprof", "")
	run.Env = append(os.Environ(), "GODEBUG=gctrace=1")
	stderr, err := run.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	an := analyze.New(analyze.DefaultConfig(), e.Finding)
	r := parser.NewReader(stderr, "stderr")
	for r.Scan() {
		an.Add(r.Record())
		e.Record(r.Record())
	}
	if err := run.Wait(); err != nil {
		t.Fatalf("bomb: %v", err)
	}
	rep := an.Report()
	e.Done(rep, false)
	done := time.Now()

	if err := prom.WaitScrapedAfter(ctx, "gctrace_gc_cycles_total", done); err != nil {
		t.Fatal(err)
	}
	if len(rep.Processes) != 1 {
		t.Fatalf("report has %d processes, want the bomb's one", len(rep.Processes))
	}
	churn := 0
	for _, f := range rep.Findings {
		if f.Rule == analyze.RuleAllocChurn {
			churn++
		}
	}
	if churn == 0 {
		t.Fatalf("the report has no alloc-churn finding: %+v", rep.Findings)
	}
	for q, want := range map[string]float64{
		`gctrace_gc_cycles_total{process="1",service="bomb"}`:                       float64(rep.Processes[0].Cycles),
		`gctrace_findings_total{rule="alloc-churn",process="1",severity="warning"}`: float64(churn),
		`histogram_count(gctrace_gc_pause_duration_seconds)`:                        float64(rep.Processes[0].Cycles),
	} {
		got, ok := prom.Query(ctx, q)
		if !ok || got != want {
			t.Errorf("Prometheus says %s = %v (found %v), the report %v", q, got, ok, want)
		}
	}
}
