package main

import (
	"time"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/engine"
	"github.com/gctrace/gctrace/metrics"
	"github.com/gctrace/gctrace/report"
	"github.com/spf13/cobra"
)

// exportFormat is the output format of gctrace export.
type exportFormat string

const (
	exportJSONL exportFormat = exportFormat(report.JSONL)
	exportCSV   exportFormat = exportFormat(report.CSV)
	exportOM    exportFormat = "openmetrics"
	exportProm  exportFormat = "prometheus"
)

type exportOptions struct {
	Format exportFormat
	GCOnly bool
	Args   []string
	// For openmetrics: the labels, the bound on processes, the analysis
	// settings and the sampling step.
	Metrics metricsOptions
	Config  analyze.Config
	Step    time.Duration
}

func newCmdExport(s *streams, runF func(*exportOptions) error) *cobra.Command {
	opts := &exportOptions{}
	var format string
	cmd := &cobra.Command{
		Use:   "export [FILE...]",
		Short: "Write the parsed trace as JSON lines or CSV, or its metrics as OpenMetrics",
		Long: `Export decodes every line of the GC trace and writes one record per line,
for jq, pandas, DuckDB or a spreadsheet. It reads the named files in order,
or standard input when there are none or the name is "-".

Each GC cycle becomes a record of kind "gc" with the fields of the export
schema: file, line, process, gc, start_s, gc_cpu_percent, clock_ms, cpu_ms,
heap_start_mib, heap_end_mib, heap_live_mib, heap_goal_mib, stacks_mib,
globals_mib, procs, forced, leak_check and kind. Fields a Go release did not
print are null. Other runtime lines ("GC forced", scavenger, pacer, scan,
checkfinalizers) become records of their own kind carrying their text; use
--gc-only to leave them out. The program's own output is not exported.

--format openmetrics writes instead the Prometheus series that gctrace run
--metrics serves (see the README), for the node_exporter textfile collector
or "promtool tsdb create-blocks-from openmetrics". When the lines carry
timestamps (kubectl logs --timestamps, Docker, CRI), the series are sampled
every --step of the trace's time; otherwise once, at the file's
modification time (now for standard input). --label and
--metrics-max-processes work as for --metrics. --format prometheus writes
the final values only, without timestamps, in the Prometheus text format:
what the node_exporter textfile collector reads (it refuses timestamps).

When reading a pipe, each record is written as soon as its line arrives.
At the end a count of lines read, parsed, passed over and not understood
goes to standard error, with the position of each line not understood.`,
		Example: `  GODEBUG=gctrace=1 ./server 2>&1 | gctrace export > cycles.jsonl
  gctrace export --format csv run.log > cycles.csv
  gctrace export --format openmetrics --label service=api run.log > gc.om
  gctrace export --format prometheus run.log > /var/lib/node_exporter/textfile/gctrace.prom
  gctrace export run.log | jq -r 'select(.kind=="gc") | [.start_s, .heap_live_mib] | @tsv'`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch f := exportFormat(format); f {
			case exportJSONL, exportCSV, exportOM, exportProm:
				opts.Format = f
			default:
				return usagef("unknown format %q (want jsonl, csv, openmetrics or prometheus)", format)
			}
			opts.Metrics.Addr = "-" // labels need no address here
			if err := opts.Metrics.check(); err != nil {
				return err
			}
			opts.Config = analyze.DefaultConfig()
			opts.Args = args
			if runF != nil {
				return runF(opts)
			}
			return runExport(s, opts)
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", string(exportJSONL), "output format: jsonl, csv, openmetrics or prometheus")
	cmd.Flags().BoolVar(&opts.GCOnly, "gc-only", false, "export GC cycles only, not the other runtime lines")
	cmd.Flags().StringArrayVar(&opts.Metrics.RawLabels, "label", nil, "openmetrics: put `key=value` on every series (repeatable)")
	cmd.Flags().IntVar(&opts.Metrics.MaxProcesses, "metrics-max-processes", metrics.DefaultMaxProcesses, "openmetrics: keep series for the `N` most recent processes, the rest under process=\"other\"")
	cmd.Flags().DurationVar(&opts.Step, "step", metrics.DefaultStep, "openmetrics: sample every `d` of the trace's time when its lines carry timestamps")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"jsonl", "csv", "openmetrics", "prometheus"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runExport(s *streams, opts *exportOptions) error {
	if opts.Format == exportOM || opts.Format == exportProm {
		return runExportOpenMetrics(s, opts)
	}
	rw, err := report.NewRecordWriter(s.Out, report.RecordFormat(opts.Format), opts.GCOnly, s.InIsPipe && readsStdin(opts.Args))
	if err != nil {
		return err
	}
	t, err := engine.Records(s.In, opts.Args, rw.Write)
	if ferr := rw.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		return err
	}
	report.WriteTally(s.Err, &t)
	return t.NoTrace()
}

// readsStdin reports whether the inputs include standard input: only then
// can records arrive slowly enough that each is worth writing at once.
func readsStdin(args []string) bool {
	if len(args) == 0 {
		return true
	}
	for _, a := range args {
		if a == "-" {
			return true
		}
	}
	return false
}
