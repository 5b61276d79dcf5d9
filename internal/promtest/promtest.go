// Package promtest runs a real Prometheus server on loopback for tests.
package promtest

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
)

// Server is a Prometheus server scraping one target every two seconds.
type Server struct {
	API string // base URL of the HTTP API
}

// Start runs prometheus with its storage in a temporary directory, scraping
// target (host:port, path /metrics) every two seconds (a busy machine may
// take more than one to answer), with native histograms on, and waits
// until it is ready. It skips the test when prometheus is not installed, and kills the
// server when the test ends (showing its log if the test failed).
func Start(t *testing.T, target string) *Server {
	t.Helper()
	prom, err := exec.LookPath("prometheus")
	if err != nil {
		t.Skip("prometheus not installed (apt-get install -y prometheus; .ci/run does it)")
	}
	dir := t.TempDir()
	addr := FreeAddr(t)
	cfg := filepath.Join(dir, "prometheus.yml")
	conf := fmt.Sprintf("global:\n  scrape_interval: 2s\n  scrape_timeout: 2s\nscrape_configs:\n  - job_name: gctrace\n    static_configs:\n      - targets: [%q]\n", target)
	if err := os.WriteFile(cfg, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	logf, err := os.Create(filepath.Join(dir, "prometheus.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(prom, "--config.file="+cfg, "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr, "--enable-feature=native-histograms")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		logf.Close()
		if t.Failed() {
			log, _ := os.ReadFile(logf.Name())
			t.Logf("prometheus log:\n%s", log)
		}
	})
	srv := &Server{API: "http://" + addr}
	srv.waitReady(t)
	return srv
}

// waitReady waits until the server answers /-/ready, so that a busy
// machine's slow start does not eat the program's run: scrapes then begin
// with it.
func (s *Server) waitReady(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(s.API + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("prometheus was not ready after 60s")
}

// WaitScrapedAfter waits until the series has a sample taken a second or
// more after t: a scrape begun after t.
func (s *Server) WaitScrapedAfter(ctx context.Context, series string, t time.Time) error {
	for {
		if ts, ok := s.Query(ctx, "timestamp("+series+")"); ok && ts > float64(t.Add(time.Second).UnixMilli())/1000 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("prometheus did not scrape %s twice after %v", series, t.Format(time.TimeOnly))
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// Query asks the API for an instant vector of exactly one sample.
func (s *Server) Query(ctx context.Context, q string) (float64, bool) {
	req, err := http.NewRequestWithContext(ctx, "GET", s.API+"/api/v1/query?query="+url.QueryEscape(q), nil)
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
	v, ok := body.Data.Result[0].Value[1].(string)
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(v, 64)
	return f, err == nil
}

// FreeAddr returns a loopback address whose port was free a moment ago.
func FreeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}
