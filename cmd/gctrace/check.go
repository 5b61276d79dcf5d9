package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/engine"
	"github.com/gctrace/gctrace/report"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

type checkOptions struct {
	Format      report.CheckFormat
	Passthrough bool
	Analysis    analysisOptions
	Budgets     budgets
	Baseline    baselineOptions
	Args        []string
}

func newCmdCheck(s *streams, runF func(*checkOptions) error) *cobra.Command {
	opts := &checkOptions{Budgets: noBudgets()}
	var format string
	cmd := &cobra.Command{
		Use:   "check [FILE...]",
		Short: "Gate a CI build on a GC trace: budgets and rules, exit 1 when exceeded",
		Long: `Check runs the same analysis as gctrace analyze and turns it into a verdict
for a CI build. It reads the named files in order, or standard input.

Budgets are judged per process (a log of "go test ./..." holds one process
per test binary, and the go command's own):

  --max-gc-cpu PERCENT        GC CPU over the process's whole run
  --max-pause DURATION        any single stop-the-world pause
  --max-gc-rate PER_SECOND    GC cycles per second over the whole run
  --max-heap SIZE             heap in use at any cycle's start or mark end
  --max-alloc-rate SIZE/s     allocation rate over the whole run

A budget exceeded is a finding of severity error named budget-gc-cpu,
budget-pause, budget-gc-rate, budget-heap or budget-alloc-rate. The rates
are not judged for a process that ran under a second (too few cycles to
measure one). Figures are as the trace prints them: sizes in whole MiB,
truncated. Sizes take KiB, MiB, GiB (a plain number is MiB); rates the same
with /s.

The rules of gctrace analyze run too (see gctrace rules). The check fails
when any finding is at or above --fail-on (default error: the budgets, and
rules at their error level such as a 100 ms pause or GC CPU above 50%).
--fail-on warning makes every warning fail it. --rules turns rules off or
on: "--rules -forced-gc,-periodic-gc" runs all but those two,
"--rules long-pause,high-gc-cpu" only those, "+ID" turns one back on.

Output, one line per finding, compiler style:

  FILE:LINE: severity: rule: message

--format github writes GitHub Actions workflow commands (annotations on
the file and line; notice for info); --format junit writes a JUnit XML
report with one test case per rule and budget (failed when a finding at or
above --fail-on fired, skipped when disabled); --format json writes the full
report of gctrace analyze with the verdict added ("pass", "fail_on",
"budgets", "failures"). The verdict goes to standard error, and so do the
lines of the input that are not GC trace (the test output of "go test")
with --passthrough.

--config FILE holds the same settings, one NAME = VALUE per line, "#" for
comments; flags override it:

  # gctrace.conf
  max-gc-cpu = 10
  max-pause = 5ms
  fail-on = warning
  rules = -forced-gc, -periodic-gc
  long-pause.warning = 2ms

--baseline OLD.log compares the trace with a baseline's instead, as
gctrace diff does, and fails when a metric gets significantly worse (at
α=0.05) by more than its allowance: --max-regression gc-cpu=10%,pause-p99=20%,alloc-rate=15%
(the default; a list given changes those named, METRIC=off drops one; the
metrics: gc-rate, gc-cpu, pause-p50, pause-p95, pause-p99, alloc-rate,
live-heap, assist). A change the test cannot tell from noise passes,
however large. Each failure names the metric, the change and its 95%
interval. Budgets given with it are judged on the new trace too.

Exit status: 0 pass, 1 a finding at or above --fail-on (or a regression),
2 a usage or input error, including an input that holds no GC trace at all.`,
		Example: `  GODEBUG=gctrace=1 go test ./... 2>&1 | gctrace check --passthrough --max-gc-cpu 10 --max-pause 5ms
  gctrace check --max-heap 512MiB --max-alloc-rate 1GiB/s --format github run.log
  gctrace check --config gctrace.conf --format junit run.log > gctrace-junit.xml
  GODEBUG=gctrace=1 ./loadtest 2>&1 | gctrace check --fail-on warning --rules -periodic-gc
  gctrace check --baseline main.log --max-regression gc-cpu=5%,gc-rate=20% branch.log`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := report.ParseCheckFormat(format)
			if err != nil {
				return usagef("%v", err)
			}
			opts.Format = f
			if err := opts.Analysis.resolve(cmd.Flags(), &opts.Budgets); err != nil {
				return err
			}
			opts.Args = args
			if err := opts.Baseline.resolve(cmd.Flags(), opts); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			if opts.Baseline.Old != "" {
				return runBaselineCheck(s, opts)
			}
			return runCheck(s, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&format, "format", "f", string(report.CheckText), "output format: text, json, github or junit")
	fl.BoolVar(&opts.Passthrough, "passthrough", false, "echo the lines that are not GC trace (the program's output) to standard error")
	opts.Budgets.addFlags(fl)
	opts.Baseline.addFlags(fl)
	opts.Analysis.addFlags(fl)
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "json", "github", "junit"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions([]string{"info", "warning", "error"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runCheck(s *streams, opts *checkOptions) error {
	eo := engine.Options{Config: opts.Analysis.Config, Budgets: &opts.Budgets.Budgets, Stdin: s.In, Log: s.Err}
	var echo *report.LineWriter
	if opts.Passthrough {
		echo = report.NewLineWriter(s.Err, s.InIsPipe)
		eo.Subscribers = append(eo.Subscribers, &report.Console{Echo: echo})
	}
	eng := engine.New(eo)
	ctx, stopInterrupt := interruptContext()
	defer stopInterrupt()
	interrupted, err := eng.Read(ctx, opts.Args)
	if err != nil {
		return err
	}
	if interrupted {
		fmt.Fprintln(s.Err, "gctrace: interrupted: the verdict covers what was read")
	}
	res := eng.Finish(interrupted)
	if echo != nil {
		echo.FlushHeld()
		if err := echo.Flush(); err != nil {
			return err
		}
	}
	if err := res.NoTrace(); err != nil {
		return err
	}
	v := report.Judge(res, opts.Budgets.FailOn)
	out := report.NewLineWriter(s.Out, false)
	if err := report.WriteCheck(out, opts.Format, res, opts.Budgets.gate(), v); err != nil {
		return err
	}
	if err := out.Flush(); err != nil {
		return err
	}
	return checkStatus(s, v)
}

// checkStatus prints a passing verdict, or returns the failing one as the
// exit status (root prints it).
func checkStatus(s *streams, v report.Verdict) error {
	if v.Pass() {
		fmt.Fprintf(s.Err, "gctrace: %s\n", v.Passed())
		return nil
	}
	return &exitStatus{code: exitFailed, msg: v.Failed()}
}

// Budget keys: flag names, config file keys and (with "budget-" for
// "max-") rule IDs of the findings.
const (
	keyMaxGCCPU     = "max-gc-cpu"
	keyMaxPause     = "max-pause"
	keyMaxGCRate    = "max-gc-rate"
	keyMaxHeap      = "max-heap"
	keyMaxAllocRate = "max-alloc-rate"
	keyFailOn       = "fail-on"
)

var budgetKeys = []string{keyFailOn, keyMaxAllocRate, keyMaxGCCPU, keyMaxGCRate, keyMaxHeap, keyMaxPause}

func isBudgetKey(name string) bool {
	for _, k := range budgetKeys {
		if k == name {
			return true
		}
	}
	return false
}

// budgets are the limits of a gate, as the flags and config file give
// them.
type budgets struct {
	analyze.Budgets
	FailOn analyze.Severity
	given  map[string]string // key → value as given, for the report
}

// budgetValue makes one budget a flag.
type budgetValue struct {
	b   *budgets
	key string
}

func (v budgetValue) String() string {
	if v.b == nil {
		return ""
	}
	return v.b.given[v.key]
}
func (v budgetValue) Set(s string) error { return v.b.set(v.key, s) }
func (v budgetValue) Type() string {
	switch v.key {
	case keyMaxGCCPU:
		return "PERCENT"
	case keyMaxPause:
		return "DURATION"
	case keyMaxGCRate:
		return "PER_SECOND"
	case keyMaxHeap:
		return "SIZE"
	case keyMaxAllocRate:
		return "SIZE/s"
	}
	return "SEVERITY"
}

func noBudgets() budgets {
	return budgets{Budgets: analyze.NoBudgets(), FailOn: analyze.Error}
}

func (b *budgets) addFlags(fl *pflag.FlagSet) {
	fl.Var(budgetValue{b, keyMaxGCCPU}, keyMaxGCCPU, "fail when a process's GC CPU over its run exceeds this (10 or 10%)")
	fl.Var(budgetValue{b, keyMaxPause}, keyMaxPause, "fail when any stop-the-world pause exceeds this (5ms)")
	fl.Var(budgetValue{b, keyMaxGCRate}, keyMaxGCRate, "fail when a process runs more GC cycles per second than this")
	fl.Var(budgetValue{b, keyMaxHeap}, keyMaxHeap, "fail when the heap in use exceeds this (512MiB; a plain number is MiB)")
	fl.Var(budgetValue{b, keyMaxAllocRate}, keyMaxAllocRate, "fail when a process allocates faster than this (1GiB/s; a plain number is MiB/s)")
	fl.Var(budgetValue{b, keyFailOn}, keyFailOn, "fail on findings of this severity or worse: info, warning or error (default error)")
}

// set sets one budget from its flag or config file value.
func (b *budgets) set(key, value string) error {
	value = strings.TrimSpace(value)
	var err error
	switch key {
	case keyMaxGCCPU:
		b.GCCPU, err = analyze.ParsePercent(value)
	case keyMaxPause:
		b.Pause, err = time.ParseDuration(value)
		if err != nil || b.Pause < 0 {
			err = fmt.Errorf("want a duration such as 5ms, not %q", value)
		}
	case keyMaxGCRate:
		b.GCRate, err = analyze.ParseNumber(strings.TrimSuffix(value, "/s"))
	case keyMaxHeap:
		var n float64
		n, err = analyze.ParseSize(value)
		b.Heap = int64(n)
	case keyMaxAllocRate:
		b.AllocRate, err = analyze.ParseRate(value)
	case keyFailOn:
		b.FailOn, err = analyze.ParseSeverity(value)
	default:
		err = fmt.Errorf("unknown budget %q", key)
	}
	if err != nil {
		return fmt.Errorf("%s: %v", key, err)
	}
	if b.given == nil {
		b.given = map[string]string{}
	}
	b.given[key] = value
	return nil
}

// gate is what the check judges by, for its report.
func (b *budgets) gate() *report.Gate {
	return &report.Gate{FailOn: b.FailOn, Budgets: b.given, Rules: b.Rules()}
}

// active reports whether any budget or --fail-on was given: run is a gate
// only then.
func (b *budgets) active() bool { return len(b.given) > 0 }
