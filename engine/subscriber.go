package engine

import (
	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/parser"
)

// Subscriber is an output of the engine: the console, a chart builder,
// the live page, a metrics endpoint.
//
// The engine never calls the methods of one subscriber concurrently, and
// calls Record in input order, before the analyzer takes the record: the
// findings a record raises come after it. A subscriber that is also read
// by other goroutines (an HTTP handler) locks its own state. Methods must
// not block: the read loop waits for them. Several subscribers are called
// in the order they were subscribed.
type Subscriber interface {
	// Record receives every decoded record: *parser.GC, *parser.Runtime,
	// *parser.Text or *parser.SyntaxError. Its Position says which input
	// and process it belongs to. The record is only valid during the
	// call: copy it (records are flat values) to keep it.
	Record(rec parser.Record)
	// Finding receives a finding the moment the analyzer first detects it.
	Finding(f analyze.Finding)
	// Attribution receives a finding again once its Attribution is filled
	// in from a profile (--pprof).
	Attribution(f analyze.Finding)
	// Progress receives the analysis so far, about once a second while
	// the input streams.
	Progress(rep *analyze.Report)
	// Done receives the final report once the input has ended, or was
	// interrupted (Ctrl-C): the budgets' findings merged in, attributions
	// and advice filled in, worst first. No method is called after it.
	Done(rep *analyze.Report, interrupted bool)
}

// Concurrent is implemented by a subscriber that needs nothing but the
// records and takes them beside the analyzer when Concurrent returns true:
// reading a regular file, the engine hands it each batch of records on a
// goroutine of its own while the analyzer and the other subscribers take
// the same batch (the chart builder of gctrace plot). Its other methods
// are still never called during its Record calls: the findings of a batch
// reach it after the batch's records.
type Concurrent interface {
	Subscriber
	Concurrent() bool
}

// Base implements every method of Subscriber as doing nothing, for
// subscribers to embed and override what they need.
type Base struct{}

func (Base) Record(parser.Record)        {}
func (Base) Finding(analyze.Finding)     {}
func (Base) Attribution(analyze.Finding) {}
func (Base) Progress(*analyze.Report)    {}
func (Base) Done(*analyze.Report, bool)  {}
