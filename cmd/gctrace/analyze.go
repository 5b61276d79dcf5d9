package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/engine"
	"github.com/gctrace/gctrace/parser"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// reportFormat is the output format of the analysis report.
type reportFormat string

const (
	reportText     reportFormat = "text"
	reportJSON     reportFormat = "json"
	reportMarkdown reportFormat = "markdown"
)

func parseReportFormat(s string) (reportFormat, error) {
	switch f := reportFormat(strings.ToLower(s)); f {
	case reportText, reportJSON, reportMarkdown:
		return f, nil
	case "md":
		return reportMarkdown, nil
	}
	return "", usagef("unknown format %q (want text, json or markdown)", s)
}

type analyzeOptions struct {
	Format      reportFormat
	Passthrough bool
	Stream      bool
	Analysis    analysisOptions
	Pprof       pprofOptions
	Metrics     metricsOptions
	Live        liveOptions
	Args        []string
}

func newCmdAnalyze(s *streams, runF func(*analyzeOptions) error) *cobra.Command {
	opts := &analyzeOptions{}
	var format string
	cmd := &cobra.Command{
		Use:   "analyze [FILE...]",
		Short: "Diagnose a GC trace: findings while it streams, a report at the end",
		Long: `Analyze reads a GC trace (the named files in order, or standard input when
there are none or the name is "-") and tells what is wrong with the program's
memory behaviour.

While it reads, each finding is printed as one line the moment it is
detected:

  gctrace: FILE:LINE: severity: rule: message

At the end of the input (or when you press Ctrl-C) it prints the report:
first the summary, what is wrong, worst first, each finding with advice;
then a table of figures per process (GC rate, GC CPU, pauses, allocation
rate, live and peak heap, effective GOGC); then the details: where each
finding starts and ends, its evidence, lines that looked like GC lines but
could not be read, and figures that sit at the trace's print floor.

With --format text the finding lines and the report go to standard output.
With --format json or markdown standard output holds one document, written
at the end, and the finding lines go to standard error. --stream=false
leaves the finding lines out. The JSON report is versioned ("version": 1):
fields are only added, never renamed.

--passthrough echoes the lines that are not part of the GC trace (the
program's own output) to standard output as they arrive, so gctrace can sit
in a pipeline without swallowing them. GC trace lines are not echoed.

Ctrl-C ends the input: gctrace waits a moment for the lines still in the
pipe, then prints the report of what it read and exits as at the end of the
input. A second Ctrl-C stops it at once.

--pprof URL names the code behind a finding: when alloc-churn, gc-frequency,
high-gc-cpu or mark-assist fires, gctrace pulls the allocation profile of the
next --pprof-seconds from that endpoint (net/http/pprof); for heap-doubling
and live-heap-growth, the heap profile. The result is printed as an
"attribution:" line when it arrives and added to the finding in the report.
Whichever rules fire, --pprof also follows the heap profile over the run (a
snapshot at the start, then every 2s): the report says where the memory
goes, the top allocators (alloc_space, MiB/s and share) and the top in-use
growth (inuse_space), and alloc-churn fires on a function that allocates
fast and keeps nothing even when a large live heap hides it from the trace.
A failed pull is a note in the report, never a failure.

--metrics ADDR serves Prometheus series on ADDR/metrics while reading: GC
cycles, bytes allocated, GC and assist CPU, pauses (a histogram too), heap
live, goal and at start, stacks, globals, GOMAXPROCS, effective GOGC, and
findings by rule and severity; the README lists them. Each series has a
process label (the process id in the trace, FILE#ID when several files are read), plus the
--label key=value pairs. Only the --metrics-max-processes most recently
active processes keep series of their own; older ones are added up under
process="other", so memory and series stay flat under "go test ./...".
--metrics-linger D keeps the endpoint up after the end until the next
scrape (at most D).

` + liveHelp + `

Thresholds: --set NAME=VALUE changes one (see gctrace rules for the names),
--rules turns rules off or on, --config FILE reads both from a file (see
gctrace check --help for its format). Flags override the file.

With no GC line in the input, gctrace says so and why that usually happens,
and exits with status 2.`,
		Example: `  GODEBUG=gctrace=1 ./server 2>&1 | gctrace analyze
  GODEBUG=gctrace=1 ./server 2>&1 | gctrace analyze --passthrough > server.log
  GODEBUG=gctrace=1 ./bomb 2>&1 | gctrace analyze --pprof http://localhost:6060
  GODEBUG=gctrace=1 go test -run TestBig ./... 2>&1 | gctrace analyze
  kubectl logs --timestamps deploy/api | gctrace analyze --format markdown > gc.md
  GODEBUG=gctrace=1 ./server 2>&1 | gctrace analyze --metrics 127.0.0.1:9464 --label service=api
  GODEBUG=gctrace=1 ./server 2>&1 | gctrace analyze --http :8080
  gctrace analyze --format json run.log | jq '.findings[] | .rule'`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := parseReportFormat(format)
			if err != nil {
				return err
			}
			opts.Format = f
			if err := opts.Analysis.resolve(cmd.Flags(), nil); err != nil {
				return err
			}
			if err := opts.Pprof.check(); err != nil {
				return err
			}
			if err := opts.Metrics.check(); err != nil {
				return err
			}
			if err := opts.Live.check(); err != nil {
				return err
			}
			opts.Args = args
			if runF != nil {
				return runF(opts)
			}
			return runAnalyze(s, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&format, "format", "f", string(reportText), "report format: text, json or markdown")
	fl.BoolVar(&opts.Passthrough, "passthrough", false, "echo the lines that are not GC trace (the program's output) to standard output")
	fl.BoolVar(&opts.Stream, "stream", true, "print each finding the moment it is detected")
	opts.Analysis.addFlags(fl)
	opts.Pprof.addFlags(fl)
	opts.Metrics.addFlags(fl)
	opts.Live.addFlags(fl)
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "json", "markdown"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runAnalyze(s *streams, opts *analyzeOptions) error {
	live := s.InIsPipe || s.OutIsTerminal
	out := newLineWriter(s.Out, live)
	ss := &session{cfg: opts.Analysis.Config}
	if opts.Passthrough {
		ss.echo = out
	}
	if opts.Stream {
		if opts.Format == reportText {
			ss.live = out
		} else {
			ss.live = newLineWriter(s.Err, true)
		}
	}
	if opts.Pprof.URL != "" {
		ss.pprof = map[string]*attributor{"": newAttributor(opts.Pprof, ss.live)}
	}
	exp, stop, err := opts.Metrics.start(len(opts.Args))
	if err != nil {
		return err
	}
	defer stop()
	if exp != nil {
		ss.subscribe(exp)
	}
	page, err := opts.Live.start(s.Err)
	if err != nil {
		return err
	}
	defer page.close()
	ss.subscribe(page.subscriber())
	ss.start()
	interrupted, err := ss.readAll(s, opts.Args)
	if err != nil {
		return err
	}
	if interrupted {
		fmt.Fprintln(s.Err, "gctrace: interrupted: the report covers what was read")
	}
	res := ss.finish(s.Err)
	if err := res.noTrace(); err != nil {
		out.flush()
		return err
	}
	out.flushHeld()
	if out.wrote && opts.Format == reportText {
		out.say("") // set the report apart from the lines before it
	}
	if err := renderReport(out, opts.Format, res); err != nil {
		return err
	}
	if err := out.flush(); err != nil {
		return err
	}
	page.linger(s.Err)
	return nil
}

// analysisOptions are the settings of the analysis that analyze, check and
// run share: thresholds by name, rules on and off, and a config file
// holding both (and check's budgets).
type analysisOptions struct {
	ConfigFile string
	Sets       []string // NAME=VALUE
	Rules      []string // selections, see applyRules

	Config analyze.Config // resolved from the above
}

func (o *analysisOptions) addFlags(fl *pflag.FlagSet) {
	fl.StringVar(&o.ConfigFile, "config", "", "read thresholds, rules and budgets from `FILE` (NAME = VALUE lines)")
	fl.StringArrayVar(&o.Sets, "set", nil, "set a threshold, `NAME=VALUE` (repeatable; names: gctrace rules)")
	fl.StringArrayVar(&o.Rules, "rules", nil, "rules to run: `LIST` of IDs (only these), -ID (off), +ID (on), all (repeatable)")
}

// resolve builds the analyzer's configuration: defaults, then the config
// file, then the flags. Budget keys in the file go to b when the command
// has budgets (their flags override them), and are ignored otherwise, so
// one file can serve analyze and check alike.
func (o *analysisOptions) resolve(fl *pflag.FlagSet, b *budgets) error {
	o.Config = analyze.DefaultConfig()
	if o.ConfigFile != "" {
		entries, err := readConfigFile(o.ConfigFile)
		if err != nil {
			return err
		}
		for _, e := range entries {
			var err error
			switch {
			case e.name == "rules":
				err = applyRules(&o.Config, e.value)
			case isBudgetKey(e.name):
				if b != nil && !fl.Changed(e.name) {
					err = b.set(e.name, e.value)
				}
			default:
				err = o.Config.Set(e.name, e.value)
			}
			if err != nil {
				return usagef("%s:%d: %v", o.ConfigFile, e.line, err)
			}
		}
	}
	for _, r := range o.Rules {
		if err := applyRules(&o.Config, r); err != nil {
			return usagef("--rules: %v", err)
		}
	}
	for _, kv := range o.Sets {
		name, value, ok := strings.Cut(kv, "=")
		if !ok {
			return usagef("--set wants NAME=VALUE, not %q", kv)
		}
		if err := o.Config.Set(strings.TrimSpace(name), value); err != nil {
			return usagef("--set: %v", err)
		}
	}
	return nil
}

// ruleIDs returns the IDs of the rule catalogue, sorted.
func ruleIDs() []string {
	var ids []string
	for _, r := range analyze.Rules() {
		ids = append(ids, r.ID)
	}
	sort.Strings(ids)
	return ids
}

// applyRules changes which rules run. A selection is a comma-separated
// list: a bare ID keeps only the listed bare IDs (so "long-pause,high-gc-cpu"
// runs those two), -ID turns one off, +ID turns one on, and "all" turns
// every rule on. Items apply in order.
func applyRules(c *analyze.Config, sel string) error {
	ids := ruleIDs()
	known := make(map[string]bool, len(ids))
	for _, id := range ids {
		known[id] = true
	}
	only := false
	for _, item := range strings.Split(sel, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		op := byte(0)
		if item[0] == '-' || item[0] == '+' {
			op, item = item[0], strings.TrimSpace(item[1:])
		}
		if item == "all" && op != '-' {
			c.Disabled = nil
			continue
		}
		if !known[item] {
			return fmt.Errorf("unknown rule %q; rules: %s", item, strings.Join(ids, ", "))
		}
		switch op {
		case '-':
			c.Disable(item)
		case '+':
			delete(c.Disabled, item)
		default:
			if !only {
				only = true
				c.Disable(ids...)
			}
			delete(c.Disabled, item)
		}
	}
	return nil
}

// configEntry is one NAME = VALUE line of a config file.
type configEntry struct {
	name, value string
	line        int
}

// readConfigFile reads a config file: one NAME = VALUE per line, "#"
// starts a comment, blank lines are skipped. The format has no sections
// and no quoting because no value needs them.
func readConfigFile(path string) ([]configEntry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, usagef("cannot read config file: %v", err)
	}
	defer f.Close()
	var out []configEntry
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok {
			return nil, usagef("%s:%d: want NAME = VALUE, not %q", path, n, line)
		}
		out = append(out, configEntry{name: strings.TrimSpace(name), value: strings.TrimSpace(value), line: n})
	}
	if err := sc.Err(); err != nil {
		return nil, usagef("reading config file %s: %v", path, err)
	}
	return out, nil
}

