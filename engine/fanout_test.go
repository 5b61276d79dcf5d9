package engine_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/engine"
	"github.com/gctrace/gctrace/parser"
)

// recorder notes every call it receives.
type recorder struct {
	name  string
	calls *[]string
}

func (r recorder) note(s string) { *r.calls = append(*r.calls, r.name+" "+s) }

func (r recorder) Record(rec parser.Record)       { r.note(fmt.Sprintf("record %T", rec)) }
func (r recorder) Finding(f analyze.Finding)      { r.note("finding " + f.Rule) }
func (r recorder) Attribution(f analyze.Finding)  { r.note("attribution " + f.Attribution) }
func (r recorder) Progress(*analyze.Report)       { r.note("progress") }
func (r recorder) Done(_ *analyze.Report, i bool) { r.note(fmt.Sprint("done ", i)) }

func TestSubscribers(t *testing.T) {
	var calls []string
	subs := engine.Subscribers{recorder{"a", &calls}, engine.Base{}, recorder{"b", &calls}}
	subs.Record(&parser.GC{})
	subs.Finding(analyze.Finding{Rule: "alloc-churn"})
	subs.Attribution(analyze.Finding{Attribution: "(*Dog).Run"})
	subs.Progress(&analyze.Report{})
	subs.Done(&analyze.Report{}, true)
	want := []string{
		"a record *parser.GC", "b record *parser.GC",
		"a finding alloc-churn", "b finding alloc-churn",
		"a attribution (*Dog).Run", "b attribution (*Dog).Run",
		"a progress", "b progress",
		"a done true", "b done true",
	}
	if !reflect.DeepEqual(calls, want) {
		t.Errorf("calls\n%q\nwant\n%q", calls, want)
	}
}
