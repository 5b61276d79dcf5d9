package main

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gctrace/gctrace/plot"
)

// plotTrace is a real trace with two processes; plot's own test data.
var plotTrace = filepath.Join("..", "..", "plot", "testdata", "twoproc.log")

// runPlotCmd runs the command line in-process, as main does.
func runPlotCmd(t *testing.T, stdin string, terminal bool, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	s := &streams{In: strings.NewReader(stdin), Out: &out, Err: &errb, InIsPipe: true, OutIsTerminal: terminal}
	code = run(args, s)
	return out.String(), errb.String(), code
}

func TestPlotFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want plotOptions // compared when err is ""
		err  string
	}{
		{args: nil, want: plotOptions{Output: "gc.png", Format: plot.PNG, Width: 1200, Height: 800, Findings: true}},
		{args: []string{"--findings=false"}, want: plotOptions{Output: "gc.png", Format: plot.PNG, Width: 1200, Height: 800}},
		{args: []string{"-o", "x.svg", "--width", "640", "--height", "480", "--title", "T", "a.log", "b.log"},
			want: plotOptions{Output: "x.svg", Format: plot.SVG, Width: 640, Height: 480, Title: "T", Findings: true, Args: []string{"a.log", "b.log"}}},
		{args: []string{"-o", "-", "--format", "pdf"}, want: plotOptions{Output: "-", Format: plot.PDF, Width: 1200, Height: 800, Findings: true}},
		{args: []string{"-o", "chart", "-f", "svg"}, want: plotOptions{Output: "chart", Format: plot.SVG, Width: 1200, Height: 800, Findings: true}},
		{args: []string{"--process", "2"}, want: plotOptions{Output: "gc.png", Format: plot.PNG, Width: 1200, Height: 800, Process: 2, Findings: true}},
		{args: []string{"--process", "all"}, want: plotOptions{Output: "gc.png", Format: plot.PNG, Width: 1200, Height: 800, All: true, Findings: true}},
		{args: []string{"--all"}, want: plotOptions{Output: "gc.png", Format: plot.PNG, Width: 1200, Height: 800, All: true, Findings: true}},
		{args: []string{"-o", "gc.gif"}, err: `unknown format ".gif" (want .png, .svg or .pdf)`},
		{args: []string{"-o", "gc"}, err: `cannot tell the format of "gc": give it a .png, .svg or .pdf extension`},
		{args: []string{"--format", "jpeg"}, err: `unknown format "jpeg" (want png, svg or pdf)`},
		{args: []string{"-o", "gc.png", "--format", "svg"}, err: "--format svg does not match the extension of gc.png"},
		{args: []string{"-o", "-"}, err: "writing to standard output needs --format png, svg or pdf"},
		{args: []string{"-o", ""}, err: "-o needs a file name, or - for standard output"},
		{args: []string{"--process", "0"}, err: `--process wants a process number (1, 2, …) or all, not "0"`},
		{args: []string{"--process", "x"}, err: `--process wants a process number (1, 2, …) or all, not "x"`},
		{args: []string{"--all", "--process", "2"}, err: "--all and --process N exclude each other"},
		{args: []string{"--all", "-o", "-", "-f", "svg"}, want: plotOptions{Output: "-", Format: plot.SVG, Width: 1200, Height: 800, All: true, Findings: true}},
		{args: []string{"--width", "100"}, err: "--width must be 320 to 10000 and --height 240 to 10000 pixels"},
		{args: []string{"--height", "100000"}, err: "--width must be 320 to 10000 and --height 240 to 10000 pixels"},
	} {
		var got *plotOptions
		cmd := newCmdPlot(&streams{}, func(o *plotOptions) error { got = o; return nil })
		cmd.SetArgs(tc.args)
		cmd.SetOut(&bytes.Buffer{})
		cmd.SetErr(&bytes.Buffer{})
		err := cmd.Execute()
		if tc.err != "" {
			if _, ok := err.(*usageError); !ok || err.Error() != tc.err {
				t.Errorf("%q: err = %v, want usage error %q", tc.args, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.args, err)
			continue
		}
		if got.Output != tc.want.Output || got.Format != tc.want.Format || got.Width != tc.want.Width || got.Height != tc.want.Height ||
			got.Title != tc.want.Title || got.Findings != tc.want.Findings || got.Process != tc.want.Process || got.All != tc.want.All || strings.Join(got.Args, ",") != strings.Join(tc.want.Args, ",") {
			t.Errorf("%q: options %+v, want %+v", tc.args, *got, tc.want)
		}
	}
}

func TestPlotWritesFile(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "gc.svg")
	stdout, stderr, code := runPlotCmd(t, "", false, "plot", "-o", out, plotTrace)
	if code != 0 || stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	want := "gctrace: wrote " + out + " (process 1, 20 cycles)\n" +
		"gctrace: the input holds 2 processes; --process N draws another, --all draws them all in " + out + "\n"
	if stderr != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", stderr, want)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("<?xml")) || !bytes.Contains(data, []byte("process 1 (Go 1.18+ trace, P=2)")) {
		t.Errorf("%s is not the SVG chart of process 1: %.200q", out, data)
	}
}

