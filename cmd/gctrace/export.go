package main

import (
	"bufio"
	"encoding/csv"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/metrics"

	"github.com/gctrace/gctrace/parser"
	"github.com/spf13/cobra"
)

// exportFormat is the output format of gctrace export.
type exportFormat string

const (
	exportJSONL exportFormat = "jsonl"
	exportCSV   exportFormat = "csv"
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

// exportColumns are the CSV header, in the order of the export schema; text
// holds the line of records that are not GC cycles.
var exportColumns = []string{"file", "line", "process", "gc", "start_s", "gc_cpu_percent", "clock_ms", "cpu_ms",
	"heap_start_mib", "heap_end_mib", "heap_live_mib", "heap_goal_mib", "stacks_mib", "globals_mib",
	"procs", "forced", "leak_check", "kind", "text"}

func runExport(s *streams, opts *exportOptions) error {
	if opts.Format == exportOM || opts.Format == exportProm {
		return runExportOpenMetrics(s, opts)
	}
	out := bufio.NewWriterSize(s.Out, 64<<10)
	var cw *csv.Writer
	if opts.Format == exportCSV {
		cw = csv.NewWriter(out)
		if err := cw.Write(exportColumns); err != nil {
			return err
		}
	}
	var (
		t    tally
		buf  []byte
		row  = make([]string, len(exportColumns))
		live = s.InIsPipe && readsStdin(opts.Args)
	)
	err := eachInput(s, opts.Args, func(in *input) error {
		r := in.r
		for r.Scan() {
			rec := r.Record()
			switch rec := rec.(type) {
			case *parser.Text:
				continue
			case *parser.SyntaxError:
				t.note(rec)
				continue
			case *parser.Runtime:
				if opts.GCOnly {
					continue
				}
			}
			if cw != nil {
				csvRow(row, rec)
				if err := cw.Write(row); err != nil {
					return err
				}
				if live {
					cw.Flush()
				}
			} else {
				buf = appendJSONL(buf[:0], rec)
				if _, err := out.Write(buf); err != nil {
					return err
				}
			}
			if live {
				if err := out.Flush(); err != nil {
					return err
				}
			}
		}
		t.add(r.Stats())
		return nil
	})
	if cw != nil {
		cw.Flush()
		if err == nil {
			err = cw.Error()
		}
	}
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		return err
	}
	t.summary(s.Err)
	return t.noTrace()
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

// appendJSONL appends rec as one JSON object and a newline. The encoding
// is written by hand so that the times keep the digits the runtime printed
// and the field order is that of the schema.
func appendJSONL(b []byte, rec parser.Record) []byte {
	pos := rec.Position()
	b = append(b, `{"file":`...)
	b = appendJSONString(b, pos.File)
	b = append(b, `,"line":`...)
	b = strconv.AppendInt(b, int64(pos.Line), 10)
	b = append(b, `,"process":`...)
	b = strconv.AppendInt(b, int64(pos.Process), 10)
	if rt, ok := rec.(*parser.Runtime); ok {
		b = append(b, `,"kind":`...)
		b = appendJSONString(b, rt.Kind.String())
		b = append(b, `,"text":`...)
		b = appendJSONString(b, string(rt.Text))
		return append(b, "}\n"...)
	}
	g := rec.(*parser.GC)
	b = append(b, `,"gc":`...)
	b = strconv.AppendInt(b, int64(g.N), 10)
	b = append(b, `,"start_s":`...)
	b = appendStart(b, g)
	b = append(b, `,"gc_cpu_percent":`...)
	b = appendOptInt(b, int64(g.CPUPercent), 1)
	b = append(b, `,"clock_ms":[`...)
	for i := 0; i < g.NClock; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendClock(b, g, i)
	}
	b = append(b, `],"cpu_ms":[`...)
	for i := 0; i < g.NCPU; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		b = parser.AppendMS(b, g.CPU[i], g.CPUPrec[i])
	}
	b = append(b, `],"heap_start_mib":`...)
	b = appendOptInt(b, g.HeapStart, 1<<20)
	b = append(b, `,"heap_end_mib":`...)
	b = appendOptInt(b, g.HeapEnd, 1<<20)
	b = append(b, `,"heap_live_mib":`...)
	b = appendOptInt(b, g.HeapLive, 1<<20)
	b = append(b, `,"heap_goal_mib":`...)
	b = appendOptInt(b, g.HeapGoal, 1<<20)
	b = append(b, `,"stacks_mib":`...)
	b = appendOptInt(b, g.Stacks, 1<<20)
	b = append(b, `,"globals_mib":`...)
	b = appendOptInt(b, g.Globals, 1<<20)
	b = append(b, `,"procs":`...)
	b = strconv.AppendInt(b, int64(g.Procs), 10)
	b = append(b, `,"forced":`...)
	b = strconv.AppendBool(b, g.Forced)
	b = append(b, `,"leak_check":`...)
	b = strconv.AppendBool(b, g.LeakCheck)
	return append(b, `,"kind":"gc"}`+"\n"...)
}

