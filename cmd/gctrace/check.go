package main

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/parser"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// checkFormat is the output format of gctrace check.
type checkFormat string

const (
	checkText   checkFormat = "text"
	checkJSON   checkFormat = "json"
	checkGitHub checkFormat = "github"
	checkJUnit  checkFormat = "junit"
)

func parseCheckFormat(s string) (checkFormat, error) {
	switch f := checkFormat(strings.ToLower(s)); f {
	case checkText, checkJSON, checkGitHub, checkJUnit:
		return f, nil
	}
	return "", usagef("unknown format %q (want text, json, github or junit)", s)
}

type checkOptions struct {
	Format      checkFormat
	Passthrough bool
	Analysis    analysisOptions
	Budgets     budgets
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

Exit status: 0 pass, 1 a finding at or above --fail-on, 2 a usage or input
error, including an input that holds no GC trace at all.`,
		Example: `  GODEBUG=gctrace=1 go test ./... 2>&1 | gctrace check --passthrough --max-gc-cpu 10 --max-pause 5ms
  gctrace check --max-heap 512MiB --max-alloc-rate 1GiB/s --format github run.log
  gctrace check --config gctrace.conf --format junit run.log > gctrace-junit.xml
  GODEBUG=gctrace=1 ./loadtest 2>&1 | gctrace check --fail-on warning --rules -periodic-gc`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := parseCheckFormat(format)
			if err != nil {
				return err
			}
			opts.Format = f
			if err := opts.Analysis.resolve(cmd.Flags(), &opts.Budgets); err != nil {
				return err
			}
			opts.Args = args
			if runF != nil {
				return runF(opts)
			}
			return runCheck(s, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&format, "format", "f", string(checkText), "output format: text, json, github or junit")
	fl.BoolVar(&opts.Passthrough, "passthrough", false, "echo the lines that are not GC trace (the program's output) to standard error")
	opts.Budgets.addFlags(fl)
	opts.Analysis.addFlags(fl)
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "json", "github", "junit"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions([]string{"info", "warning", "error"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runCheck(s *streams, opts *checkOptions) error {
	ss := &session{cfg: opts.Analysis.Config, gate: &opts.Budgets}
	var echo *lineWriter
	if opts.Passthrough {
		echo = newLineWriter(s.Err, s.InIsPipe)
		ss.echo = echo
	}
	ss.start()
	interrupted, err := ss.readAll(s, opts.Args)
	if err != nil {
		return err
	}
	if interrupted {
		fmt.Fprintln(s.Err, "gctrace: interrupted: the verdict covers what was read")
	}
	res := ss.finish(s.Err)
	if echo != nil {
		echo.flushHeld()
		if err := echo.flush(); err != nil {
			return err
		}
	}
	if err := res.noTrace(); err != nil {
		return err
	}
	v := opts.Budgets.verdict(res)
	out := newLineWriter(s.Out, false)
	if err := renderCheck(out, opts.Format, res, &opts.Budgets, v); err != nil {
		return err
	}
	if err := out.flush(); err != nil {
		return err
	}
	return v.status(s)
}

// verdict is the outcome of a gate.
type verdict struct {
	fails  []analyze.Finding // at or above FailOn
	failOn analyze.Severity
	total  int // findings
	cycles int64
	procs  int
}

func (b *budgets) verdict(res *analysis) verdict {
	v := verdict{failOn: b.FailOn, total: len(res.Findings), cycles: res.GCLines, procs: len(res.Processes)}
	for _, f := range res.Findings {
		if f.Severity >= b.FailOn {
			v.fails = append(v.fails, f)
		}
	}
	return v
}

func (v verdict) pass() bool { return len(v.fails) == 0 }

// status prints a passing verdict, or returns the failing one as the exit
// status (root prints it).
func (v verdict) status(s *streams) error {
	if v.pass() {
		below := ""
		if v.total > 0 {
			below = fmt.Sprintf("; %d %s below %s", v.total, plural(int64(v.total), "finding", "findings"), v.failOn)
		}
		fmt.Fprintf(s.Err, "gctrace: check passed: %d GC %s in %d %s%s\n",
			v.cycles, plural(v.cycles, "cycle", "cycles"), v.procs, plural(int64(v.procs), "process", "processes"), below)
		return nil
	}
	return &exitStatus{code: exitFailed, msg: v.message()}
}

func (v verdict) message() string {
	seen := map[string]bool{}
	var rules []string
	for _, f := range v.fails {
		if !seen[f.Rule] {
			seen[f.Rule] = true
			rules = append(rules, f.Rule)
		}
	}
	sort.Strings(rules)
	return fmt.Sprintf("check failed: %d %s at or above %s (%s)",
		len(v.fails), plural(int64(len(v.fails)), "finding", "findings"), v.failOn, strings.Join(rules, ", "))
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

	ruleBudgetGCCPU     = "budget-gc-cpu"
	ruleBudgetPause     = "budget-pause"
	ruleBudgetGCRate    = "budget-gc-rate"
	ruleBudgetHeap      = "budget-heap"
	ruleBudgetAllocRate = "budget-alloc-rate"
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

// budgets are the limits of a gate and what the trace did against them.
// A negative limit is unset.
type budgets struct {
	GCCPU     float64       // percent
	Pause     time.Duration //
	GCRate    float64       // cycles per second
	Heap      int64         // bytes
	AllocRate float64       // bytes per second
	FailOn    analyze.Severity
	failOnSet bool
	given     map[string]string // key → value as given, for the report

	hits     map[hitKey]*budgetHit
	lostHits int64
	notes    []string
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
	return budgets{GCCPU: -1, Pause: -1, GCRate: -1, Heap: -1, AllocRate: -1, FailOn: analyze.Error}
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
		b.failOnSet = err == nil
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

// active reports whether any budget or --fail-on was given: run is a gate
// only then.
func (b *budgets) active() bool { return len(b.given) > 0 }

// hitKey names the budget findings of one process.
type hitKey struct {
	file    string
	process int
	rule    string
}

// budgetHit gathers the cycles of one process that broke a per-cycle
// budget (pause, heap).
type budgetHit struct {
	hitKey
	count               int64
	firstLine, lastLine int
	firstN, lastN       int
	start, end          time.Duration
	worst               float64 // ns or bytes
	worstN, worstLine   int
}

// maxHits bounds the per-cycle budget findings kept, as the analyzer
// bounds its processes: a log of many small processes must not grow the
// gate without limit.
const maxHits = 1000

// cycle judges the per-cycle budgets, which can fire while streaming.
func (b *budgets) cycle(g *parser.GC, live *lineWriter) {
	if b.Pause >= 0 {
		if p := g.Pause(); p > b.Pause {
			b.hit(ruleBudgetPause, g, float64(p), live)
		}
	}
	if b.Heap >= 0 {
		if h := max(g.HeapStart, g.HeapEnd); h > b.Heap {
			b.hit(ruleBudgetHeap, g, float64(h), live)
		}
	}
}

func (b *budgets) hit(rule string, g *parser.GC, v float64, live *lineWriter) {
	k := hitKey{g.File, g.Process, rule}
	h := b.hits[k]
	if h == nil {
		if len(b.hits) >= maxHits {
			b.lostHits++
			return
		}
		if b.hits == nil {
			b.hits = map[hitKey]*budgetHit{}
		}
		h = &budgetHit{hitKey: k, firstLine: g.Line, firstN: g.N, start: -1, end: -1}
		if g.Start >= 0 {
			h.start = g.Start
		}
		b.hits[k] = h
		if live != nil {
			f := b.hitFinding(h, g, v)
			live.say("gctrace: " + findingLine(&f))
		}
	}
	h.count++
	h.lastLine, h.lastN = g.Line, g.N
	if g.Start >= 0 {
		h.end = g.Start
	}
	if v > h.worst {
		h.worst, h.worstN, h.worstLine = v, g.N, g.Line
	}
}

// hitFinding is the finding of the first cycle over a budget, as streamed.
func (b *budgets) hitFinding(h *budgetHit, g *parser.GC, v float64) analyze.Finding {
	c := *h
	c.count, c.lastLine, c.lastN, c.end = 1, g.Line, g.N, c.start
	c.worst, c.worstN, c.worstLine = v, g.N, g.Line
	return b.finding(&c)
}

func (b *budgets) finding(h *budgetHit) analyze.Finding {
	f := analyze.Finding{
		Rule: h.rule, Severity: analyze.Error, Process: h.process, File: h.file,
		FirstLine: h.firstLine, LastLine: h.lastLine, FirstCycle: h.firstN, LastCycle: h.lastN,
		Start: h.start, End: h.end, Advice: budgetAdvice(h.rule),
	}
	n := fmt.Sprintf("%d %s", h.count, plural(h.count, "cycle", "cycles"))
	switch h.rule {
	case ruleBudgetPause:
		worst := time.Duration(h.worst)
		f.Message = fmt.Sprintf("pause of %s exceeds the %s budget (--max-pause) at gc %d; %s over it", fmtPause(worst), b.Pause, h.worstN, n)
		f.Evidence = []analyze.Figure{
			{Name: "budget_ms", Value: float64(b.Pause) / 1e6, Unit: "ms"},
			{Name: "cycles_over", Value: float64(h.count), Unit: "cycles"},
			{Name: "max_pause_ms", Value: float64(worst) / 1e6, Unit: "ms"},
		}
	case ruleBudgetHeap:
		f.Message = fmt.Sprintf("heap of %d MB exceeds the %s budget (--max-heap) at gc %d; %s over it", int64(h.worst)>>20, fmtSize(float64(b.Heap)), h.worstN, n)
		f.Evidence = []analyze.Figure{
			{Name: "budget_mib", Value: float64(b.Heap) / (1 << 20), Unit: "MiB"},
			{Name: "cycles_over", Value: float64(h.count), Unit: "cycles"},
			{Name: "heap_max_mib", Value: h.worst / (1 << 20), Unit: "MiB"},
		}
	}
	return f
}

// minRateSpan is the shortest run whose rates a budget judges: over less,
// the millisecond timestamps and a start-up burst decide the figure.
const minRateSpan = 1.0 // seconds

// findings returns the budget findings at the end of the input: the
// per-cycle ones gathered so far and the whole-run rates of each process.
func (b *budgets) findings(rep *analyze.Report) []analyze.Finding {
	var out []analyze.Finding
	keys := make([]hitKey, 0, len(b.hits))
	for k := range b.hits {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		x, y := keys[i], keys[j]
		if x.file != y.file {
			return x.file < y.file
		}
		if x.process != y.process {
			return x.process < y.process
		}
		return x.rule < y.rule
	})
	for _, k := range keys {
		out = append(out, b.finding(b.hits[k]))
	}
	if b.lostHits > 0 {
		b.notes = append(b.notes, fmt.Sprintf("%d more cycles over a budget in processes beyond the first %d are not listed", b.lostHits, maxHits))
	}
	if b.GCCPU < 0 && b.GCRate < 0 && b.AllocRate < 0 {
		return out
	}
	short := 0
	for i := range rep.Processes {
		p := &rep.Processes[i]
		if p.DurationS < minRateSpan || p.Cycles < 2 {
			short++
			continue
		}
		base := analyze.Finding{
			Severity: analyze.Error, Process: p.Process, File: p.File,
			FirstLine: p.FirstLine, LastLine: p.LastLine, FirstCycle: p.FirstCycle, LastCycle: p.LastCycle,
			Start: secondsDur(p.StartS), End: secondsDur(p.StartS + p.DurationS),
		}
		over := fmt.Sprintf("over the run (%.1fs, %d cycles)", p.DurationS, p.Cycles)
		if b.GCCPU >= 0 && p.GCCPUPercent > b.GCCPU {
			f := base
			f.Rule, f.Advice = ruleBudgetGCCPU, budgetAdvice(ruleBudgetGCCPU)
			f.Message = fmt.Sprintf("GC used %.1f%% of CPU %s, over the %g%% budget (--max-gc-cpu)", p.GCCPUPercent, over, b.GCCPU)
			f.Evidence = []analyze.Figure{{Name: "budget_percent", Value: b.GCCPU, Unit: "%"}, {Name: "gc_cpu_percent", Value: p.GCCPUPercent, Unit: "%"}}
			out = append(out, f)
		}
		if b.GCRate >= 0 && p.GCPerSecond > b.GCRate {
			f := base
			f.Rule, f.Advice = ruleBudgetGCRate, budgetAdvice(ruleBudgetGCRate)
			f.Message = fmt.Sprintf("%.1f GC cycles per second %s, over the %g/s budget (--max-gc-rate)", p.GCPerSecond, over, b.GCRate)
			f.Evidence = []analyze.Figure{{Name: "budget_per_second", Value: b.GCRate, Unit: "1/s"}, {Name: "gc_per_second", Value: p.GCPerSecond, Unit: "1/s"}}
			out = append(out, f)
		}
		if b.AllocRate >= 0 && p.AllocRateMiBPerS*(1<<20) > b.AllocRate {
			f := base
			f.Rule, f.Advice = ruleBudgetAllocRate, budgetAdvice(ruleBudgetAllocRate)
			f.Message = fmt.Sprintf("allocated %.0f MiB/s %s, over the %s/s budget (--max-alloc-rate)", p.AllocRateMiBPerS, over, fmtSize(b.AllocRate))
			f.Evidence = []analyze.Figure{{Name: "alloc_rate_mib_per_s", Value: p.AllocRateMiBPerS, Unit: "MiB/s"}, {Name: "budget_mib_per_s", Value: b.AllocRate / (1 << 20), Unit: "MiB/s"}}
			out = append(out, f)
		}
	}
	if short > 0 {
		b.notes = append(b.notes, fmt.Sprintf("%d %s ran under %gs or had a single cycle: the rate budgets (GC CPU, GC rate, allocation rate) were not judged for %s",
			short, plural(int64(short), "process", "processes"), minRateSpan, plural(int64(short), "it", "them")))
	}
	if rep.OmittedProcesses > 0 {
		b.notes = append(b.notes, fmt.Sprintf("%d processes left out of the report were not judged on rates", rep.OmittedProcesses))
	}
	return out
}

func secondsDur(s float64) time.Duration { return time.Duration(math.Round(s * 1e9)) }

// budgetRules lists the budget IDs of the budgets that are set, sorted.
func (b *budgets) budgetRules() []string {
	var out []string
	if b.AllocRate >= 0 {
		out = append(out, ruleBudgetAllocRate)
	}
	if b.GCCPU >= 0 {
		out = append(out, ruleBudgetGCCPU)
	}
	if b.GCRate >= 0 {
		out = append(out, ruleBudgetGCRate)
	}
	if b.Heap >= 0 {
		out = append(out, ruleBudgetHeap)
	}
	if b.Pause >= 0 {
		out = append(out, ruleBudgetPause)
	}
	return out
}

func budgetAdvice(rule string) string {
	switch rule {
	case ruleBudgetGCCPU:
		return "Allocate less (the allocs profile says where), or trade memory for CPU with a higher GOGC or a GOMEMLIMIT (https://go.dev/doc/gc-guide)."
	case ruleBudgetPause:
		return "Long pauses come from an overloaded machine (GOMAXPROCS above the CPUs you get), very many goroutines, or an old Go release."
	case ruleBudgetGCRate:
		return "Each cycle has a fixed cost; allocate less, or give the heap more room with GOGC or GOMEMLIMIT."
	case ruleBudgetHeap:
		return "Find what holds the memory in the heap profile (inuse_space); a lower GOGC or a GOMEMLIMIT trades CPU for a smaller heap."
	case ruleBudgetAllocRate:
		return "Find the allocating code in the allocs profile (alloc_space) and reuse buffers or avoid the allocation."
	}
	return ""
}

// fmtPause prints a pause with the precision that matters for it.
func fmtPause(d time.Duration) string {
	switch {
	case d >= 10*time.Millisecond:
		return d.Round(time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond).String()
	}
	return d.Round(time.Microsecond).String()
}

// fmtSize prints bytes in the largest binary unit that keeps it readable.
func fmtSize(b float64) string {
	switch {
	case b >= 1<<30:
		return strconv.FormatFloat(b/(1<<30), 'g', 4, 64) + " GiB"
	case b >= 1<<20:
		return strconv.FormatFloat(b/(1<<20), 'g', 4, 64) + " MiB"
	case b >= 1<<10:
		return strconv.FormatFloat(b/(1<<10), 'g', 4, 64) + " KiB"
	}
	return strconv.FormatFloat(b, 'g', 4, 64) + " B"
}
