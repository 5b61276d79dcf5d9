package main

import (
	"bufio"
	"time"

	"github.com/gctrace/gctrace/engine"
	"github.com/gctrace/gctrace/metrics"
	"github.com/gctrace/gctrace/report"
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
	if err := engine.CheckInputs(args); err != nil {
		return err
	}
	e, err := metrics.New(metrics.Options{Labels: opts.Metrics.Labels, MaxProcesses: opts.Metrics.MaxProcesses, QualifyProcess: len(args) > 1})
	if err != nil {
		return usagef("%v", err)
	}
	h := metrics.NewHistory(e, opts.Step)
	var t engine.Tally
	err = engine.EachInput(s.In, args, func(in *engine.Input) error {
		end := in.ModTime
		if end.IsZero() {
			end = time.Now()
		}
		return h.ReadLog(in.R, in.Name, opts.Config, end, &t)
	})
	if err != nil {
		return err
	}
	if err := t.NoTrace(); err != nil {
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
	report.WriteTally(s.Err, &t)
	return nil
}
