package metrics

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/parser"
)

// TestPrometheusScrapes has a real Prometheus server scrape the series of
// a real bomb run and checks, through its query API, that what it stored
// agrees with the report.
func TestPrometheusScrapes(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the bomb and a Prometheus server for about 15s")
	}
	prom, err := exec.LookPath("prometheus")
	if err != nil {
		t.Skip("prometheus not installed (apt-get install -y prometheus; .ci/run does it)")
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

	promAddr := freeAddr(t)
	cfg := filepath.Join(dir, "prometheus.yml")
	writeFile(t, cfg, fmt.Sprintf(`global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: gctrace
    static_configs:
      - targets: [%q]
`, ln.Addr().String()))
	server := exec.CommandContext(ctx, prom, "--config.file="+cfg, "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+promAddr, "--enable-feature=native-histograms")
	logf, err := os.Create(filepath.Join(dir, "prometheus.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	server.Stdout, server.Stderr = logf, logf
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = server.Process.Kill()
		_ = server.Wait()
		if t.Failed() {
			log, _ := os.ReadFile(logf.Name())
			t.Logf("prometheus log:\n%s", log)
		}
	}()

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

	// Two scrapes after the end, so the stored values are the final ones.
	api := "http://" + promAddr
	for {
		if ts, ok := query(ctx, api, "timestamp(gctrace_gc_cycles_total)"); ok && ts > float64(done.Add(time.Second).UnixMilli())/1000 {
			break
		}
		if ctx.Err() != nil {
			t.Fatal("Prometheus did not scrape the series twice after the run ended")
		}
		time.Sleep(200 * time.Millisecond)
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
		got, ok := query(ctx, api, q)
		if !ok || got != want {
			t.Errorf("Prometheus says %s = %v (found %v), the report %v", q, got, ok, want)
		}
	}
}

// query asks Prometheus for an instant vector of one sample.
func query(ctx context.Context, api, q string) (float64, bool) {
	req, err := http.NewRequestWithContext(ctx, "GET", api+"/api/v1/query?query="+url.QueryEscape(q), nil)
	if err != nil {
		return 0, false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, false
	}
	defer resp.Body.Close()
	var body struct {
		Status string
		Data   struct {
			Result []struct {
				Value [2]any
			}
		}
	}
	if json.NewDecoder(resp.Body).Decode(&body) != nil || body.Status != "success" || len(body.Data.Result) != 1 {
		return 0, false
	}
	s, _ := body.Data.Result[0].Value[1].(string)
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil
}

// freeAddr returns a loopback address with a port free a moment ago.
func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func writeFile(t *testing.T, name, text string) {
	if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
