package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gctrace/gctrace/bomb/zoo"
)

// progSource is the program the run tests trace: it writes to both
// streams, churns enough memory for a dozen GC cycles at the 4 MiB minimum
// heap, and then does what its argument says.
const progSource = `package main

import (
	"fmt"
	"os"
	"os/signal"
	"time"
)

var sink []byte

func main() {
	mode := os.Args[1]
	fmt.Println("prog: stdout line")
	fmt.Fprintln(os.Stderr, "prog: stderr line")
	if mode == "godebug" {
		fmt.Println(os.Getenv("GODEBUG"))
		return
	}
	if mode != "none" {
		for i := 0; i < 64; i++ {
			sink = make([]byte, 1<<20)
		}
	}
	fmt.Fprintln(os.Stderr, "prog: allocated")
	switch mode {
	case "exit3":
		os.Exit(3)
	case "wait":
		c := make(chan os.Signal, 1)
		signal.Notify(c, os.Interrupt)
		fmt.Println("prog: ready")
		select {
		case <-c:
			fmt.Fprintln(os.Stderr, "prog: interrupted")
			os.Exit(4)
		case <-time.After(30 * time.Second):
			os.Exit(5)
		}
	}
}
`

// goBuild builds a package or file with the go command into dir/out.
func goBuild(t *testing.T, dir, out string, args ...string) string {
	t.Helper()
	goCmd := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goCmd); err != nil {
		if goCmd, err = exec.LookPath("go"); err != nil {
			t.Skip("no go command to build with")
		}
	}
	bin := filepath.Join(t.TempDir(), out)
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	cmd := exec.Command(goCmd, append([]string{"build", "-o", bin}, args...)...)
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %v: %v\n%s", args, err, b)
	}
	return bin
}

// buildProg builds progSource into a temporary directory of the test.
func buildProg(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(progSource), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module prog\n\ngo 1.22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return goBuild(t, dir, "prog", ".")
}

func TestRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	prog := buildProg(t)

	t.Run("exit code and pass-through", func(t *testing.T) {
		r := runGctrace(t, "", "run", "--", prog, "exit3")
		if r.code != 3 {
			t.Errorf("exit %d, want PROG's 3: %s", r.code, r.stderr)
		}
		if r.stdout != "prog: stdout line\n" {
			t.Errorf("stdout %q, want PROG's own", r.stdout)
		}
		for _, want := range []string{"prog: stderr line\n", "prog: allocated\n", "gc 1 @", " exited with status 3\n", "Summary: ", "\nProcesses\n"} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
			}
		}
		if strings.Index(r.stderr, "prog: allocated") > strings.Index(r.stderr, "Summary: ") {
			t.Errorf("report before PROG's output:\n%s", r.stderr)
		}
	})

	t.Run("quiet-gc", func(t *testing.T) {
		r := runGctrace(t, "", "run", "--quiet-gc", "--format", "json", "--", prog, "ok")
		if r.code != 0 {
			t.Errorf("exit %d: %s", r.code, r.stderr)
		}
		// The runtime writes a GC line in pieces while PROG writes its
		// own: "gc " can land before "prog: allocated", and that line
		// then passes through whole.
		if strings.Contains(r.stderr, " ms clock, ") || !strings.Contains(r.stderr, "prog: stderr line\n") || !strings.Contains(r.stderr, "prog: allocated\n") {
			t.Errorf("stderr:\n%s", r.stderr)
		}
		if !strings.Contains(r.stderr, "\"version\": 1") {
			t.Errorf("no JSON report:\n%s", r.stderr)
		}
	})

	t.Run("report file", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "report.json")
		r := runGctrace(t, "", "run", "--quiet-gc", "--format", "json", "-o", out, "--", prog, "ok")
		data, err := os.ReadFile(out)
		if r.code != 0 || err != nil || !bytes.HasPrefix(data, []byte("{\n  \"version\": 1,")) {
			t.Errorf("exit %d, %v:\n%s\n%s", r.code, err, r.stderr, data)
		}
		if strings.Contains(r.stderr, "\"version\"") || !strings.Contains(r.stderr, "gctrace: report written to "+out) {
			t.Errorf("stderr:\n%s", r.stderr)
		}
		r = runGctrace(t, "", "run", "-o", filepath.Join(out, "x", "y"), "--", prog, "ok")
		if r.code != exitError || strings.Contains(r.stdout, "prog:") {
			t.Errorf("unwritable report: exit %d, PROG ran: %q", r.code, r.stdout)
		}
	})

	t.Run("GODEBUG", func(t *testing.T) {
		t.Setenv("GODEBUG", "madvdontneed=1,gctrace=0")
		r := runGctrace(t, "", "run", "--", prog, "godebug")
		if !strings.Contains(r.stdout, "madvdontneed=1,gctrace=1\n") {
			t.Errorf("PROG saw GODEBUG %q", r.stdout)
		}
	})

	t.Run("gate", func(t *testing.T) {
		r := runGctrace(t, "", "run", "--max-heap", "1", "--", prog, "ok")
		if r.code != exitFailed || !strings.Contains(r.stderr, "error: budget-heap: ") || !strings.Contains(r.stderr, "gctrace: check failed: ") {
			t.Errorf("exit %d:\n%s", r.code, r.stderr)
		}
		// PROG's failure wins over the gate's.
		r = runGctrace(t, "", "run", "--max-heap", "1", "--", prog, "exit3")
		if r.code != 3 {
			t.Errorf("exit %d, want 3", r.code)
		}
		r = runGctrace(t, "", "run", "--max-heap", "1GiB", "--", prog, "ok")
		if r.code != 0 {
			t.Errorf("budget met: exit %d:\n%s", r.code, r.stderr)
		}
	})

	t.Run("no GC", func(t *testing.T) {
		r := runGctrace(t, "", "run", "--max-heap", "1", "--", prog, "none")
		if r.code != 0 || !strings.Contains(r.stderr, "printed no GC trace") {
			t.Errorf("exit %d:\n%s", r.code, r.stderr)
		}
	})
}

