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
	"syscall"
	"testing"
	"time"

	"github.com/gctrace/gctrace/internal/promtest"
)

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

// TestServe runs gctrace with --http and --metrics as a user does.
// --http and --metrics on the same address are one server, the page at /
// and the series at /metrics, both up until Ctrl-C once the input has
// ended. --metrics-linger waits for the scrape after the end, and Ctrl-C
// ends the wait; with --http a scrape while the page is served is the one
// waited for.
func TestServe(t *testing.T) {
	if testing.Short() {
		t.Skip("builds gctrace")
	}
	if runtime.GOOS == "windows" {
		t.Skip("signals")
	}
	gctrace := buildGctrace(t)
	dog := filepath.Join("..", "..", "testdata", "bomb", "dog.log")

	t.Run("one address, one server", func(t *testing.T) {
		cmd := exec.Command(gctrace, "analyze", "--http", "127.0.0.1:0", "--metrics", "127.0.0.1:0", "--label", "service=api", dog)
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
	})

	waiting := regexp.MustCompile(`^gctrace: waiting up to \d+[hms]\S* for Prometheus to scrape the final values at (http://127\.0\.0\.1:\d+/metrics) \(Ctrl-C ends the wait\)\n$`)
	ended := regexp.MustCompile(`^gctrace: the input has ended; the live page at (http://127\.0\.0\.1:\d+/) keeps the final state until Ctrl-C\n$`)

	t.Run("Ctrl-C ends the wait", func(t *testing.T) {
		cmd := exec.Command(gctrace, "analyze", "--metrics", "127.0.0.1:0", "--metrics-linger", "1m", dog)
		out := startWatched(t, cmd)
		out.waitForMatch(t, waiting)
		cmd.Process.Signal(os.Interrupt)
		if err := out.wait(t, 10*time.Second); err != nil {
			t.Errorf("exit: %v, want 0 once Ctrl-C ends the wait", err)
		}
	})

	t.Run("a scrape ends the wait", func(t *testing.T) {
		cmd := exec.Command(gctrace, "analyze", "--metrics", "127.0.0.1:0", "--metrics-linger", "1m", dog)
		out := startWatched(t, cmd)
		m := out.waitForMatch(t, waiting)
		get(t, m[1])
		if err := out.wait(t, 10*time.Second); err != nil {
			t.Errorf("exit: %v, want 0 after the scrape", err)
		}
	})

	t.Run("scraped while the page is served", func(t *testing.T) {
		cmd := exec.Command(gctrace, "analyze", "--http", "127.0.0.1:0", "--metrics", "127.0.0.1:0", "--metrics-linger", "1m", dog)
		out := startWatched(t, cmd)
		m := out.waitForMatch(t, ended)
		get(t, m[1]+"metrics")
		cmd.Process.Signal(syscall.SIGTERM)
		if err := out.wait(t, 10*time.Second); err != nil {
			t.Errorf("exit: %v, want 0 after SIGTERM", err)
		}
		if _, stderr := out.text(); strings.Contains(stderr, "waiting up to") {
			t.Errorf("waited for a scrape after one was answered:\n%s", stderr)
		}
	})

	t.Run("not scraped while the page is served", func(t *testing.T) {
		cmd := exec.Command(gctrace, "analyze", "--http", "127.0.0.1:0", "--metrics", "127.0.0.1:0", "--metrics-linger", "1m", dog)
		out := startWatched(t, cmd)
		out.waitForMatch(t, ended)
		cmd.Process.Signal(os.Interrupt)
		out.waitForMatch(t, waiting)
		cmd.Process.Signal(os.Interrupt)
		if err := out.wait(t, 10*time.Second); err != nil {
			t.Errorf("exit: %v, want 0 after the second Ctrl-C", err)
		}
	})
}

// TestServeClash: one port asked for on every interface and on loopback
// is said before anything is read, and so is a port taken; a server that
// started is closed when the next cannot.
func TestServeClash(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	busy := ln.Addr().String()
	free := promtest.FreeAddr(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"analyze", "--http", ":18123", "--metrics", ":18123"},
			"--http :18123 and --metrics :18123 both ask for port 18123, one of them on every interface: to serve the page and /metrics on one server give both 127.0.0.1:18123 (this machine only) or 0.0.0.0:18123 (the network), or give them two ports"},
		{[]string{"run", "--http", "0.0.0.0:8124", "--metrics", "127.0.0.1:8124", "--", "true"}, "both ask for port 8124"},
		{[]string{"analyze", "--metrics", busy}, "cannot serve metrics on " + busy + ": bind: address already in use"},
		{[]string{"analyze", "--http", busy, "--metrics", busy}, "cannot serve the live page and metrics on " + busy + ": bind: address already in use"},
		{[]string{"analyze", "--metrics", free, "--http", busy}, "cannot serve the live page on " + busy + ": bind: address already in use"},
	} {
		r := runGctrace(t, "gc 1 @0.016s 0%: 0.22+0.32+0.005 ms clock, 0.44+0/0.19/0.27+0.010 ms cpu, 3->3->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n", c.args...)
		if r.code != exitError || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", c.args, r.code, r.stderr, exitError, c.want)
		}
	}
	// The metrics server of the last case is closed: its port is free.
	l, err := net.Listen("tcp", free)
	if err != nil {
		t.Errorf("the metrics server outlived the failed start: %v", err)
	} else {
		l.Close()
	}
}

func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Minute: "1m", 59600 * time.Millisecond: "1m", 90 * time.Second: "1m30s", 30 * time.Second: "30s",
		time.Hour: "1h", time.Hour + time.Second: "1h0m1s", -time.Second: "0s",
	} {
		if got := shortDuration(d); got != want {
			t.Errorf("shortDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestSameServer(t *testing.T) {
	for _, c := range []struct {
		http, metrics string
		shared, clash bool
	}{
		{"127.0.0.1:8080", "127.0.0.1:8080", true, false},
		{":8080", "127.0.0.1:8080", true, false},
		{"8080", "127.0.0.1:8080", true, false},
		{"127.0.0.1:0", "127.0.0.1:0", true, false},
		{"0.0.0.0:8080", "0.0.0.0:8080", true, false},
		{":8080", ":8080", false, true},
		{"0.0.0.0:8080", "127.0.0.1:8080", false, true},
		{"[::]:8080", "127.0.0.1:8080", false, true},
		{"127.0.0.1:8080", "127.0.0.2:8080", false, false},
		{"[::1]:8080", "127.0.0.1:8080", false, false},
		{":8080", ":9464", false, false},
		{":0", ":0", false, false},
		{"", ":9464", false, false},
		{":8080", "", false, false},
	} {
		lo := liveOptions{Addr: c.http}
		if err := lo.check(); err != nil {
			t.Fatal(err)
		}
		shared, err := sameServer(&lo, &metricsOptions{Addr: c.metrics})
		if shared != c.shared || (err != nil) != c.clash {
			t.Errorf("--http %q --metrics %q: shared %v, error %v; want shared %v, clash %v", c.http, c.metrics, shared, err, c.shared, c.clash)
		}
	}
}
