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
	"github.com/gctrace/gctrace/attribute"
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

// attributions keeps the attributions it is handed.
type attributions struct {
	engine.Base
	mu  sync.Mutex
	got []analyze.Finding
}

func (a *attributions) Attribution(f analyze.Finding) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.got = append(a.got, f)
}

// TestAttribution names the code behind the dog's churn from a saved
// allocs profile: the subscribers receive the finding again with its
// attribution, before Done, and the result carries it.
func TestAttribution(t *testing.T) {
	prof := filepath.Join("..", "attribute", "testdata", "allocs.pb.gz")
	src, err := attribute.ParseSource(prof)
	if err != nil {
		t.Skip(err)
	}
	sub := &attributions{}
	e := engine.New(engine.Options{
		Config:      analyze.DefaultConfig(),
		Profiles:    map[string]engine.Profile{"": {Source: src, Seconds: 1}},
		Subscribers: []engine.Subscriber{sub},
	})
	if _, err := e.Read(context.Background(), []string{trace(t, "bomb/dog.log")}); err != nil {
		t.Fatal(err)
	}
	res := e.Finish(false)
	if len(sub.got) == 0 {
		t.Fatalf("no attribution; notes %v", res.Notes)
	}
	for _, f := range sub.got {
		if f.Attribution == "" {
			t.Errorf("%s: attribution handed without its text", f.Rule)
		}
	}
	var in int
	for _, f := range res.Findings {
		if f.Attribution != "" {
			in++
		}
	}
	if in != len(sub.got) {
		t.Errorf("%d findings attributed in the result, %d handed to subscribers", in, len(sub.got))
	}
}

// TestInterrupt reads a pipe that never ends: when the context is done,
// Read stops waiting for it and reports interrupted; what comes later is
// dropped and no subscriber hears of it after Done.
func TestInterrupt(t *testing.T) {
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pw.Close()
	defer pr.Close()
	rec := &recorder{t: t}
	e := engine.New(engine.Options{Config: analyze.DefaultConfig(), Stdin: pr, Subscribers: []engine.Subscriber{rec}})
	line := "gc 1 @0.010s 1%: 0.020+0.50+0.010 ms clock, 0.080+0.10/0.40/0.20+0.040 ms cpu, 3->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 4 P\n"
	if _, err := io.WriteString(pw, line); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(100 * time.Millisecond); cancel() }()
	interrupted, err := e.Read(ctx, nil)
	if err != nil || !interrupted {
		t.Fatalf("interrupted %v, err %v", interrupted, err)
	}
	res := e.Finish(true)
	if res.GCLines != 1 || rec.done != 1 {
		t.Errorf("%d GC lines, %d Done; want 1 and 1", res.GCLines, rec.done)
	}
	io.WriteString(pw, strings.Replace(line, "gc 1 ", "gc 2 ", 1))
	time.Sleep(50 * time.Millisecond) // a Record now would fail the test
}