// session is one analysis over the inputs: it feeds every record to the
// analyzer, echoes the program's lines when asked, streams findings as
// they are detected, and tracks budgets and profile pulls. analyze, check
// and run all read through it.
type session struct {
	cfg   analyze.Config
	gate  *budgets             // nil: no budgets
	check *analyze.BudgetCheck // the gate's budgets, judged as records come; nil with gate
	echo  *lineWriter          // where the program's lines go; nil: not echoed
	live  *lineWriter          // where findings go as they are detected; nil: not streamed
	// pprof pulls profiles for findings, by input name: "" serves every
	// input (--pprof), a name one input whose program has an endpoint of
	// its own (gctrace demo). nil or empty: no attribution.
	pprof map[string]*attributor
	// tap sees every record in order, under mu; nil: none. Reading a
	// file, it runs beside the analyzer, a batch at a time, so it must
	// not use the analyzer's state.
	tap func(parser.Record)
	// sub is an output of the stream (the metrics endpoint, the live
	// page); nil: none.
	sub engine.Subscriber
	// interrupted: the input was cut short (Ctrl-C), as Done is told.
	interrupted bool

	// mu serialises the analyzer between the reading goroutine and an
	// interrupt, which reports while the read may still be blocked.
	mu     sync.Mutex
	an     *analyze.Analyzer
	t      tally
	closed bool // the report is being made; later records are dropped
}

