package zoo

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		bad  bool
	}{
		{in: "1048576", want: 1 << 20},
		{in: "64MiB", want: 64 << 20},
		{in: "64mib", want: 64 << 20},
		{in: "1GiB", want: 1 << 30},
		{in: "512KiB", want: 512 << 10},
		{in: "64MB", want: 64 << 20},
		{in: "2G", want: 2 << 30},
		{in: "512k", want: 512 << 10},
		{in: " 8 MiB ", want: 8 << 20},
		{in: "100B", want: 100},
		{in: "0", want: 0},
		{in: "", bad: true},
		{in: "MiB", bad: true},
		{in: "B", bad: true},
		{in: "-1MiB", bad: true},
		{in: "1.5GiB", bad: true},
		{in: "1TiB", bad: true},
		{in: "99999999999GiB", bad: true},
	}
	for _, tt := range tests {
		got, err := parseSize(tt.in)
		if tt.bad {
			if err == nil {
				t.Errorf("parseSize(%q) = %d, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestFormatSize(t *testing.T) {
	for n, want := range map[int64]string{
		1 << 30: "1GiB", 64 << 20: "64MiB", 3 << 10: "3KiB", 1000: "1000B", 0: "0B", 1536 << 20: "1536MiB",
	} {
		if got := formatSize(n); got != want {
			t.Errorf("formatSize(%d) = %q, want %q", n, got, want)
		}
		if back, err := parseSize(formatSize(n)); err != nil || back != n {
			t.Errorf("parseSize(formatSize(%d)) = %d, %v", n, back, err)
		}
	}
}

func TestLoopbackAddr(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{":0", "127.0.0.1:0"},
		{":6060", "127.0.0.1:6060"},
		{"127.0.0.1:6060", "127.0.0.1:6060"},
		{"localhost:6060", "127.0.0.1:6060"},
		{"127.0.0.2:0", "127.0.0.2:0"},
		{"[::1]:6060", "[::1]:6060"},
		{"0.0.0.0:6060", ""},
		{"[::]:6060", ""},
		{"192.168.1.10:6060", ""},
		{"example.com:6060", ""},
		{"6060", ""},
		{"127.0.0.1", ""},
		{"127.0.0.1:http", ""},
		{"127.0.0.1:70000", ""},
		{"127.0.0.1:", ""},
	}
	for _, tt := range tests {
		got, err := loopbackAddr(tt.in)
		if tt.want == "" {
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Errorf("loopbackAddr(%q) = %q, %v; want a *ConfigError", tt.in, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("loopbackAddr(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

var knownRules = map[string]bool{
	"gc-frequency": true, "alloc-churn": true, "heap-doubling": true, "live-heap-growth": true,
	"high-gc-cpu": true, "long-pause": true, "mark-assist": true, "forced-gc": true,
	"heap-overshoot": true, "memory-limit-pressure": true, "min-heap-thrash": true,
	"periodic-gc": true, "procs-change": true,
}

func TestScenarios(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, s := range Scenarios() {
		if seen[s.Name] {
			t.Errorf("scenario %q listed twice", s.Name)
		}
		seen[s.Name] = true
		if s.Summary == "" || s.Pattern == "" || s.Profile == "" {
			t.Errorf("scenario %q: empty summary, pattern or profile: %+v", s.Name, s)
		}
		for _, r := range s.Rules {
			if !knownRules[r] {
				t.Errorf("scenario %q: unknown rule %q", s.Name, r)
			}
		}
		// The documentation's table has a row per scenario that names its rules.
		row := regexp.MustCompile(`(?m)^//\t` + s.Name + ` .*$`).Find(doc)
		if row == nil {
			t.Errorf("doc.go: no table row for scenario %q", s.Name)
			continue
		}
		for _, r := range s.Rules {
			if !bytes.Contains(row, []byte(r)) {
				t.Errorf("doc.go: the row of %q does not name rule %q: %s", s.Name, r, row)
			}
		}
	}
	if got, want := strings.Join(Animals(), ","), "tiger,mouse,dog,wolf,cat"; got != want {
		t.Errorf("Animals() = %s, want %s", got, want)
	}
	// Callers get a copy.
	Scenarios()[1].Rules[0] = "changed"
	if Scenarios()[1].Rules[0] == "changed" {
		t.Error("Scenarios() shares its Rules slices")
	}
}

func TestMainUsage(t *testing.T) {
	tests := []struct {
		args   []string
		code   int
		stderr string
		stdout string
	}{
		{args: []string{"-h"}, code: 0, stderr: "usage: bomb"},
		{args: []string{"--no-such-flag"}, code: 2, stderr: "flag provided but not defined"},
		{args: []string{"--scenario", "dog,lion"}, code: 2, stderr: `unknown scenario "lion"`},
		{args: []string{"--scenario", " , "}, code: 2, stderr: "no scenario named"},
		{args: []string{"--pprof", "0.0.0.0:6060"}, code: 2, stderr: "not a loopback address"},
		{args: []string{"--pprof", ":6060", "extra"}, code: 2, stderr: `unexpected argument "extra"`},
		{args: []string{"--mouse-max", "lots"}, code: 2, stderr: "bad size"},
		{args: []string{"--mouse-max", "10KiB"}, code: 2, stderr: "below the least useful size"},
		{args: []string{"--duration", "-1s"}, code: 2, stderr: "negative duration"},
		{args: []string{"--list"}, code: 0, stdout: "memory-limit-pressure"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		code := Main(context.Background(), tt.args, &stdout, &stderr)
		if code != tt.code {
			t.Errorf("Main(%q) = %d, want %d; stderr:\n%s", tt.args, code, tt.code, &stderr)
		}
		if !strings.Contains(stderr.String(), tt.stderr) {
			t.Errorf("Main(%q) stderr = %q, want it to contain %q", tt.args, &stderr, tt.stderr)
		}
		if !strings.Contains(stdout.String(), tt.stdout) {
			t.Errorf("Main(%q) stdout = %q, want it to contain %q", tt.args, &stdout, tt.stdout)
		}
	}
}

func TestMainList(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := Main(context.Background(), []string{"-list"}, &stdout, &stderr); code != 0 {
		t.Fatalf("Main(-list) = %d", code)
	}
	for _, s := range Scenarios() {
		if !regexp.MustCompile(`(?m)^` + s.Name + ` `).Match(stdout.Bytes()) {
			t.Errorf("-list does not list %q:\n%s", s.Name, &stdout)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of Run's
// scenarios.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func TestMainDuration(t *testing.T) {
	var stdout bytes.Buffer
	var stderr syncBuffer
	start := time.Now()
	code := Main(context.Background(), []string{"--scenario", "cat, wolf,", "--duration", "300ms", "--pprof", ""}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("Main = %d; stderr:\n%s", code, stderr.String())
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("a 300ms run took %v", d)
	}
	out := stderr.String()
	for _, want := range []string{"cat pee\n", "wolf drink\n", "wolf howl\n", "bomb: done after 300ms\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("stderr lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "pprof at") {
		t.Errorf("--pprof '' still served profiles:\n%s", out)
	}
}

// TestRunStopsPromptly cancels every scenario at once mid-flight: the tiger
// in its loop, the wolf holding its lock with goroutines asleep, the mouse
// stealing, the assist building its graph.
func TestRunStopsPromptly(t *testing.T) {
	var stderr syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Config{
			Scenarios: []string{"tiger", "wolf", "cat", "mouse", "dog", "leak", "spike", "tiny", "forced", "limit", "assist", "healthy"},
			Interval:  50 * time.Millisecond,
			MouseMax:  32 << 20, SpikeMax: 16 << 20, Limit: 64 << 20, AssistHeap: 16 << 20, HealthyHeap: 8 << 20,
		}, &stderr)
	}()
	time.Sleep(300 * time.Millisecond)
	cancel()
	start := time.Now()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(3 * time.Second):
		t.Fatalf("Run still going 3s after cancel; stderr:\n%s", stderr.String())
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("Run took %v to stop", d)
	}
	if !strings.HasSuffix(stderr.String(), "bomb: stopped\n") {
		t.Errorf("stderr does not end with the stop line:\n%s", stderr.String())
	}
}

func TestRunServesPprof(t *testing.T) {
	var stderr syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- Run(ctx, Config{Scenarios: []string{"cat"}, Pprof: ":0"}, &stderr) }()
	var url string
	for deadline := time.Now().Add(5 * time.Second); url == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := regexp.MustCompile(`(?m)^bomb: pprof at (http://127\.0\.0\.1:\d+/debug/pprof/)$`).FindStringSubmatch(stderr.String()); m != nil {
			url = m[1]
		}
	}
	if url == "" {
		t.Fatalf("no pprof line; stderr:\n%s", stderr.String())
	}
	resp, err := http.Get(url + "goroutine?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Contains(body, []byte("(*Cat).Pee")) {
		t.Errorf("goroutine profile: status %d, no (*Cat).Pee in:\n%s", resp.StatusCode, body)
	}
	// The server is the zoo's own: nothing else is published on it.
	if resp, err := http.Get(strings.TrimSuffix(url, "/debug/pprof/") + "/"); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET / = %d, want 404", resp.StatusCode)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(url); err == nil {
		t.Error("the pprof server still answers after Run returned")
	}
}

func TestRunBadConfig(t *testing.T) {
	for _, cfg := range []Config{
		{Scenarios: []string{"unicorn"}},
		{Pprof: "10.0.0.1:6060"},
		{Limit: 1 << 20},
		{Interval: -time.Second},
	} {
		var ce *ConfigError
		if err := Run(context.Background(), cfg, io.Discard); !errors.As(err, &ce) {
			t.Errorf("Run(%+v) = %v, want a *ConfigError", cfg, err)
		}
	}
}

func TestRunPortInUse(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var first syncBuffer
	go Run(ctx, Config{Scenarios: []string{"cat"}, Pprof: ":0"}, &first)
	var addr string
	for deadline := time.Now().Add(5 * time.Second); addr == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := regexp.MustCompile(`pprof at http://(\S+)/debug/pprof/`).FindStringSubmatch(first.String()); m != nil {
			addr = m[1]
		}
	}
	if addr == "" {
		t.Fatal("first Run did not serve")
	}
	err := Run(ctx, Config{Scenarios: []string{"cat"}, Pprof: addr}, io.Discard)
	var ce *ConfigError
	if err == nil || errors.As(err, &ce) {
		t.Errorf("second Run on %s = %v, want a listen error", addr, err)
	}
}

// The animals are usable as zero values, outside Run, and log nowhere.
func TestAnimalsZeroValue(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	(&Tiger{}).Eat(ctx)
	(&Dog{}).Run()
	(&Cat{}).Pee(ctx)
	w := &Wolf{}
	w.Drink(ctx)
	w.Howl(ctx)
	w.Wait()
	m := &Mouse{Max: 8 << 20}
	for range 4 {
		m.Steal(context.Background())
	}
	if m.Hoard() != 8<<20 {
		t.Errorf("mouse hoards %d, want its Max, %d", m.Hoard(), 8<<20)
	}
}