func TestRunCannotStart(t *testing.T) {
	r := runGctrace(t, "", "run", "--", "./no-such-program-here")
	if r.code != 127 || !strings.HasPrefix(r.stderr, "gctrace: cannot run ./no-such-program-here: ") {
		t.Errorf("missing: exit %d, %q", r.code, r.stderr)
	}
	if runtime.GOOS == "windows" {
		return
	}
	notExec := filepath.Join(t.TempDir(), "data.txt")
	os.WriteFile(notExec, []byte("not a program"), 0o644)
	r = runGctrace(t, "", "run", "--", notExec)
	if r.code != 126 || !strings.Contains(r.stderr, "permission denied") {
		t.Errorf("not executable: exit %d, %q", r.code, r.stderr)
	}
	r = runGctrace(t, "", "run")
	if r.code != exitError || !strings.Contains(r.stderr, "run needs a program") {
		t.Errorf("no program: exit %d, %q", r.code, r.stderr)
	}
}

func TestRunFlags(t *testing.T) {
	for _, tc := range []struct {
		args  []string
		prog  string
		pargs []string
		quiet bool
	}{
		{[]string{"--quiet-gc", "--", "prog", "-x", "--quiet-gc"}, "prog", []string{"-x", "--quiet-gc"}, true},
		{[]string{"prog", "--quiet-gc"}, "prog", []string{"--quiet-gc"}, false},
		{[]string{"--max-pause", "5ms", "prog"}, "prog", []string{}, false},
	} {
		var got *runOptions
		cmd := newCmdRun(&streams{}, func(o *runOptions) error { got = o; return nil })
		cmd.SetArgs(tc.args)
		if err := cmd.Execute(); err != nil {
			t.Fatal(err)
		}
		if got.Prog != tc.prog || strings.Join(got.Args, " ") != strings.Join(tc.pargs, " ") || got.QuietGC != tc.quiet {
			t.Errorf("%v: prog %q args %q quiet %v", tc.args, got.Prog, got.Args, got.QuietGC)
		}
	}
}

