package main

import (
	"fmt"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/report"

	"github.com/gctrace/gctrace/compare"
	"github.com/spf13/pflag"
)

// baselineOptions are check's flags for gating on a comparison with a
// baseline trace.
type baselineOptions struct {
	Old           string
	MaxRegression []string // METRIC=PERCENT lists, in order
	Compare       compareOptions

	allow compare.Allowances // resolved
}

func (o *baselineOptions) addFlags(fl *pflag.FlagSet) {
	fl.StringVar(&o.Old, "baseline", "", "compare with the trace in `OLD.log` (say main's) and fail on significant regressions")
	fl.StringArrayVar(&o.MaxRegression, "max-regression", nil,
		"with --baseline, the increase allowed, `METRIC=PERCENT[,...]` or METRIC=off (default gc-cpu=10%,pause-p99=20%,alloc-rate=15%)")
	o.Compare.addFlags(fl)
}

// resolve checks the flags against the rest of check's options.
func (o *baselineOptions) resolve(fl *pflag.FlagSet, opts *checkOptions) error {
	if o.Old == "" {
		for _, name := range []string{"max-regression", "match", "window"} {
			if fl.Changed(name) {
				return usagef("--%s needs --baseline", name)
			}
		}
		return nil
	}
	if len(opts.Args) > 1 {
		return usagef("check --baseline compares one NEW trace with OLD, not %d", len(opts.Args))
	}
	if len(opts.Args) == 1 && opts.Args[0] == "-" && o.Old == "-" {
		return usagef("only one of OLD and NEW can be standard input (-)")
	}
	if opts.Format == report.CheckJUnit {
		return usagef("--format junit does not go with --baseline (use text, json or github)")
	}
	o.allow = compare.DefaultAllowances()
	for _, s := range o.MaxRegression {
		if err := o.allow.Set(s); err != nil {
			return usagef("--max-regression: %v", err)
		}
	}
	return o.Compare.resolve()
}

// runBaselineCheck is check --baseline: the comparison of gctrace diff,
// judged on the allowances, and the budgets on the new trace when any is
// given.
func runBaselineCheck(s *streams, opts *checkOptions) error {
	b := &opts.Baseline
	newName := "-"
	if len(opts.Args) == 1 {
		newName = opts.Args[0]
	}
	var gate *analyze.Budgets
	if opts.Budgets.active() {
		gate = &opts.Budgets.Budgets
	}
	var echo *report.LineWriter
	if opts.Passthrough {
		echo = report.NewLineWriter(s.Err, s.InIsPipe)
	}
	res, an, err := compareTraces(s, b.Old, newName, opts.Analysis.Config, gate, echo, b.Compare.opts)
	if err != nil {
		return err
	}
	v := res.Judge(b.allow)
	var budgetFails []string
	if gate != nil {
		for _, f := range report.Judge(an, opts.Budgets.FailOn).Fails {
			budgetFails = append(budgetFails, report.FindingLine(&f))
		}
	}
	out := report.NewLineWriter(s.Out, false)
	for _, l := range budgetFails {
		out.Say(l)
	}
	f := compare.Text
	switch opts.Format {
	case report.CheckJSON:
		f = compare.JSON
	case report.CheckGitHub:
		f = compare.GitHub
	}
	if err := v.Render(out, f); err != nil {
		return err
	}
	if err := out.Flush(); err != nil {
		return err
	}
	switch {
	case !v.Pass() && len(budgetFails) > 0:
		return &exitStatus{code: exitFailed, msg: fmt.Sprintf("check failed: %s, and %d %s over budget", v.Summary(),
			len(budgetFails), report.Plural(int64(len(budgetFails)), "finding", "findings"))}
	case !v.Pass():
		return &exitStatus{code: exitFailed, msg: "check failed: " + v.Summary()}
	case len(budgetFails) > 0:
		return &exitStatus{code: exitFailed, msg: fmt.Sprintf("check failed: %d %s at or above %s", len(budgetFails),
			report.Plural(int64(len(budgetFails)), "finding", "findings"), opts.Budgets.FailOn)}
	}
	fmt.Fprintf(s.Err, "gctrace: check passed: no metric significantly worse than allowed (%s) in %d process %s\n",
		b.allow, len(res.Pairs), report.Plural(int64(len(res.Pairs)), "pair", "pairs"))
	return nil
}
