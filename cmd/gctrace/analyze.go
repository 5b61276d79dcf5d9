package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/engine"
	"github.com/gctrace/gctrace/report"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func parseReportFormat(s string) (report.Format, error) {
	f, err := report.ParseFormat(s)
	if err != nil {
		return "", usagef("%v", err)
	}
	return f, nil
}

type analyzeOptions struct {
	Format      report.Format
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

` + metricsHelp + `

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
	fl.StringVarP(&format, "format", "f", string(report.Text), "report format: text, json or markdown")
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
	out := report.NewLineWriter(s.Out, live)
	con := &report.Console{}
	if opts.Passthrough {
		con.Echo = out
	}
	if opts.Stream {
		if opts.Format == report.Text {
			con.Findings = out
		} else {
			con.Findings = report.NewLineWriter(s.Err, true)
		}
	}
	srv, err := startServers(s.Err, &opts.Live, &opts.Metrics, len(opts.Args))
	if err != nil {
		return err
	}
	defer srv.close()
	eng := engine.New(engine.Options{
		Config:      opts.Analysis.Config,
		Profiles:    opts.Pprof.profiles(),
		Stdin:       s.In,
		Log:         s.Err,
		Subscribers: []engine.Subscriber{con},
	})
	srv.subscribe(eng)
	ctx, stopInterrupt := interruptContext()
	defer stopInterrupt()
	interrupted, err := eng.Read(ctx, opts.Args)
	if err != nil {
		return err
	}
	if interrupted {
		fmt.Fprintln(s.Err, "gctrace: interrupted: the report covers what was read")
	}
	res := eng.Finish(interrupted)
	if err := res.NoTrace(); err != nil {
		out.Flush()
		return err
	}
	out.FlushHeld()
	if out.Wrote() && opts.Format == report.Text {
		out.Say("") // set the report apart from the lines before it
	}
	if err := report.Write(out, opts.Format, res); err != nil {
		return err
	}
	if err := out.Flush(); err != nil {
		return err
	}
	srv.finish(s.Err)
	return nil
}

// interruptContext is done at the first Ctrl-C, which ends the input; the
// second one ends gctrace, as by default.
func interruptContext() (context.Context, context.CancelFunc) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	context.AfterFunc(ctx, stop)
	return ctx, stop
}

// analysisOptions are the settings of the analysis that analyze, check and
// run share: thresholds by name, rules on and off, and a config file
// holding both (and check's budgets).
type analysisOptions struct {
	ConfigFile string
	Sets       []string // NAME=VALUE
	Rules      []string // selections, see engine.SelectRules

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
		settings, err := engine.ReadConfig(o.ConfigFile)
		if err != nil {
			return usagef("%v", err)
		}
		for _, e := range settings {
			var err error
			switch {
			case e.Name == "rules":
				err = engine.SelectRules(&o.Config, e.Value)
			case isBudgetKey(e.Name):
				if b != nil && !fl.Changed(e.Name) {
					err = b.set(e.Name, e.Value)
				}
			default:
				err = o.Config.Set(e.Name, e.Value)
			}
			if err != nil {
				return usagef("%s:%d: %v", o.ConfigFile, e.Line, err)
			}
		}
	}
	for _, r := range o.Rules {
		if err := engine.SelectRules(&o.Config, r); err != nil {
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