// errClosed stops a reading loop whose session has been reported.
var errClosed = errors.New("session closed")

func (ss *session) start() {
	ss.an = analyze.New(ss.cfg, ss.found)
	if ss.gate != nil {
		ss.check = analyze.NewBudgetCheck(ss.gate.Budgets, ss.found)
	}
	for file, a := range ss.pprof {
		a.rate = ss.allocRate
		a.usage = startUsageWatch(ss, file, a.opts.src)
		a.attributed = ss.attributed
	}
	if ss.sub != nil {
		go ss.reportProgress()
	}
}

// allocRate is the trace's allocation rate of one process so far, in
// bytes per second, for reconciling a profile with the trace.
func (ss *session) allocRate(file string, process int) float64 {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for _, p := range ss.an.Report().Processes {
		if p.File == file && p.Process == process {
			return p.AllocRateMiBPerS * (1 << 20)
		}
	}
	return 0
}

// found is the callback of the analyzer and of the budget check, called
// under ss.mu.
func (ss *session) found(f analyze.Finding) {
	if ss.live != nil {
		ss.live.say("gctrace: " + findingLine(&f))
	}
	if ss.sub != nil {
		ss.sub.Finding(f)
	}
	a := ss.pprof[f.File]
	if a == nil {
		a = ss.pprof[""]
	}
	if a != nil {
		a.found(f)
	}
}

