package engine

import (
	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/parser"
)

// Subscribers hands every call on to each of its subscribers, in order,
// so that the engine serves several outputs at once (--metrics and --http).
type Subscribers []Subscriber

var _ Subscriber = Subscribers(nil)

func (s Subscribers) Record(rec parser.Record) {
	for _, x := range s {
		x.Record(rec)
	}
}

func (s Subscribers) Finding(f analyze.Finding) {
	for _, x := range s {
		x.Finding(f)
	}
}

func (s Subscribers) Attribution(f analyze.Finding) {
	for _, x := range s {
		x.Attribution(f)
	}
}

func (s Subscribers) Progress(rep *analyze.Report) {
	for _, x := range s {
		x.Progress(rep)
	}
}

func (s Subscribers) Done(rep *analyze.Report, interrupted bool) {
	for _, x := range s {
		x.Done(rep, interrupted)
	}
}
