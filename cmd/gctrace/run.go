package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"

	"github.com/gctrace/gctrace/engine"
	"github.com/gctrace/gctrace/report"
	"github.com/spf13/cobra"
)

type runOptions struct {
	Format   report.Format
	Output   string // the report's file; "" for standard error
	QuietGC  bool
	Stream   bool
	Analysis analysisOptions
	Budgets  budgets
	Pprof    pprofOptions
	Metrics  metricsOptions
	Live     liveOptions
	Prog     string
	Args     []string
}

func newCmdRun(s *streams, runF func(*runOptions) error) *cobra.Command {
	opts := &runOptions{Budgets: noBudgets()}
	var format string
	cmd := &cobra.Command{
		Use:   "run [flags] -- PROG [ARGS...]",
		Short: "Run a program with the GC trace on, analyze it live, report when it exits",
		Long: `Run starts PROG with gctrace=1 added to the GODEBUG it already has (a
gctrace level above 0 that GODEBUG already sets is kept), and analyzes its
GC trace while it runs.

PROG's standard input and output are its own, untouched. Its standard
error is read through gctrace and written to gctrace's standard error as it
arrives, GC trace lines included unless --quiet-gc hides them. Findings are
printed on standard error the moment they are detected; positions in them
are line numbers of PROG's standard error ("stderr:LINE").

Signals: SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to gctrace are passed to
PROG, and gctrace keeps reading until PROG has exited. A Ctrl-C typed in the
terminal reaches PROG directly, so it is not passed a second time.

When PROG exits, the report of gctrace analyze goes to standard error, or
to the file -o names (--format text, json or markdown), and gctrace exits with PROG's exit status,
or 128 plus the signal number when a signal killed it. It exits with 127
when PROG cannot be found and 126 when it cannot be started.

The budget flags of gctrace check (--max-gc-cpu, --max-pause, --max-gc-rate,
--max-heap, --max-alloc-rate, --fail-on) make it a gate: when PROG succeeds
but a finding is at or above --fail-on, the exit status is 1. A PROG that
ran no GC cycle at all (its heap stayed under the 4 MiB minimum) passes.

` + metricsHelp + `

` + liveHelp + `

Flags go before PROG; everything from PROG on is PROG's.`,
		Example: `  gctrace run -- ./server -addr :8080
  gctrace run --quiet-gc --pprof http://localhost:6060 -- ./bomb --scenario dog
  gctrace run --max-gc-cpu 10 --max-pause 5ms -- go test ./...
  gctrace run --metrics 127.0.0.1:9464 --label service=api -- ./server
  gctrace run --http :8080 -- ./server
  gctrace run --quiet-gc --format json -o report.json -- ./batch input.csv`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("run needs a program to run: gctrace run [flags] -- PROG [ARGS...]")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := parseReportFormat(format)
			if err != nil {
				return err
			}
			opts.Format = f
			if err := opts.Analysis.resolve(cmd.Flags(), &opts.Budgets); err != nil {
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
			opts.Prog, opts.Args = args[0], args[1:]
			if runF != nil {
				return runF(opts)
			}
			return runRun(s, opts)
		},
	}
	fl := cmd.Flags()
	fl.SetInterspersed(false)
	fl.StringVarP(&format, "format", "f", string(report.Text), "report format: text, json or markdown")
	fl.StringVarP(&opts.Output, "output", "o", "", "write the report to `FILE` instead of standard error")
	fl.BoolVar(&opts.QuietGC, "quiet-gc", false, "do not echo PROG's GC trace lines (its other output still passes)")
	fl.BoolVar(&opts.Stream, "stream", true, "print each finding the moment it is detected")
	opts.Budgets.addFlags(fl)
	opts.Analysis.addFlags(fl)
	opts.Pprof.addFlags(fl)
	opts.Metrics.addFlags(fl)
	opts.Live.addFlags(fl)
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "json", "markdown"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// runStderrName is the input name in positions: the lines are PROG's
// standard error.
const runStderrName = "stderr"

// forwarded are the signals passed on to PROG.
var forwarded = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT}

