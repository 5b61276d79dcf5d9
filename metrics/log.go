package metrics

import (
	"io"
	"time"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/engine"
	"github.com/gctrace/gctrace/parser"
)

// ReadLog reads one finished log into the history (gctrace export
// --format openmetrics): its records go to the exporter, and its findings
// through an analyzer of its own, with a sample at each step of the
// timestamps its lines carry, and one at its end: its last timestamp,
// else end. t counts what was read.
func (h *History) ReadLog(in io.Reader, name string, cfg analyze.Config, end time.Time, t *engine.Tally) error {
	sr := NewStampReader(in)
	r := parser.NewReader(sr, name)
	an := analyze.New(cfg, h.e.Finding)
	for r.Scan() {
		rec := r.Record()
		if se, ok := rec.(*parser.SyntaxError); ok {
			t.Note(se)
		}
		an.Add(rec)
		h.e.Record(rec)
		if ts, ok := sr.Time(rec.Position().Line); ok {
			end = ts
			if err := h.At(ts); err != nil {
				return err
			}
		}
	}
	if err := r.Err(); err != nil {
		return err
	}
	t.Add(r.Stats())
	h.e.Done(an.Report(), false)
	return h.Sample(end)
}