// appendStart appends the start time in seconds with the printed digits.
func appendStart(b []byte, g *parser.GC) []byte {
	if g.Start == parser.Absent {
		return append(b, "null"...)
	}
	// Start is in ns; printed as seconds with StartPrec decimals, which
	// AppendMS renders when given ms-scaled input: shift by 1e3.
	return parser.AppendMS(b, g.Start/1000, g.StartPrec)
}

// appendClock appends a clock phase in ms. Before Go 1.3 phases were whole
// ms; Go 1.3 and 1.4 printed µs, which become ms with three decimals.
func appendClock(b []byte, g *parser.GC, i int) []byte {
	if !g.Format.Concurrent() {
		if g.Format >= parser.FormatGo13 {
			return parser.AppendMS(b, g.Clock[i], 3)
		}
		return parser.AppendMS(b, g.Clock[i], 0)
	}
	return parser.AppendMS(b, g.Clock[i], g.ClockPrec[i])
}

func appendOptInt(b []byte, v, unit int64) []byte {
	if v == parser.Absent {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, v/unit, 10)
}

// appendJSONString appends s as a JSON string; invalid UTF-8 becomes U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// csvRow fills row with rec's columns; absent values are empty cells and
// arrays are space-separated.
func csvRow(row []string, rec parser.Record) {
	for i := range row {
		row[i] = ""
	}
	pos := rec.Position()
	row[0], row[1], row[2] = pos.File, strconv.Itoa(pos.Line), strconv.Itoa(pos.Process)
	if rt, ok := rec.(*parser.Runtime); ok {
		row[17], row[18] = rt.Kind.String(), string(rt.Text)
		return
	}
	g := rec.(*parser.GC)
	var b []byte
	cell := func(f func([]byte) []byte) string {
		b = f(b[:0])
		if string(b) == "null" {
			return ""
		}
		return string(b)
	}
	row[3] = strconv.Itoa(g.N)
	row[4] = cell(func(b []byte) []byte { return appendStart(b, g) })
	row[5] = cell(func(b []byte) []byte { return appendOptInt(b, int64(g.CPUPercent), 1) })
	row[6] = cell(func(b []byte) []byte {
		for i := 0; i < g.NClock; i++ {
			if i > 0 {
				b = append(b, ' ')
			}
			b = appendClock(b, g, i)
		}
		return b
	})
	row[7] = cell(func(b []byte) []byte {
		for i := 0; i < g.NCPU; i++ {
			if i > 0 {
				b = append(b, ' ')
			}
			b = parser.AppendMS(b, g.CPU[i], g.CPUPrec[i])
		}
		return b
	})
	for i, v := range []int64{g.HeapStart, g.HeapEnd, g.HeapLive, g.HeapGoal, g.Stacks, g.Globals} {
		row[8+i] = cell(func(b []byte) []byte { return appendOptInt(b, v, 1<<20) })
	}
	row[14] = strconv.Itoa(g.Procs)
	row[15] = strconv.FormatBool(g.Forced)
	row[16] = strconv.FormatBool(g.LeakCheck)
	row[17] = "gc"
}
