package plot

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gctrace/gctrace/parser"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// build reads a trace into a Builder, as the command does.
func build(t testing.TB, name string, r *parser.Reader, opts Options) *Builder {
	t.Helper()
	b := NewBuilder(opts)
	for r.Scan() {
		switch rec := r.Record().(type) {
		case *parser.GC:
			b.Add(rec)
		case *parser.Runtime:
			if rec.Kind == parser.KindForced {
				b.AddForced(rec.Pos)
			}
		}
	}
	if err := r.Err(); err != nil {
		t.Fatalf("reading %s: %v", name, err)
	}
	return b
}

func buildFile(t testing.TB, path string) *Builder {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return build(t, path, parser.NewReader(f, filepath.Base(path)), Options{})
}

func buildText(t testing.TB, text string) *Builder {
	t.Helper()
	return build(t, "text", parser.NewReader(strings.NewReader(text), "t.log"), Options{})
}

// The goldens are SVG: text, so a diff shows what changed, and drawn with
// the bundled fonts, so they are the same on every machine. They compare
// byte for byte; run go test -update after an intended change and look at
// the result.
func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		golden  string
		trace   string
		process int  // 0: the longest
		page    bool // every process on one page
		spans   []span
	}{
		// Forced GCs, a 2-minute idle gap and the periodic GC, with finding
		// spans shaded as the command adds them from the analyzer.
		{golden: "go1.26-idle", trace: "go1.26-idle.log", spans: []span{
			{"forced-gc", int64(274 * time.Millisecond), int64(360 * time.Millisecond)},
			{"gc-frequency", int64(2 * time.Millisecond), int64(111 * time.Millisecond)},
			{"periodic-gc", int64(121401 * time.Millisecond), int64(121401 * time.Millisecond)},
		}},
		// GOMAXPROCS changed mid-run: the title shows the range.
		{golden: "go1.24-setprocs", trace: "go1.24-setprocs.log"},
		// No timestamps: the x axis counts cycles; no CPU panel.
		{golden: "go1.4", trace: "go1.4.log"},
		// Two processes interleaved in one log: the second one.
		{golden: "twoproc-2", trace: "twoproc.log", process: 2},
		// Both, one chart under the other on one page.
		{golden: "twoproc-page", trace: "twoproc.log", page: true},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			b := buildFile(t, filepath.Join("testdata", tc.trace))
			id := ProcessID{tc.trace, tc.process}
			if tc.process == 0 {
				p, ok := b.Longest()
				if !ok {
					t.Fatal("no process")
				}
				id = p.ProcessID
			}
			for _, sp := range tc.spans {
				b.AddSpan(sp.rule, id.File, id.Process, time.Duration(sp.start), time.Duration(sp.end))
			}
			var got bytes.Buffer
			if tc.page {
				var charts []Chart
				for _, p := range b.Processes() {
					charts = append(charts, Chart{ID: p.ProcessID})
				}
				if err := b.RenderPage(&got, SVG, charts, RenderOptions{}); err != nil {
					t.Fatal(err)
				}
			} else if err := b.Render(&got, SVG, id, RenderOptions{}); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tc.golden+".svg")
			if *update {
				if err := os.WriteFile(path, got.Bytes(), 0o666); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				out := filepath.Join(t.TempDir(), tc.golden+".svg")
				os.WriteFile(out, got.Bytes(), 0o666)
				t.Errorf("SVG differs from %s; got %s (go test -update rewrites the golden)", path, out)
			}
		})
	}
}

// Lines in the Go 1.26 format; n, start (ms), heap figures (MiB), pause.
func line126(n int, ms int, h0, h1, h2, goal int, stw string) string {
	return fmt.Sprintf("gc %d @%d.%03ds 5%%: %s+0.30+0.010 ms clock, 0.10+0.05/0.20/0+0.020 ms cpu, %d->%d->%d MB, %d MB goal, 0 MB stacks, 0 MB globals, 2 P\n",
		n, ms/1000, ms%1000, stw, h0, h1, h2, goal)
}

// Traces that would give gonum a degenerate range — one cycle, one
// instant, nothing but zeros — still draw, in every format.
func TestRenderDegenerate(t *testing.T) {
	cases := map[string]string{
		"one cycle":       line126(1, 5, 4, 4, 3, 4, "0.10"),
		"one cycle at 0":  line126(1, 0, 0, 0, 0, 4, "0"),
		"same instant":    line126(1, 7, 4, 4, 3, 4, "0.10") + line126(2, 7, 5, 5, 3, 6, "0.10") + line126(3, 7, 6, 6, 3, 6, "0.10"),
		"all zero":        line126(1, 0, 0, 0, 0, 0, "0") + line126(2, 1000, 0, 0, 0, 0, "0") + line126(3, 2000, 0, 0, 0, 0, "0"),
		"huge":            line126(1, 0, 1<<20, 1<<20, 1<<19, 1<<21, "51638") + line126(2, 86400*1000*30, 1<<20, 1<<20, 1<<19, 1<<21, "0.001"),
		"go1.4 one cycle": "gc1(1): 0+0+0+0 us, 0 -> 0 MB, 18 (19-1) objects, 0 goroutines, 0/0/0 sweeps, 0(0) handoff, 0(0) steal, 0/0/0 yields\n",
		"go1.5 forced":    "gc #1 @0.012s 2%: 0.017+0.37+0.025+0.44+0.012 ms clock, 0.035+0.37+0+0.11/0.32/0+0.025 ms cpu, 4->4->0 MB, 4 MB goal, 2 P (forced)\n",
	}
	for name, text := range cases {
		for _, f := range []Format{PNG, SVG, PDF} {
			t.Run(name+"/"+f.String(), func(t *testing.T) {
				b := buildText(t, text)
				p, ok := b.Longest()
				if !ok {
					t.Fatal("no process")
				}
				var out bytes.Buffer
				if err := b.Render(&out, f, p.ProcessID, RenderOptions{Width: 640, Height: 480}); err != nil {
					t.Fatal(err)
				}
				if out.Len() == 0 {
					t.Fatal("empty output")
				}
				if f == PNG {
					img, err := png.Decode(&out)
					if err != nil {
						t.Fatal(err)
					}
					if sz := img.Bounds().Size(); sz.X != 640 || sz.Y != 480 {
						t.Errorf("PNG is %v, want 640×480", sz)
					}
				}
			})
		}
	}
}