func runRun(s *streams, opts *runOptions) error {
	// Open the report's file first: a name that cannot be written should
	// not cost a run of PROG.
	var reportFile *os.File
	if opts.Output != "" {
		f, err := os.Create(opts.Output)
		if err != nil {
			return &exitStatus{code: exitError, msg: fmt.Sprintf("cannot write the report: %v", err)}
		}
		defer f.Close()
		reportFile = f
	}
	// Likewise an address that cannot be served.
	srv, err := startServers(s.Err, &opts.Live, &opts.Metrics, 1)
	if err != nil {
		return err
	}
	defer srv.close()
	cmd := exec.Command(opts.Prog, opts.Args...)
	cmd.Env = withGCTrace(os.Environ())
	cmd.Stdin = s.In
	cmd.Stdout = s.Out
	pipe, err := cmd.StderrPipe()
	if err != nil {
		return err
	}

	// Catch the signals before PROG starts, so none is lost in between.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, forwarded...)
	stopSignals := func() { signal.Stop(sigs); close(sigs) }
	if err := cmd.Start(); err != nil {
		stopSignals()
		return startError(opts.Prog, err)
	}
	go func() {
		for sig := range sigs {
			if !keyboardSignal(sig) {
				_ = cmd.Process.Signal(sig)
			}
		}
	}()

	errW := report.NewLineWriter(s.Err, true)
	con := &report.Console{}
	if opts.Stream {
		con.Findings = errW
	}
	var in io.Reader = pipe
	if opts.QuietGC {
		con.Echo = errW
	} else {
		// Echo PROG's standard error byte for byte as it is read, so
		// that nothing, a prompt without a newline included, waits for
		// the parser.
		in = io.TeeReader(pipe, errW)
	}
	eo := engine.Options{Config: opts.Analysis.Config, Profiles: opts.Pprof.profiles(), Log: s.Err,
		Subscribers: []engine.Subscriber{con}}
	if opts.Budgets.active() {
		eo.Budgets = &opts.Budgets.Budgets
	}
	eng := engine.New(eo)
	srv.subscribe(eng)
	readErr := eng.ReadStream(in, runStderrName)
	// Drain what a reading error left, so PROG never blocks on a full pipe.
	_, _ = io.Copy(io.Discard, pipe)
	waitErr := cmd.Wait()
	stopSignals()

	code, how := exitCodeOf(cmd.ProcessState, waitErr)
	res := eng.Finish(false)
	if readErr != nil {
		res.Notes = append(res.Notes, fmt.Sprintf("reading %s's standard error failed: %v", opts.Prog, readErr))
	}
	errW.FlushHeld()
	fmt.Fprintf(errW, "gctrace: %s %s\n", opts.Prog, how)
	if res.GCLines == 0 {
		fmt.Fprintf(errW, "gctrace: %s printed no GC trace: it ran no collection (the heap stays under the runtime's 4 MiB minimum until then), it is not a Go program, or it sets GODEBUG itself\n", opts.Prog)
		if err := errW.Flush(); err != nil {
			return err
		}
		return exitWith(code, "")
	}
	if err := writeRunReport(errW, reportFile, opts, res); err != nil {
		return err
	}
	msg := ""
	if opts.Budgets.active() {
		v := report.Judge(res, opts.Budgets.FailOn)
		if !v.Pass() {
			msg = v.Failed()
			if code == 0 {
				code = exitFailed
			}
		}
	}
	if err := errW.Flush(); err != nil {
		return err
	}
	srv.finish(s.Err)
	return exitWith(code, msg)
}

// writeRunReport writes the report to standard error or to -o's file.
func writeRunReport(errW *report.LineWriter, f *os.File, opts *runOptions, res *engine.Result) error {
	if f == nil {
		return report.Write(errW, opts.Format, res)
	}
	if err := report.Write(f, opts.Format, res); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(errW, "gctrace: report written to %s\n", opts.Output)
	return nil
}

func exitWith(code int, msg string) error {
	if code == 0 && msg == "" {
		return nil
	}
	return &exitStatus{code: code, msg: msg}
}

// startError says why PROG could not start, with the exit status shells
// use: 127 not found, 126 found but not runnable.
func startError(prog string, err error) error {
	code := 126
	if errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist) {
		code = 127
	}
	var ee *exec.Error
	if errors.As(err, &ee) {
		err = ee.Err
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return &exitStatus{code: code, msg: fmt.Sprintf("cannot run %s: %v", prog, err)}
}

// exitCodeOf returns PROG's exit status, or 128 plus the signal that
// killed it, as shells report it, and says how it ended.
func exitCodeOf(ps *os.ProcessState, waitErr error) (int, string) {
	if ps == nil {
		return exitFailed, fmt.Sprintf("could not be waited for: %v", waitErr)
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal()), fmt.Sprintf("was killed by %v", ws.Signal())
	}
	return ps.ExitCode(), fmt.Sprintf("exited with status %d", ps.ExitCode())
}

// withGCTrace returns env with gctrace=1 added to GODEBUG. The runtime
// takes the last of repeated settings, so an earlier gctrace is dropped;
// a level above 1 that the user asked for is kept (it prints more, in
// the same format).
func withGCTrace(env []string) []string {
	out := make([]string, 0, len(env)+1)
	var godebug string
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "GODEBUG="); ok {
			godebug = v
			continue
		}
		out = append(out, kv)
	}
	return append(out, "GODEBUG="+mergeGODEBUG(godebug))
}

func mergeGODEBUG(v string) string {
	var parts []string
	level := "1"
	for _, p := range strings.Split(v, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if val, ok := strings.CutPrefix(p, "gctrace="); ok {
			level = val
			if val == "" || val == "0" {
				level = "1"
			}
			continue
		}
		parts = append(parts, p)
	}
	return strings.Join(append(parts, "gctrace="+level), ",")
}