// feed reads one input to its end. It is the reading loop of every
// analysing command.
func (ss *session) feed(r *parser.Reader) error {
	var err error
	for r.Scan() {
		ss.mu.Lock()
		if ss.closed {
			ss.mu.Unlock()
			err = errClosed
			break
		}
		ss.take(r.Record())
		ss.mu.Unlock()
	}
	ss.mu.Lock()
	ss.t.add(r.Stats())
	ss.mu.Unlock()
	return err
}

// feedFile is feed for a regular file, whose reads never block: it is
// decoded in pieces on every core while this goroutine analyses the
// records in order (parser.ReadParallel). They reach the session in the
// same order and are dropped after an interrupt as in feed; only the
// moment each one is taken differs, which on a file nobody can see.
func (ss *session) feedFile(in *input) error {
	st, err := parser.ReadParallel(in.at, in.size, in.name, func(b *parser.Batch) error {
		ss.mu.Lock()
		defer ss.mu.Unlock()
		if ss.closed {
			return errClosed
		}
		// The tap (the plot's builder) needs nothing of the analyzer's,
		// so it takes the batch on a core of its own meanwhile.
		var tapped sync.WaitGroup
		if tap := ss.tap; tap != nil {
			tapped.Add(1)
			go func() {
				defer tapped.Done()
				for _, rec := range b.Records {
					tap(rec)
				}
			}()
		}
		for _, rec := range b.Records {
			ss.analyse(rec)
		}
		tapped.Wait()
		return nil
	})
	ss.mu.Lock()
	ss.t.add(st)
	ss.mu.Unlock()
	if err != nil && err != errClosed {
		return fmt.Errorf("reading %s: %w", in.name, err)
	}
	return err
}

