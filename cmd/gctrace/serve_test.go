package main

import (
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestServeShared: --http and --metrics on the same address are one
// server, the page at / and the series at /metrics, both up until Ctrl-C
// once the input has ended.
func TestServeShared(t *testing.T) {
	if testing.Short() {
		t.Skip("builds gctrace")
	}
	if runtime.GOOS == "windows" {
		t.Skip("signals")
	}
	gctrace := buildGctrace(t)
	cmd := exec.Command(gctrace, "analyze", "--http", "127.0.0.1:0", "--metrics", "127.0.0.1:0", "--label", "service=api",
		filepath.Join("..", "..", "testdata", "bomb", "dog.log"))
	out := startWatched(t, cmd)
	m := out.waitForMatch(t, regexp.MustCompile(`^gctrace: live page at (http://127\.0\.0\.1:\d+/), metrics at (http://127\.0\.0\.1:\d+/metrics)\n$`))
	page, metricsURL := m[1], m[2]
	if metricsURL != page+"metrics" {
		t.Fatalf("the page at %s and the metrics at %s are not one server", page, metricsURL)
	}
	out.waitForMatch(t, regexp.MustCompile(`^gctrace: the input has ended; the live page at `+regexp.QuoteMeta(page)+` keeps the final state until Ctrl-C\n$`))
	for url, want := range map[string]string{
		page:       "<html",
		metricsURL: `gctrace_gc_cycles_total{process="1",service="api"} 46` + "\n",
	} {
		body := get(t, url)
		if !strings.Contains(body, want) {
			t.Errorf("%s lacks %q:\n%.600s", url, want, body)
		}
	}
	cmd.Process.Signal(os.Interrupt)
	if err := out.wait(t, 10*time.Second); err != nil {
		t.Errorf("exit: %v, want 0 after Ctrl-C", err)
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %v", url, resp.Status, err)
	}
	return string(b)
}

// TestServeClash: one port asked for on two hosts is said before anything
// is read, and so is a port taken.
func TestServeClash(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	busy := ln.Addr().String()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"analyze", "--http", ":18123", "--metrics", "0.0.0.0:18123"},
			"--http :18123 and --metrics 0.0.0.0:18123 ask for port 18123 on 127.0.0.1 and 0.0.0.0: give both the same address"},
		{[]string{"run", "--http", "8124", "--metrics", ":8124", "--", "true"},
			"--http 8124 and --metrics :8124 ask for port 8124 on 127.0.0.1 and every interface"},
		{[]string{"analyze", "--metrics", busy}, "cannot serve metrics on " + busy + ": bind: address already in use"},
		{[]string{"analyze", "--http", busy, "--metrics", busy}, "cannot serve the live page and metrics on " + busy + ": bind: address already in use"},
	} {
		r := runGctrace(t, "gc 1 @0.016s 0%: 0.22+0.32+0.005 ms clock, 0.44+0/0.19/0.27+0.010 ms cpu, 3->3->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n", c.args...)
		if r.code != exitError || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", c.args, r.code, r.stderr, exitError, c.want)
		}
	}
}
