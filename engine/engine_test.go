package engine_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/engine"
	"github.com/gctrace/gctrace/parser"
)

// recorder is a subscriber that keeps what it was handed, in order, and
// fails the test when two of its methods run at once.
type recorder struct {
	t        *testing.T
	busy     sync.Mutex
	apart    bool
	events   []string // "record FILE:LINE", "finding RULE", "done"
	progress int
	done     int
	lines    []int
}

func (r *recorder) enter() func() {
	if !r.busy.TryLock() {
		r.t.Error("two methods of one subscriber at once")
		return func() {}
	}
	return r.busy.Unlock
}

func (r *recorder) Record(rec parser.Record) {
	defer r.enter()()
	if r.done > 0 {
		r.t.Error("Record after Done")
	}
	r.lines = append(r.lines, rec.Position().Line)
	if _, ok := rec.(*parser.GC); ok {
		r.events = append(r.events, "gc")
	}
}

func (r *recorder) Finding(f analyze.Finding) {
	defer r.enter()()
	r.events = append(r.events, "finding "+f.Rule)
}

func (r *recorder) Attribution(analyze.Finding) {}

func (r *recorder) Progress(rep *analyze.Report) {
	defer r.enter()()
	r.progress++
}

func (r *recorder) Done(rep *analyze.Report, interrupted bool) {
	defer r.enter()()
	r.done++
}

func (r *recorder) Concurrent() bool { return r.apart }

func trace(t *testing.T, rel string) string {
	t.Helper()
	p := filepath.Join("..", "testdata", filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		t.Skipf("trace %s not available: %v", rel, err)
	}
	return p
}

// TestSubscribersSeeTheStreamOnce reads a real trace as a file (decoded in
// pieces) and as a stream: every subscriber, inline or apart, sees every
// line once and in order, the same findings, and Done once.
func TestSubscribersSeeTheStreamOnce(t *testing.T) {
	path := trace(t, "bomb/animals.log")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Count(string(data), "\n")
	for _, how := range []string{"file", "stream"} {
		t.Run(how, func(t *testing.T) {
			inline, apart := &recorder{t: t}, &recorder{t: t, apart: true}
			e := engine.New(engine.Options{Config: analyze.DefaultConfig(), Subscribers: []engine.Subscriber{inline}})
			e.Subscribe(apart)
			if how == "file" {
				if _, err := e.Read(context.Background(), []string{path}); err != nil {
					t.Fatal(err)
				}
			} else {
				f, err := os.Open(path)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				if err := e.ReadStream(struct{ io.Reader }{f}, path); err != nil {
					t.Fatal(err)
				}
			}
			res := e.Finish(false)
			if res.GCLines == 0 || len(res.Findings) == 0 {
				t.Fatalf("no cycles or findings: %+v", res.Report)
			}
			for _, r := range []*recorder{inline, apart} {
				if len(r.lines) != lines || r.done != 1 {
					t.Errorf("apart=%v: %d records, %d Done; want %d and 1", r.apart, len(r.lines), r.done, lines)
				}
				for i, l := range r.lines {
					if l != i+1 {
						t.Errorf("apart=%v: record %d is line %d", r.apart, i, l)
						break
					}
				}
			}
			var a, b []string
			for _, ev := range inline.events {
				if ev != "gc" {
					a = append(a, ev)
				}
			}
			for _, ev := range apart.events {
				if ev != "gc" {
					b = append(b, ev)
				}
			}
			if strings.Join(a, ",") != strings.Join(b, ",") || len(a) == 0 {
				t.Errorf("findings differ:\ninline %v\napart  %v", a, b)
			}
			if inline.events[0] != "gc" {
				t.Errorf("a finding came before the first cycle: %v", inline.events[:3])
			}
		})
	}
}

// TestProgress streams a trace slowly: the subscribers receive the
// analysis so far while it streams, about once a ProgressInterval.
func TestProgress(t *testing.T) {
	if testing.Short() {
		t.Skip("streams for over a second")
	}
	rec := &recorder{t: t}
	e := engine.New(engine.Options{Config: analyze.DefaultConfig(), Subscribers: []engine.Subscriber{rec}})
	pr, pw := io.Pipe()
	go func() {
		for i := 1; i <= 30; i++ {
			fmt.Fprintf(pw, "gc %d @%d.%03ds 1%%: 0.020+0.50+0.010 ms clock, 0.080+0.10/0.40/0.20+0.040 ms cpu, 3->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 4 P\n", i, i/20, i*50%1000)
			time.Sleep(50 * time.Millisecond)
		}
		pw.Close()
	}()
	if err := e.ReadStream(pr, "-"); err != nil {
		t.Fatal(err)
	}
	e.Finish(false)
	if rec.progress < 1 || rec.progress > 2 {
		t.Errorf("%d progress calls over 1.5s, want 1 or 2", rec.progress)
	}
}
