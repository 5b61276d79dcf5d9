package main

import (
	"bytes"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildGctrace builds this command: the demo runs its program as a child of
// the gctrace binary itself, which the test binary is not.
func buildGctrace(t *testing.T) string {
	t.Helper()
	return goBuild(t, ".", "gctrace", ".")
}

func TestDemoEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the demo programs for 5s")
	}
	bin := buildGctrace(t)
	dir := t.TempDir()
	cmd := exec.Command(bin, "demo", "--duration", "5s", "--progress", "2s", "-o", "demo.png")
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("demo: %v\n%s%s", err, stderr.String(), stdout.String())
	}
	out, errs := stdout.String(), stderr.String()
	for _, want := range []string{
		"warning alloc-churn:", "by (*Dog).Run (bomb/zoo/dog.go:",
		"warning heap-doubling:", "by (*Mouse).Steal (bomb/zoo/mouse.go:",
		"Chart: demo.png (dog, mouse)", "gctrace run --pprof",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	for _, want := range []string{"serves its profiles at http://127.0.0.1:", "gctrace demo: 2s of 5s:", "alloc-churn", "attribution:"} {
		if !strings.Contains(errs, want) {
			t.Errorf("progress lacks %q:\n%s", want, errs)
		}
	}
	// -o names the one file written: the dog's chart over the mouse's.
	f, err := os.Open(filepath.Join(dir, "demo.png"))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatalf("demo.png: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 1200 || b.Dy() != 1600 {
		t.Errorf("demo.png is %v, want 1200x1600: two charts one under the other", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d files written, want only demo.png", len(entries))
	}
}

// TestDemoInterrupt checks that Ctrl-C ends the demo with the report of
// what was seen, and leaves no program behind.
func TestDemoInterrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the demo programs")
	}
	bin := buildGctrace(t)
	dir := t.TempDir()
	cmd := exec.Command(bin, "demo", "--scenario", "tiny", "--duration", "1m", "-o", "tiny.svg")
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(4 * time.Second)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("demo after Ctrl-C: %v\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("demo did not end after Ctrl-C:\n%s", stderr.String())
	}
	if !strings.Contains(stderr.String(), "interrupted: the report covers what was seen") || !strings.Contains(stdout.String(), "Summary: ") {
		t.Errorf("no report after Ctrl-C:\n%s\n%s", stderr.String(), stdout.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "tiny.svg")); err != nil {
		t.Errorf("no chart: %v", err)
	}
}

func TestDemoUsage(t *testing.T) {
	for _, args := range [][]string{
		{"demo", "--scenario", "unicorn"},
		{"demo", "--duration", "10ms"},
		{"demo", "-o", "gc.gif"},
		{"demo", "extra"},
	} {
		r := runGctrace(t, "", args...)
		if r.code != exitError || !strings.HasPrefix(r.stderr, "gctrace: ") {
			t.Errorf("%v: exit %d, stderr %q", args, r.code, r.stderr)
		}
	}
}

func TestBombList(t *testing.T) {
	r := runGctrace(t, "", "bomb", "--list")
	if r.code != 0 || !strings.Contains(r.stdout, "dog") || !strings.Contains(r.stdout, "healthy") {
		t.Errorf("got %+v", r)
	}
}
