package main

import (
	"fmt"
	"time"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/compare"
	"github.com/gctrace/gctrace/engine"
	"github.com/gctrace/gctrace/report"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

type diffOptions struct {
	Format   compare.Format
	Compare  compareOptions
	Analysis analysisOptions
	Old, New string
}

// compareOptions are the settings diff and check --baseline share.
type compareOptions struct {
	Match  string
	Window time.Duration
	opts   compare.Options // resolved
}

func (o *compareOptions) addFlags(fl *pflag.FlagSet) {
	fl.StringVar(&o.Match, "match", "", "pair processes by the ids gctrace analyze prints, `OLD=NEW[,...]` (default: by go test package, then in order)")
	fl.DurationVar(&o.Window, "window", compare.DefaultWindow, "window the rates (cycles/s, GC CPU, allocation rate, assist share) are sampled on; shorter for short runs, longer for a slow GC")
}

func (o *compareOptions) resolve() error {
	o.opts = compare.Options{Window: o.Window}
	if o.Window <= 0 {
		return usagef("--window must be positive, not %v", o.Window)
	}
	if o.Match != "" {
		m, err := compare.ParseMatch(o.Match)
		if err != nil {
			return usagef("--match: %v", err)
		}
		o.opts.Match = m
	}
	return nil
}

func newCmdDiff(s *streams, runF func(*diffOptions) error) *cobra.Command {
	opts := &diffOptions{}
	var format string
	cmd := &cobra.Command{
		Use:   "diff OLD NEW",
		Short: "Compare two GC traces, benchstat-style: did GC get worse?",
		Long: `Diff compares the GC trace of one run (OLD, say main) with another's (NEW,
say a branch), process by process, and tells which differences are
significant, the way benchstat compares benchmark runs. Either may be "-"
for standard input.

For each pair of processes it prints a table: GC cycles per second, GC CPU,
pause p50/p95/p99/max, allocation rate, bytes allocated per cycle, live heap
(median and max), peak heap, effective GOGC and the assist share. Each side
is "figure ± interval" (a 95% confidence interval, as a share of the
figure); then the change, its 95% interval, the p-value and the sample
sizes. "~" means the difference is not significant: a p-value above
α=0.05, or an interval of the change that holds zero.

The samples: one per GC cycle for pauses, heaps, bytes per cycle and GOGC;
one per window of the trace's own clock for the rates (--window, 1s;
shorter where a run holds fewer than five, longer where two cycle
intervals of the slower side do not fit, so that each window holds
cycles). Medians and rates are compared with the Mann-Whitney U test, p95
and p99 with an exceedance test (how many NEW cycles lie above OLD's p95 or
p99, against what chance allows); a maximum is one cycle, shown but not
tested. Sizes are MiB as
the trace prints them (truncated).

Then the findings of gctrace analyze that fire only in NEW (new problems)
and only in OLD (fixed), by rule.

A log may hold several processes ("go test ./..." prints one per test
binary, and the go command's own). They are paired by the package of the
"ok  pkg 1.2s" / "FAIL pkg 1.2s" line that follows a test binary's trace,
then in order; --match 1=1,3=2 pairs them by the ids gctrace analyze
prints. Processes left without a pair are listed.

--format markdown writes a PR comment, github workflow annotations
(warnings on what got worse and on new findings), json the model
("version": 1). To fail a build on it, see gctrace check --baseline.`,
		Example: `  GODEBUG=gctrace=1 ./bench-main 2> old.log; GODEBUG=gctrace=1 ./bench-branch 2> new.log
  gctrace diff old.log new.log
  GODEBUG=gctrace=1 go test -v -count=1 ./pkg 2>&1 | gctrace diff main.log -
  gctrace diff --format markdown old.log new.log > comment.md
  gctrace diff --match 2=2 old.log new.log`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := compare.ParseFormat(format)
			if err != nil {
				return usagef("%v", err)
			}
			opts.Format = f
			if err := opts.Analysis.resolve(cmd.Flags(), nil); err != nil {
				return err
			}
			if err := opts.Compare.resolve(); err != nil {
				return err
			}
			opts.Old, opts.New = args[0], args[1]
			if opts.Old == "-" && opts.New == "-" {
				return usagef("only one of OLD and NEW can be standard input (-)")
			}
			if runF != nil {
				return runF(opts)
			}
			return runDiff(s, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&format, "format", "f", string(compare.Text), "output format: text, markdown, json or github")
	opts.Compare.addFlags(fl)
	opts.Analysis.addFlags(fl)
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "markdown", "json", "github"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runDiff(s *streams, opts *diffOptions) error {
	res, _, err := compareTraces(s, opts.Old, opts.New, opts.Analysis.Config, nil, nil, opts.Compare.opts)
	if err != nil {
		return err
	}
	out := report.NewLineWriter(s.Out, false)
	if err := res.Render(out, opts.Format); err != nil {
		return err
	}
	return out.Flush()
}

// compareTraces reads both traces, each through the analysis of
// gctrace analyze, and compares them. budgets, when not nil, are judged on
// the new trace, and echo takes its program's lines; the new trace's
// result is returned.
func compareTraces(s *streams, old, new string, cfg analyze.Config, budgets *analyze.Budgets, echo *report.LineWriter, opt compare.Options) (*compare.Result, *engine.Result, error) {
	o, _, err := readTrace(s, old, cfg, nil, nil)
	if err != nil {
		return nil, nil, err
	}
	n, res, err := readTrace(s, new, cfg, budgets, echo)
	if err != nil {
		return nil, nil, err
	}
	cmp, err := compare.Compare(o, n, opt)
	if err != nil {
		return nil, nil, usagef("%v", err)
	}
	return cmp, res, nil
}

// readTrace reads one side of a comparison through the engine of gctrace
// analyze, with the comparison's collector subscribed; budgets are judged
// and echo takes the program's lines, when not nil.
func readTrace(s *streams, name string, cfg analyze.Config, budgets *analyze.Budgets, echo *report.LineWriter) (*compare.Trace, *engine.Result, error) {
	c := compare.NewCollector()
	eo := engine.Options{Config: cfg, Budgets: budgets, Stdin: s.In, Log: s.Err,
		Subscribers: []engine.Subscriber{c.Subscriber()}}
	if echo != nil {
		eo.Subscribers = append(eo.Subscribers, &report.Console{Echo: echo})
	}
	eng := engine.New(eo)
	ctx, stopInterrupt := interruptContext()
	defer stopInterrupt()
	interrupted, err := eng.Read(ctx, []string{name})
	if err != nil {
		return nil, nil, err
	}
	if interrupted {
		return nil, nil, &exitStatus{code: exitError, msg: "interrupted: nothing compared"}
	}
	res := eng.Finish(false)
	if echo != nil {
		echo.FlushHeld()
		if err := echo.Flush(); err != nil {
			return nil, nil, err
		}
	}
	if err := res.NoTrace(); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	return c.Trace(name, res.Report), res, nil
}