func TestMergeGODEBUG(t *testing.T) {
	for in, want := range map[string]string{
		"":                         "gctrace=1",
		"gctrace=0":                "gctrace=1",
		"madvdontneed=1":           "madvdontneed=1,gctrace=1",
		"gctrace=1,madvdontneed=1": "madvdontneed=1,gctrace=1",
		"gctrace=2, x=1":           "x=1,gctrace=2",
		"gctrace=2,gctrace=0":      "gctrace=1",
	} {
		if got := mergeGODEBUG(in); got != want {
			t.Errorf("mergeGODEBUG(%q) = %q, want %q", in, got, want)
		}
	}
	env := withGCTrace([]string{"A=1", "GODEBUG=x=1", "B=2"})
	if strings.Join(env, " ") != "A=1 B=2 GODEBUG=x=1,gctrace=1" {
		t.Errorf("env %v", env)
	}
}

// TestLive runs the gctrace binary as a user does: in a pipeline that is
// interrupted, and around programs that get signals.
func TestLive(t *testing.T) {
	if testing.Short() {
		t.Skip("builds gctrace")
	}
	if runtime.GOOS == "windows" {
		t.Skip("signals")
	}
	gctrace := goBuild(t, ".", "gctrace", ".")

	t.Run("analyze interrupted", func(t *testing.T) {
		cmd := exec.Command(gctrace, "analyze", "--passthrough")
		stdin, _ := cmd.StdinPipe()
		out := startWatched(t, cmd)
		// The pipe stays open, as when a running program is piped in.
		io.WriteString(stdin, mixedTrace+"app: marker\n")
		out.waitFor(t, "app: marker\n")
		cmd.Process.Signal(os.Interrupt)
		err := out.wait(t, 10*time.Second)
		if err != nil {
			t.Errorf("exit: %v (want 0, the report being what was asked)", err)
		}
		stdout, stderr := out.text()
		if !strings.Contains(stdout, "Summary: 3 findings (1 error, 1 warning, 1 info) in 6 GC cycles of 2 processes\n") {
			t.Errorf("no report after Ctrl-C:\n%s", stdout)
		}
		if !strings.Contains(stderr, "interrupted") {
			t.Errorf("stderr %q", stderr)
		}
		stdin.Close()
	})

	t.Run("run forwards signals", func(t *testing.T) {
		prog := buildProg(t)
		cmd := exec.Command(gctrace, "run", "--", prog, "wait")
		out := startWatched(t, cmd)
		out.waitFor(t, "prog: ready\n")
		cmd.Process.Signal(os.Interrupt)
		err := out.wait(t, 10*time.Second)
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 4 {
			t.Errorf("exit %v, want PROG's 4", err)
		}
		_, stderr := out.text()
		for _, want := range []string{"prog: interrupted\n", "exited with status 4\n", "Summary: "} {
			if !strings.Contains(stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, stderr)
			}
		}
	})

	t.Run("run reports a signal death", func(t *testing.T) {
		prog := buildProg(t)
		cmd := exec.Command(gctrace, "run", "--", prog, "wait")
		out := startWatched(t, cmd)
		out.waitFor(t, "prog: ready\n")
		cmd.Process.Signal(syscall.SIGTERM)
		err := out.wait(t, 10*time.Second)
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 128+int(syscall.SIGTERM) {
			t.Errorf("exit %v, want 128+SIGTERM", err)
		}
		if _, stderr := out.text(); !strings.Contains(stderr, "was killed by terminated") {
			t.Errorf("stderr:\n%s", stderr)
		}
	})
}

