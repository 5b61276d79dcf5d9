package live_test

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"image/png"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

var screenshot = flag.String("screenshot", "", "write the browser test's screenshot of the page to `FILE` (docs/live.png)")

// chromium returns the browser to drive, or skips the test.
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no Chromium found (apt-get install -y chromium; .ci/run does it)")
	return ""
}

// buildGctrace builds the command into the test's temporary directory.
func buildGctrace(t *testing.T) string {
	t.Helper()
	goCmd := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goCmd); err != nil {
		if goCmd, err = exec.LookPath("go"); err != nil {
			t.Skip("no go command to build gctrace with")
		}
	}
	bin := filepath.Join(t.TempDir(), "gctrace")
	cmd := exec.Command(goCmd, "build", "-o", bin, "./cmd/gctrace")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

var pageURL = regexp.MustCompile(`live page at (http://127\.0\.0\.1:\d+/)`)

// TestBrowser is the done-when, in a real browser: the bomb's dog
// streams its trace into gctrace analyze --http, and headless Chromium
// shows its heap sawtooth and the alloc-churn finding while it runs, then
// the final state once the input has ended, also after a reload.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the bomb for 12s in front of a browser")
	}
	browser := chromium(t)
	gctrace := buildGctrace(t)

	// GODEBUG=gctrace=1 gctrace bomb --scenario dog --duration 12s 2>&1 | gctrace analyze --http 127.0.0.1:0
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	pprof := freeAddr(t)
	bomb := exec.Command(gctrace, "bomb", "--scenario", "dog", "--duration", "12s", "--pprof", pprof)
	bomb.Env = append(os.Environ(), "GODEBUG=gctrace=1")
	bomb.Stdout, bomb.Stderr = pw, pw
	analyze := exec.Command(gctrace, "analyze", "--http", "127.0.0.1:0", "--pprof", "http://"+pprof, "--pprof-seconds", "2")
	analyze.Stdin = pr
	var report bytes.Buffer
	analyze.Stdout = &report
	errs, err := analyze.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := analyze.Start(); err != nil {
		t.Fatal(err)
	}
	defer analyze.Process.Kill()
	if err := bomb.Start(); err != nil {
		t.Fatal(err)
	}
	defer bomb.Process.Kill()
	pr.Close()
	pw.Close()

	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(errs)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var url string
	select {
	case line := <-lines:
		m := pageURL.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("first line on stderr is %q, want the page's URL", line)
		}
		url = m[1]
	case <-time.After(10 * time.Second):
		t.Fatal("no URL on stderr")
	}

	ctx, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(browser), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.WindowSize(1400, 1050))
	defer cancel()
	ctx, cancel = chromedp.NewContext(ctx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	// An error in the page's script fails the test.
	var (
		mu     sync.Mutex
		thrown []string
	)
	chromedp.ListenTarget(ctx, func(ev any) {
		if e, ok := ev.(*cdpruntime.EventExceptionThrown); ok {
			mu.Lock()
			thrown = append(thrown, e.ExceptionDetails.Error())
			mu.Unlock()
		}
	})
	defer func() {
		mu.Lock()
		defer mu.Unlock()
		for _, e := range thrown {
			t.Errorf("the page threw %s", e)
		}
	}()
	if err := chromedp.Run(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	// While the dog runs: a sawtooth (the heap in use goes down as well
	// as up), points on every chart, and the finding with its advice.
	const running = `(() => {
		const n = (id) => Number(document.getElementById(id).dataset.points || 0);
		const f = document.querySelector('.finding[data-rule="alloc-churn"] .advice');
		return document.getElementById('status').dataset.state === 'reading' &&
			n('heap') > 20 && n('pause') > 5 && n('cpu') > 5 && n('alloc') > 5 && f !== null &&
			document.querySelectorAll('#processes tbody tr').length === 1;
	})()`
	waitFor(t, ctx, running, 10*time.Second)
	var falls int
	if err := chromedp.Run(ctx, chromedp.Evaluate(`(() => {
		const s = window.gctraceView.series.heap_use; let falls = 0;
		for (let i = 3; i < s.length; i += 2) if (s[i] < s[i-2]) falls++;
		return falls; })()`, &falls)); err != nil {
		t.Fatal(err)
	}
	if falls < 5 {
		t.Errorf("the heap in use fell %d times, want a sawtooth", falls)
	}
	// With --pprof, the code behind the finding follows.
	waitFor(t, ctx, `(document.querySelector('.finding[data-rule="alloc-churn"] .attr') || {textContent: ''}).textContent.includes('(*Dog).Run (bomb/zoo/dog.go:')`, 10*time.Second)
	time.Sleep(time.Second)
	var shot []byte
	if err := chromedp.Run(ctx, chromedp.FullScreenshot(&shot, 100)); err != nil {
		t.Fatal(err)
	}
	checkNotBlank(t, shot)
	if *screenshot != "" {
		if err := os.WriteFile(*screenshot, shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// The input ends: gctrace says so and keeps serving; the page says so
	// too, and a reload gets the whole history again.
	if err := bomb.Wait(); err != nil {
		t.Fatalf("bomb: %v", err)
	}
	waitLine(t, lines, "the input has ended", 15*time.Second)
	if err := chromedp.Run(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.getElementById('status').dataset.state === 'ended' &&
		Number(document.getElementById('heap').dataset.points) > 20 &&
		document.querySelector('.finding[data-rule="alloc-churn"]') !== null`, 10*time.Second)

	// Ctrl-C ends the server.
	if err := analyze.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	for range lines {
	}
	if err := analyze.Wait(); err != nil {
		t.Fatalf("analyze after Ctrl-C: %v", err)
	}
	if !strings.Contains(report.String(), "alloc-churn") {
		t.Errorf("the report lacks alloc-churn:\n%s", report.String())
	}
}

// freeAddr returns a loopback address nobody listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitFor polls a JavaScript condition until it holds.
func waitFor(t *testing.T, ctx context.Context, cond string, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		var ok bool
		if err := chromedp.Run(ctx, chromedp.Evaluate(cond, &ok)); err != nil {
			t.Fatal(err)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			var state string
			_ = chromedp.Run(ctx, chromedp.Evaluate(`JSON.stringify({status: document.getElementById('status').textContent,
				points: ['heap','pause','cpu','alloc'].map((id) => document.getElementById(id).dataset.points),
				findings: [...document.querySelectorAll('.finding')].map((f) => f.dataset.rule)})`, &state))
			t.Fatalf("after %s the page does not satisfy\n%s\nit shows %s", limit, cond, state)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// waitLine reads stderr lines until one holds want.
func waitLine(t *testing.T, lines <-chan string, want string, limit time.Duration) {
	t.Helper()
	timeout := time.After(limit)
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("stderr ended without %q", want)
			}
			if strings.Contains(line, want) {
				return
			}
		case <-timeout:
			t.Fatalf("no %q on stderr after %s", want, limit)
		}
	}
}

// checkNotBlank fails on a screenshot of one colour or nearly so: the
// charts, text and findings make thousands of pixels that are not the
// background.
func checkNotBlank(t *testing.T, shot []byte) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	b := img.Bounds()
	bg := img.At(b.Min.X, b.Min.Y)
	colours := map[[4]uint32]bool{}
	differ := 0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			c := img.At(x, y)
			r, g, bl, a := c.RGBA()
			colours[[4]uint32{r >> 8, g >> 8, bl >> 8, a >> 8}] = true
			if c != bg {
				differ++
			}
		}
	}
	total := (b.Dx() / 2) * (b.Dy() / 2)
	if len(colours) < 20 || differ < total/50 {
		t.Errorf("the screenshot looks blank: %d colours, %d of %d sampled pixels off the background", len(colours), differ, total)
	}
}