// TestPlotAll checks that --all writes the one file -o names, with a
// chart of every process, of every input.
func TestPlotAll(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "gc.png")
	_, stderr, code := runPlotCmd(t, "", false, "plot", "--all", "-o", out, plotTrace)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	if sz := img.Bounds().Size(); sz.X != 1200 || sz.Y != 1600 {
		t.Errorf("%s is %v, want 1200×1600: two charts one under the other", out, sz)
	}
	if want := "gctrace: wrote " + out + " (process 1, 20 cycles; process 2, 11 cycles)\n"; stderr != want {
		t.Errorf("stderr %q, want %q", stderr, want)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d files written, want 1", len(entries))
	}

	// Several inputs: every process of each, named by input.
	data, err := os.ReadFile(plotTrace)
	if err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "other.log")
	if err := os.WriteFile(other, data, 0o666); err != nil {
		t.Fatal(err)
	}
	two := filepath.Join(dir, "two.svg")
	_, stderr, code = runPlotCmd(t, "", false, "plot", "--all", "-o", two, plotTrace, other)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	svg, err := os.ReadFile(two)
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(svg, []byte("(Go 1.18+ trace, P=2)")); n != 4 {
		t.Errorf("%s has %d chart titles, want 4", two, n)
	}
	if !strings.Contains(stderr, "process 2 of "+other) {
		t.Errorf("stderr %q does not name the second input's processes", stderr)
	}
}

func TestPlotStdout(t *testing.T) {
	trace, err := os.ReadFile(plotTrace)
	if err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runPlotCmd(t, string(trace), true, "plot", "-o", "-", "--format", "svg", "--process", "2")
	if code != 0 || !strings.HasPrefix(stdout, "<?xml") {
		t.Fatalf("exit %d, stderr %q, stdout %.100q", code, stderr, stdout)
	}
	if stderr != "gctrace: wrote SVG to standard output (process 2, 11 cycles)\n" {
		t.Errorf("stderr %q", stderr)
	}
}

// Every error is one sentence on stderr and exit 2; nothing panics and
// no file is left behind.
func TestPlotErrors(t *testing.T) {
	dir := t.TempDir()
	trace, err := os.ReadFile(plotTrace)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "gc.png")
	for _, tc := range []struct {
		name     string
		stdin    string
		terminal bool
		args     []string
		want     string
	}{
		{"empty", "", false, []string{"-o", out}, "gctrace: no GC trace found: the input is empty\n"},
		{"no gc lines", "hello\nworld\n", false, []string{"-o", out},
			"gctrace: no GC trace found: run the program with GODEBUG=gctrace=1 and send its standard error too (2>&1)\n"},
		{"missing input", "", false, []string{"-o", out, filepath.Join(dir, "nope.log")},
			"gctrace: cannot read " + filepath.Join(dir, "nope.log") + ": no such file or directory\n"},
		{"no such directory", string(trace), false, []string{"-o", filepath.Join(dir, "no", "gc.png")},
			"gctrace: cannot write " + filepath.Join(dir, "no", "gc.png") + ": no such file or directory\n"},
		{"output is a directory", string(trace), false, []string{"-o", dir + "/"},
			"gctrace: cannot tell the format of \"" + dir + "/\": give it a .png, .svg or .pdf extension\nRun 'gctrace plot --help' for usage.\n"},
		{"unknown extension", string(trace), false, []string{"-o", filepath.Join(dir, "gc.jpg")},
			"gctrace: unknown format \".jpg\" (want .png, .svg or .pdf)\nRun 'gctrace plot --help' for usage.\n"},
		{"png to terminal", string(trace), true, []string{"-o", "-", "--format", "png"},
			"gctrace: refusing to write a PNG image to a terminal: redirect standard output (> gc.png) or name a file with -o\n"},
		{"pdf to terminal", string(trace), true, []string{"-o", "-", "--format", "pdf"},
			"gctrace: refusing to write a PDF image to a terminal: redirect standard output (> gc.pdf) or name a file with -o\n"},
		{"no such process", string(trace), false, []string{"-o", out, "--process", "3"},
			"gctrace: no GC trace of process 3 found (the input has 2 processes)\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := runPlotCmd(t, tc.stdin, tc.terminal, append([]string{"plot"}, tc.args...)...)
			if code != exitError || stderr != tc.want || stdout != "" {
				t.Errorf("exit %d, stdout %q\nstderr %q\nwant   %q", code, stdout, stderr, tc.want)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("%s was written", out)
			}
		})
	}
	// An unwritable directory, unless running as root, who may write
	// anywhere.
	ro := filepath.Join(dir, "ro")
	if err := os.Mkdir(ro, 0o555); err != nil {
		t.Fatal(err)
	}
	if f, err := os.Create(filepath.Join(ro, "probe")); err == nil {
		f.Close()
		t.Log("directory permissions not enforced (root?): skipping the read-only case")
		return
	}
	name := filepath.Join(ro, "gc.png")
	_, stderr, code := runPlotCmd(t, string(trace), false, "plot", "-o", name)
	if want := "gctrace: cannot write " + name + ": permission denied\n"; code != exitError || stderr != want {
		t.Errorf("read-only directory: exit %d, stderr %q, want %q", code, stderr, want)
	}
}