func TestRenderErrors(t *testing.T) {
	b := buildText(t, line126(1, 5, 4, 4, 3, 4, "0.10")+line126(2, 9, 4, 4, 3, 4, "0.10"))
	id := ProcessID{"t.log", 1}
	var out bytes.Buffer
	if err := b.Render(&out, SVG, ProcessID{"t.log", 2}, RenderOptions{}); !errors.Is(err, ErrNoProcess) {
		t.Errorf("unknown process: err = %v, want ErrNoProcess", err)
	}
	if err := b.Render(&out, Format(9), id, RenderOptions{}); err == nil || !strings.Contains(err.Error(), "unknown format") {
		t.Errorf("unknown format: err = %v", err)
	}
	for _, o := range []RenderOptions{{Width: 10, Height: 480}, {Width: 640, Height: MaxSide + 1}} {
		if err := b.Render(&out, PNG, id, o); err == nil || !strings.Contains(err.Error(), "out of range") {
			t.Errorf("size %d×%d: err = %v", o.Width, o.Height, err)
		}
	}
	if out.Len() != 0 {
		t.Errorf("failed renders wrote %d bytes", out.Len())
	}
	if err := b.Render(failWriter{}, SVG, id, RenderOptions{}); err == nil {
		t.Error("write error not returned")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestFormatOf(t *testing.T) {
	for _, tc := range []struct {
		path string
		want Format
		err  string
	}{
		{"gc.png", PNG, ""},
		{"out/GC.SVG", SVG, ""},
		{"a.b/gc.pdf", PDF, ""},
		{"gc.gif", 0, `unknown format ".gif" (want .png, .svg or .pdf)`},
		{"gc", 0, `cannot tell the format of "gc": give it a .png, .svg or .pdf extension`},
	} {
		got, err := FormatOf(tc.path)
		if got != tc.want || (err == nil) != (tc.err == "") || (err != nil && err.Error() != tc.err) {
			t.Errorf("FormatOf(%q) = %v, %v; want %v, %q", tc.path, got, err, tc.want, tc.err)
		}
	}
	if _, err := ParseFormat("jpeg"); err == nil || err.Error() != `unknown format "jpeg" (want png, svg or pdf)` {
		t.Errorf("ParseFormat(jpeg) error = %v", err)
	}
}

// The title names the input, the process, the release family and P.
func TestTitle(t *testing.T) {
	b := buildFile(t, filepath.Join("testdata", "go1.24-setprocs.log"))
	p, _ := b.Longest()
	got := b.title(b.find(p.ProcessID))
	want := "gctrace: go1.24-setprocs.log — process 1 (Go 1.18+ trace, P=1–2)"
	if got != want {
		t.Errorf("title = %q, want %q", got, want)
	}
}

// TestRenderPage checks the size of a page of charts and its limits.
func TestRenderPage(t *testing.T) {
	b := buildFile(t, filepath.Join("testdata", "twoproc.log"))
	charts := []Chart{{ID: ProcessID{"twoproc.log", 1}, Title: "first"}, {ID: ProcessID{"twoproc.log", 2}, Title: "second"}}
	var buf bytes.Buffer
	if err := b.RenderPage(&buf, PNG, charts, RenderOptions{Width: 600, Height: 400}); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if sz := img.Bounds().Size(); sz.X != 600 || sz.Y != 800 {
		t.Errorf("page is %v, want 600×800: two charts of 400 one under the other", sz)
	}
	// Charts shrink to fit MaxSide, down to MinHeight.
	many := make([]Chart, MaxSide/MinHeight+1)
	for i := range many {
		many[i] = charts[i%2]
	}
	if err := b.RenderPage(io.Discard, SVG, many[:MaxSide/MinHeight], RenderOptions{}); err != nil {
		t.Errorf("%d charts: %v", MaxSide/MinHeight, err)
	}
	if err := b.RenderPage(io.Discard, SVG, many, RenderOptions{}); err == nil || !strings.Contains(err.Error(), "do not fit on one page") {
		t.Errorf("%d charts: %v, want do not fit on one page", len(many), err)
	}
	if err := b.RenderPage(io.Discard, SVG, []Chart{{ID: ProcessID{"twoproc.log", 3}}}, RenderOptions{}); !errors.Is(err, ErrNoProcess) {
		t.Errorf("process 3: %v, want ErrNoProcess", err)
	}
}
