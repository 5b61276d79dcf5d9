package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/internal/promtest"
)

// TestRunMetricsPrometheus has a real Prometheus server scrape gctrace run
// --metrics around the bomb's dog, and checks through Prometheus's query
// API that the stored series agree with the report. --metrics-linger keeps
// the endpoint up for the scrape after the end.
func TestRunMetricsPrometheus(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the bomb and a Prometheus server for about 15s")
	}
	if _, err := exec.LookPath("prometheus"); err != nil {
		t.Skip("prometheus not installed (apt-get install -y prometheus; .ci/run does it)")
	}
	bomb := goBuild(t, filepath.Join("..", ".."), "bomb", "./bomb")
	addr := promtest.FreeAddr(t)
	prom := promtest.Start(t, addr)
	report := filepath.Join(t.TempDir(), "report.json")
	r := runGctrace(t, "", "run", "--quiet-gc", "--format", "json", "-o", report,
		"--metrics", addr, "--label", "service=api", "--metrics-linger", "30s", "--",
		bomb, "--scenario", "dog", "--duration", "8s", "--pprof", "")
	if r.code != 0 {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	raw, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var rep analyze.Report
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	churn := 0
	for _, f := range rep.Findings {
		if f.Rule == analyze.RuleAllocChurn {
			churn++
		}
	}
	if len(rep.Processes) != 1 || churn == 0 {
		t.Fatalf("the report has %d processes and %d alloc-churn findings, want 1 and some", len(rep.Processes), churn)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	for series, want := range map[string]float64{
		`gctrace_gc_cycles_total{process="1",service="api"}`: float64(rep.Processes[0].Cycles),
		`gctrace_findings_total{rule="alloc-churn"}`:         float64(churn),
	} {
		// gctrace has exited: the scrape after its last one marks the
		// series stale, and an instant query then finds nothing. The
		// last sample stored is what the final scrape saw.
		q := "last_over_time(" + series + "[5m])"
		// The final scrape is stored as it completes: allow it a moment.
		var got float64
		var ok bool
		for ctx.Err() == nil {
			if got, ok = prom.Query(ctx, q); ok && got == want {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		if !ok || got != want {
			t.Errorf("Prometheus says %s = %v (found %v), the report %v", q, got, ok, want)
		}
	}
}

// TestMetricsEndpoint checks what curl sees during a run, and that
// promtool's linter accepts it.
func TestMetricsEndpoint(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the bomb for 4s")
	}
	bomb := goBuild(t, filepath.Join("..", ".."), "bomb", "./bomb")
	addr := promtest.FreeAddr(t)
	body := make(chan string, 1)
	go func() {
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			time.Sleep(500 * time.Millisecond)
			resp, err := http.Get("http://" + addr + "/metrics")
			if err != nil {
				continue
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if strings.Contains(string(b), "gctrace_gc_cycles_total{") {
				body <- string(b)
				return
			}
		}
		body <- ""
	}()
	r := runGctrace(t, "", "run", "--quiet-gc", "--metrics", addr, "--", bomb, "--scenario", "dog", "--duration", "4s", "--pprof", "")
	if r.code != 0 {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	text := <-body
	if text == "" {
		t.Fatal("no series served during the run")
	}
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool not installed")
	}
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = strings.NewReader(text)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
}

func TestMetricsFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "--label", "service=api", "--", "true"}, "--label needs --metrics ADDR"},
		{[]string{"run", "--metrics", "127.0.0.1:0", "--label", "process=x", "--", "true"}, "set by gctrace"},
		{[]string{"analyze", "--metrics", "127.0.0.1:0", "--metrics-max-processes", "0"}, "at least 1"},
	} {
		r := runGctrace(t, "", c.args...)
		if r.code != exitError || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", c.args, r.code, r.stderr, exitError, c.want)
		}
	}
}

func TestExportOpenMetrics(t *testing.T) {
	r := runGctrace(t, "", "export", "--format", "openmetrics", "--label", "service=api", filepath.Join("..", "..", "testdata", "bomb", "dog.log"))
	if r.code != 0 {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	for _, want := range []string{"# TYPE gctrace_gc_cycles counter\n", `gctrace_gc_cycles_total{process="1",service="api"} 46.0 `, `gctrace_findings_total{process="1",rule="alloc-churn",service="api",severity="warning"} 1.0 `} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("export lacks %q:\n%s", want, r.stdout)
		}
	}
	if !strings.HasSuffix(r.stdout, "# EOF\n") {
		t.Errorf("export does not end in # EOF")
	}
}

// TestExportPrometheus checks the textfile collector's format with promtool.
func TestExportPrometheus(t *testing.T) {
	r := runGctrace(t, "", "export", "--format", "prometheus", filepath.Join("..", "..", "testdata", "bomb", "dog.log"))
	if r.code != 0 || !strings.Contains(r.stdout, "gctrace_gc_cycles_total{process=\"1\"} 46\n") {
		t.Fatalf("exit %d, stdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool not installed")
	}
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = strings.NewReader(r.stdout)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
}
