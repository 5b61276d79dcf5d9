package main

import (
	"bufio"
	"io"
	"os"
	"time"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/metrics"
	"github.com/gctrace/gctrace/parser"
)

// runExportOpenMetrics writes the Prometheus series of a finished log,
// sampled every step of the trace's time when its lines carry timestamps,
// and once at the end of each input (the last timestamp, else the file's
// modification time, else now).
func runExportOpenMetrics(s *streams, opts *exportOptions) error {
	args := opts.Args
	if len(args) == 0 {
		args = []string{"-"}
	}
	for _, name := range args {
		if name != "-" {
			fi, err := os.Stat(name)
			if err := inputError(name, fi, err); err != nil {
				return err
			}
		}
	}
	e, err := metrics.New(metrics.Options{Labels: opts.Metrics.Labels, MaxProcesses: opts.Metrics.MaxProcesses, QualifyProcess: len(args) > 1})
	if err != nil {
		return usagef("%v", err)
	}
	h := metrics.NewHistory(e, opts.Step)
	var t tally
	for _, name := range args {
		var rd io.Reader = s.In
		end := time.Now()
		if name != "-" {
			f, err := os.Open(name)
			if err != nil {
				return inputError(name, nil, err)
			}
			defer f.Close()
			if fi, err := f.Stat(); err == nil {
				end = fi.ModTime()
			}
			rd = f
		}
		sr := metrics.NewStampReader(rd)
		r := parser.NewReader(sr, name)
		an := analyze.New(opts.Config, e.Finding)
		for r.Scan() {
			rec := r.Record()
			if se, ok := rec.(*parser.SyntaxError); ok {
				t.note(se)
			}
			an.Add(rec)
			e.Record(rec)
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
		t.add(r.Stats())
		e.Done(an.Report(), false)
		if err := h.Sample(end); err != nil {
			return err
		}
	}
	if err := t.noTrace(); err != nil {
		return err
	}
	out := bufio.NewWriter(s.Out)
	write := h.WriteOpenMetrics
	if opts.Format == exportProm {
		write = h.WriteText
	}
	if err := write(out); err != nil {
		return err
	}
	if err := out.Flush(); err != nil {
		return err
	}
	t.summary(s.Err)
	return nil
}