// take hands one record to the analyzer, the echo, the budgets and the
// tap; ss.mu is held.
func (ss *session) take(rec parser.Record) {
	ss.analyse(rec)
	if ss.tap != nil {
		ss.tap(rec)
	}
}

// analyse is take without the tap.
func (ss *session) analyse(rec parser.Record) {
	switch rec := rec.(type) {
	case *parser.Text:
		if ss.echo != nil {
			ss.echo.pass(rec.Text, !rec.Partial)
		}
	case *parser.GC:
		if ss.check != nil {
			ss.check.Add(rec)
		}
	case *parser.SyntaxError:
		ss.t.note(rec)
	}
	ss.an.Add(rec)
	if ss.sub != nil {
		ss.sub.Record(rec)
	}
}

// feedInput is the reading loop for eachInput: feedFile for a regular
// file, and feed for anything else (a pipe, a terminal), whose records
// must reach the session, and the program's lines the echo, the moment
// each line arrives.
func (ss *session) feedInput(in *input) error {
	if in.at != nil {
		return ss.feedFile(in)
	}
	return ss.feed(in.r)
}

// interruptGrace is how long an interrupt waits for the input to end by
// itself: in a terminal Ctrl-C reaches the program writing the trace too,
// and its last lines are still in the pipe.
const interruptGrace = 300 * time.Millisecond

// readAll feeds every input to the session. On SIGINT it stops waiting
// for the input (the read may block forever on a live pipe) and reports
// interrupted; the reading goroutine is left blocked and dropped at exit.
func (ss *session) readAll(s *streams, args []string) (interrupted bool, err error) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	defer signal.Stop(sig)
	done := make(chan error, 1)
	go func() { done <- eachInput(s, args, ss.feedInput) }()
	select {
	case err := <-done:
		return false, err
	case <-sig:
		// Restore the default, so that a second Ctrl-C ends gctrace.
		signal.Stop(sig)
		select {
		case err := <-done:
			return false, err
		case <-time.After(interruptGrace):
		}
		ss.mu.Lock()
		ss.closed, ss.interrupted = true, true
		ss.mu.Unlock()
		return true, nil
	}
}

// analysis is what a session found, ready to render.
type analysis struct {
	*analyze.Report
	Notes []string `json:"notes,omitempty"`

	t   tally
	off map[string]bool // rules turned off
}

// finish stops the analysis and returns its report, with budget findings
// and attributions merged in. Outstanding profile pulls are waited for,
// within a bound, with a word on w.
func (ss *session) finish(w io.Writer) *analysis {
	ss.stopUsage()
	ss.mu.Lock()
	ss.closed = true
	rep := ss.an.Report()
	t := ss.t
	ss.mu.Unlock()
	res := &analysis{Report: rep, t: t, off: ss.cfg.Disabled}
	if ss.check != nil {
		fs, notes := ss.check.Findings(rep)
		rep.Findings = append(rep.Findings, fs...)
		res.Notes = append(res.Notes, notes...)
	}
	files := make([]string, 0, len(ss.pprof))
	for file := range ss.pprof {
		files = append(files, file)
	}
	sort.Strings(files)
	for _, file := range files {
		a := ss.pprof[file]
		res.Notes = append(res.Notes, a.wait(w)...)
		a.annotate(rep.Findings)
	}
	fillAdvice(rep.Findings)
	rep.SortFindings()
	if ss.sub != nil {
		ss.sub.Done(rep, ss.interrupted)
	}
	if ss.live != nil {
		ss.live.flushHeld()
		ss.live.flush()
	}
	return res
}