// TestBombLive runs the bomb's dog under gctrace run, with the allocation
// profile pulled from its pprof endpoint, and expects the churn named and
// attributed to the dog.
func TestBombLive(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the bomb for 6 s")
	}
	bomb := goBuild(t, filepath.Join("..", ".."), "bomb", "./bomb")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skip(err)
	}
	addr := l.Addr().String()
	l.Close()
	r := runGctrace(t, "", "run", "--quiet-gc", "--set", "alloc-churn.min-duration=1s", "--pprof", "http://"+addr, "--pprof-seconds", "2", "--",
		bomb, "--scenario", "dog", "--duration", "6s", "--pprof", addr)
	if r.code != 0 {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	for _, want := range []string{"warning: alloc-churn: ", "attribution: alloc-churn: ", "(*Dog).Run", "bomb @"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if strings.Contains(r.stderr, "\ngc 1 @") {
		t.Errorf("--quiet-gc let GC lines through")
	}
}

// TestBombScenarios analyzes the committed trace of every bomb scenario and
// expects the rule that names its fault, and nothing worse than info from
// the healthy one.
func TestBombScenarios(t *testing.T) {
	for _, sc := range zoo.Scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			path := tracePath(t, "bomb/"+sc.Name+".log")
			r := runGctrace(t, "", "analyze", "--format", "json", "--stream=false", path)
			data, _ := os.ReadFile(path)
			if !bytes.Contains(data, []byte("\ngc 1 @")) && !bytes.HasPrefix(data, []byte("gc 1 @")) {
				if r.code != exitError || !strings.Contains(r.stderr, "no GC trace found") {
					t.Errorf("no GC lines: exit %d, %s", r.code, r.stderr)
				}
				return
			}
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			var found []string
			worst := -1
			for _, line := range strings.Split(r.stdout, "\n") {
				line = strings.TrimSpace(line)
				if rule, ok := strings.CutPrefix(line, `"rule": "`); ok {
					found = append(found, strings.TrimSuffix(rule, `",`))
				}
				for i, sev := range []string{"info", "warning", "error"} {
					if line == fmt.Sprintf(`"severity": %q,`, sev) && i > worst {
						worst = i
					}
				}
			}
			if len(sc.Rules) == 0 {
				if worst > 0 {
					t.Errorf("a scenario without a fault got %v", found)
				}
				return
			}
			if !slices.Contains(found, sc.Rules[0]) {
				t.Errorf("%s: want %s among the findings, got %v", sc.Name, sc.Rules[0], found)
			}
		})
	}
}

// watched collects a process's output while letting a test wait for a
// line in it.
type watched struct {
	cmd            *exec.Cmd
	mu             sync.Mutex
	stdout, stderr bytes.Buffer
	lines          chan string
	wg             sync.WaitGroup
}

func startWatched(t *testing.T, cmd *exec.Cmd) *watched {
	t.Helper()
	w := &watched{cmd: cmd, lines: make(chan string, 1000)}
	so, _ := cmd.StdoutPipe()
	se, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	collect := func(r io.Reader, b *bytes.Buffer) {
		defer w.wg.Done()
		br := bufio.NewReader(r)
		for {
			line, err := br.ReadString('\n')
			w.mu.Lock()
			b.WriteString(line)
			w.mu.Unlock()
			if line != "" {
				select {
				case w.lines <- line:
				default:
				}
			}
			if err != nil {
				return
			}
		}
	}
	w.wg.Add(2)
	go collect(so, &w.stdout)
	go collect(se, &w.stderr)
	return w
}

func (w *watched) waitFor(t *testing.T, line string) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case l := <-w.lines:
			if l == line {
				return
			}
		case <-deadline:
			so, se := w.text()
			t.Fatalf("no %q within 20s; stdout:\n%s\nstderr:\n%s", line, so, se)
		}
	}
}

// waitForMatch waits for a line that re matches, and returns its
// submatches.
func (w *watched) waitForMatch(t *testing.T, re *regexp.Regexp) []string {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case l := <-w.lines:
			if m := re.FindStringSubmatch(l); m != nil {
				return m
			}
		case <-deadline:
			so, se := w.text()
			t.Fatalf("no line matching %s within 20s; stdout:\n%s\nstderr:\n%s", re, so, se)
		}
	}
}

func (w *watched) text() (string, string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.stdout.String(), w.stderr.String()
}

// wait waits for the process to exit, after its output has been read to
// the end (exec closes the pipes in Wait).
func (w *watched) wait(t *testing.T, d time.Duration) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		w.wg.Wait()
		done <- w.cmd.Wait()
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		w.cmd.Process.Kill()
		t.Fatalf("still running after %s", d)
		return nil
	}
}
