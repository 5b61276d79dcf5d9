package engine_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/engine"
	"github.com/gctrace/gctrace/parser"
)

// caller notes every call it receives.
type caller struct {
	name  string
	calls *[]string
}

func (r caller) note(s string) { *r.calls = append(*r.calls, r.name+" "+s) }

func (r caller) Record(rec parser.Record)       { r.note(fmt.Sprintf("record %T", rec)) }
func (r caller) Finding(f analyze.Finding)      { r.note("finding " + f.Rule) }
func (r caller) Attribution(f analyze.Finding)  { r.note("attribution " + f.Attribution) }
func (r caller) Progress(*analyze.Report)       { r.note("progress") }
func (r caller) Done(_ *analyze.Report, i bool) { r.note(fmt.Sprint("done ", i)) }

// TestSubscribers: the engine hands every call to each subscriber in the
// order subscribed, and Subscribe(nil) adds none.
func TestSubscribers(t *testing.T) {
	var calls []string
	eng := engine.New(engine.Options{Subscribers: []engine.Subscriber{caller{"a", &calls}, engine.Base{}}})
	eng.Subscribe(nil)
	eng.Subscribe(caller{"b", &calls})
	line := "gc 1 @0.007s 4%: 2.0+3.8+0.23 ms clock, 4.0+0.56/0.17/0+0.47 ms cpu, 3->3->3 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n"
	if err := eng.ReadStream(strings.NewReader(line), "t.log"); err != nil {
		t.Fatal(err)
	}
	eng.Finish(true)
	want := []string{"a record *parser.GC", "b record *parser.GC", "a done true", "b done true"}
	if !reflect.DeepEqual(calls, want) {
		t.Errorf("calls\n%q\nwant\n%q", calls, want)
	}
}