// disabled reports whether a rule was turned off.
func (r *analysis) disabled(id string) bool { return r.off[id] }

// noTrace explains an input without a GC line, or returns nil.
func (r *analysis) noTrace() error {
	if r.GCLines > 0 {
		return nil
	}
	t := r.t
	// After an interrupt the tally misses the input being read; the
	// analyzer's counts are complete.
	t.Lines, t.GC, t.Errors = r.Lines, r.GCLines, r.UnparsedLines
	return t.noTrace()
}

// fillAdvice gives a finding that came without advice its rule's, so that
// every finding in a report says what to do.
func fillAdvice(fs []analyze.Finding) {
	var advice map[string]string
	for i := range fs {
		if fs[i].Advice != "" {
			continue
		}
		if advice == nil {
			advice = map[string]string{}
			for _, r := range analyze.Rules() {
				advice[r.ID] = r.Advice
			}
		}
		fs[i].Advice = advice[fs[i].Rule]
	}
}

// lineWriter writes the program's lines and gctrace's own lines to one
// stream without cutting either: a line of gctrace's that comes while a
// line of the program is half written waits for its end. It is safe for
// concurrent use (profile pulls report from their own goroutines).
type lineWriter struct {
	mu    sync.Mutex
	w     *bufio.Writer
	live  bool   // flush after every write
	mid   bool   // the program's last line is not finished
	wrote bool   // anything was written
	held  []byte // gctrace's lines waiting for it
	err   error
}

func newLineWriter(w io.Writer, live bool) *lineWriter {
	return &lineWriter{w: bufio.NewWriterSize(w, 32<<10), live: live}
}

// pass writes the program's bytes, and a newline after them if eol.
func (lw *lineWriter) pass(b []byte, eol bool) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	lw.wrote = true
	if len(lw.held) > 0 && lw.mid {
		if i := indexNL(b); i >= 0 {
			lw.w.Write(b[:i+1])
			b = b[i+1:]
			lw.mid = false
			lw.writeHeld()
		} else if eol {
			lw.w.Write(b)
			lw.w.WriteByte('\n')
			lw.mid = false
			lw.writeHeld()
			lw.sync()
			return
		}
	}
	lw.w.Write(b)
	if eol {
		lw.w.WriteByte('\n')
		lw.mid = false
	} else if len(b) > 0 {
		lw.mid = b[len(b)-1] != '\n'
	}
	if !lw.mid {
		lw.writeHeld()
	}
	lw.sync()
}

// Write passes raw bytes through; it makes a lineWriter an io.Writer for
// io.TeeReader.
func (lw *lineWriter) Write(b []byte) (int, error) {
	lw.pass(b, false)
	return len(b), nil
}

func indexNL(b []byte) int {
	for i, c := range b {
		if c == '\n' {
			return i
		}
	}
	return -1
}

// say writes one line of gctrace's own, now or at the end of the
// program's current line.
func (lw *lineWriter) say(line string) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	lw.wrote = true
	if lw.mid {
		lw.held = append(append(lw.held, line...), '\n')
		return
	}
	lw.w.WriteString(line)
	lw.w.WriteByte('\n')
	lw.sync()
}

func (lw *lineWriter) writeHeld() {
	if len(lw.held) > 0 {
		lw.w.Write(lw.held)
		lw.held = lw.held[:0]
	}
}

func (lw *lineWriter) sync() {
	if lw.live {
		if err := lw.w.Flush(); err != nil && lw.err == nil {
			lw.err = err
		}
	}
}

// flushHeld ends the program's unfinished line so that what gctrace holds,
// and the report after it, start on a line of their own.
func (lw *lineWriter) flushHeld() {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	if lw.mid {
		lw.w.WriteByte('\n')
		lw.mid = false
	}
	lw.writeHeld()
}

func (lw *lineWriter) flush() error {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	if err := lw.w.Flush(); err != nil {
		return err
	}
	return lw.err
}
