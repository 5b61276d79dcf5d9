package attribute

import (
	"bufio"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// bombProcess is bomb running under GODEBUG=gctrace=1 with its pprof
// endpoint on a loopback port.
type bombProcess struct {
	url     string
	started time.Time

	mu  sync.Mutex
	gcs []bombGC
}

// bombGC is the part of one gctrace line the reconciliation needs.
type bombGC struct {
	at         float64 // seconds since the process started
	h0, h1, h2 int64   // heap at start, at end, live; MiB
}

var bombGCLine = regexp.MustCompile(`^gc \d+ @([0-9.]+)s .*, (\d+)->(\d+)->(\d+) MB`)

// startBomb builds ./bomb and runs it with args until the test ends.
func startBomb(t *testing.T, args ...string) *bombProcess {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs bomb for several seconds")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build bomb")
	}
	if _, err := os.Stat("../bomb/main.go"); err != nil {
		t.Skip("no bomb in this checkout")
	}
	bin := filepath.Join(t.TempDir(), "bomb")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	build := exec.Command(goCmd, "build", "-o", bin, "../bomb")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ../bomb: %v\n%s", err, out)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, append([]string{"--pprof", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), "GODEBUG=gctrace=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = io.Discard
	b := &bombProcess{started: time.Now()}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() {
		cancel()
		cmd.Wait()
		<-done
	})
	urls := make(chan string, 1)
	go func() {
		defer close(done)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			line := sc.Text()
			if u, ok := strings.CutPrefix(line, "bomb: pprof at "); ok {
				urls <- strings.TrimSpace(u)
			}
			if m := bombGCLine.FindStringSubmatch(line); m != nil {
				g := bombGC{}
				g.at, _ = strconv.ParseFloat(m[1], 64)
				g.h0, _ = strconv.ParseInt(m[2], 10, 64)
				g.h1, _ = strconv.ParseInt(m[3], 10, 64)
				g.h2, _ = strconv.ParseInt(m[4], 10, 64)
				b.mu.Lock()
				b.gcs = append(b.gcs, g)
				b.mu.Unlock()
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	select {
	case b.url = <-urls:
	case <-done:
		t.Fatal("bomb exited without announcing its pprof endpoint")
	case <-time.After(30 * time.Second):
		t.Fatal("bomb did not announce its pprof endpoint within 30s")
	}
	return b
}

// traceRate is the allocation rate the trace shows between from and to
// (offsets from the start), from the bytes allocated during each cycle:
// H1(N) − H2(N−1).
func (b *bombProcess) traceRate(from, to time.Duration) (float64, int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var mib int64
	n := 0
	for i := 1; i < len(b.gcs); i++ {
		at := time.Duration(b.gcs[i].at * float64(time.Second))
		if at < from || at > to {
			continue
		}
		mib += b.gcs[i].h1 - b.gcs[i-1].h2
		n++
	}
	return float64(mib<<20) / (to - from).Seconds(), n
}

func (b *bombProcess) cycles() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.gcs)
}

// TestBombDog runs bomb's dog, whose churn the allocs profile should
// charge to (*Dog).Run, and reconciles the profile with the trace.
func TestBombDog(t *testing.T) {
	t.Parallel()
	b := startBomb(t, "--scenario", "dog", "--duration", "60s")
	src := mustSource(t, b.url)
	time.Sleep(time.Second) // let the dog get going
	from := time.Since(b.started)
	a, err := Attribute(context.Background(), src, Allocs, 4*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	to := time.Since(b.started)
	t.Logf("%s over %v: %s", FormatBytes(a.Total), a.Window, a.Summary)
	if len(a.Top) == 0 || a.Top[0].Short != "(*Dog).Run" || a.Top[0].Share < 0.8 {
		t.Fatalf("top %+v, want (*Dog).Run with most of the churn", a.Top)
	}
	if !strings.HasPrefix(a.Top[0].Where, "bomb/zoo/dog.go:") || a.Top[0].Size != 32<<10 {
		t.Errorf("(*Dog).Run at %q allocating %d bytes at a time, want bomb/zoo/dog.go and 32 KiB", a.Top[0].Where, a.Top[0].Size)
	}
	rate, n := b.traceRate(from, to)
	rec := a.Reconcile(rate)
	t.Logf("%d cycles: %s", n, rec)
	// Both count about 16 MiB per second, but the trace rounds each
	// heap size down to a MiB and the profile moves a cycle at a time.
	if n < 3 || rec.Coverage < 0.5 || rec.Coverage > 2 || rec.Explained < 0.4 {
		t.Errorf("profile and trace disagree: %d cycles, %+v", n, rec)
	}
}

// TestBombMouse runs bomb's mouse, whose hoard the heap profile should
// charge to (*Mouse).Steal.
func TestBombMouse(t *testing.T) {
	t.Parallel()
	b := startBomb(t, "--scenario", "mouse", "--mouse-max", "64MiB", "--duration", "60s")
	src := mustSource(t, b.url)
	// The heap profile shows what was live at the last completed GC.
	deadline := time.Now().Add(30 * time.Second)
	for {
		a, err := Attribute(context.Background(), src, Heap, 0)
		if err == nil && a.Total >= 16<<20 {
			t.Logf("%s in use: %s", FormatBytes(a.Total), a.Summary)
			if a.Top[0].Short != "(*Mouse).Steal" || a.Top[0].Share < 0.8 || !strings.HasPrefix(a.Top[0].Where, "bomb/zoo/mouse.go:") || a.Top[0].Size != 1<<20 {
				t.Errorf("top %+v, want (*Mouse).Steal holding most of the heap in 1 MiB arrays", a.Top[0])
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no hoard in the heap profile after 30s (%d GC cycles): %v", b.cycles(), err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}
