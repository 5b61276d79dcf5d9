package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/engine"
	"github.com/gctrace/gctrace/plot"
	"github.com/gctrace/gctrace/report"
	"github.com/spf13/cobra"
)

type plotOptions struct {
	Output   string      // file name, or "-" for standard output
	Format   plot.Format // from --format, else from Output's extension
	Width    int
	Height   int
	Title    string
	Process  int  // 0: the longest
	All      bool // every process, one chart under the other in the one file
	Findings bool // shade the spans of analyze's findings
	Args     []string
}

func newCmdPlot(s *streams, runF func(*plotOptions) error) *cobra.Command {
	opts := &plotOptions{}
	var format, process string
	cmd := &cobra.Command{
		Use:   "plot [-o FILE] [FILE...]",
		Short: "Draw heap, pauses and GC CPU over time as PNG, SVG or PDF",
		Long: `Plot draws the GC trace of one process: the heap over time (in use when each
cycle started and when its marking ended, live after it, and the goal), with
forced GCs marked; below it, on the same time axis, the stop-the-world pause
of every cycle, the GC CPU share over a sliding window of recent cycles next
to the cumulative figure the runtime prints, and the allocation rate.
Where a rule of gctrace analyze fires (with its default thresholds), the
time it covers is shaded and labelled with the rule's ID.

The output format follows the file's extension (.png, .svg, .pdf) unless
--format says otherwise; "-o -" writes to standard output and needs
--format. A PNG or PDF is not written to a terminal.

A long trace is downsampled per pixel column keeping each column's minimum
and maximum, so no peak is shaved, in memory independent of its length.

A log can hold several processes (a program and the go command that built
it, restarts, children). -o names the one file written, always: it shows
the process with the most cycles, or the one --process names, or with
--all every process, one chart under the other (each --height high, less
when there are many: the page is at most 10000 pixels high), of the 8 with
the most cycles.`,
		Example: `  gctrace plot -o gc.png run.log
  GODEBUG=gctrace=1 ./server 2>&1 | gctrace plot -o gc.svg
  gctrace plot --process 2 --width 1600 --height 900 -o gc.pdf run.log
  GODEBUG=gctrace=1 go test ./... 2>&1 | gctrace plot --all -o tests.png
  gctrace plot -o - --format svg run.log > gc.svg`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Output == "" {
				return usagef("-o needs a file name, or - for standard output")
			}
			switch {
			case format != "":
				f, err := plot.ParseFormat(format)
				if err != nil {
					return usagef("%v", err)
				}
				if ext, err := plot.FormatOf(opts.Output); err == nil && ext != f {
					return usagef("--format %s does not match the extension of %s", f, opts.Output)
				}
				opts.Format = f
			case opts.Output == "-":
				return usagef("writing to standard output needs --format png, svg or pdf")
			default:
				f, err := plot.FormatOf(opts.Output)
				if err != nil {
					return usagef("%v", err)
				}
				opts.Format = f
			}
			switch p := strings.ToLower(process); {
			case p == "" || p == "longest":
			case p == "all":
				opts.All = true
			default:
				n, err := strconv.Atoi(p)
				if err != nil || n < 1 {
					return usagef("--process wants a process number (1, 2, …) or all, not %q", process)
				}
				opts.Process = n
			}
			if opts.All && opts.Process != 0 {
				return usagef("--all and --process N exclude each other")
			}
			if opts.Width < plot.MinWidth || opts.Width > plot.MaxSide || opts.Height < plot.MinHeight || opts.Height > plot.MaxSide {
				return usagef("--width must be %d to %d and --height %d to %d pixels", plot.MinWidth, plot.MaxSide, plot.MinHeight, plot.MaxSide)
			}
			opts.Args = args
			if runF != nil {
				return runF(opts)
			}
			return runPlot(s, opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Output, "output", "o", "gc.png", "output file, or - for standard output")
	f.StringVarP(&format, "format", "f", "", "png, svg or pdf (default: from the output file's extension)")
	f.IntVar(&opts.Width, "width", plot.DefaultWidth, "width in pixels (SVG and PDF: the same size at 96 dpi)")
	f.IntVar(&opts.Height, "height", plot.DefaultHeight, "height in pixels")
	f.StringVar(&opts.Title, "title", "", "chart title (default: the input, process, trace format and GOMAXPROCS)")
	f.StringVarP(&process, "process", "p", "", "process to draw: a number, or all (default: the one with the most cycles)")
	f.BoolVar(&opts.All, "all", false, "draw every process, one chart under the other (same as --process all)")
	f.BoolVar(&opts.Findings, "findings", true, "shade and label where analyze's findings fired, at the default thresholds")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"png", "svg", "pdf"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("process", cobra.FixedCompletions([]string{"all"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runPlot(s *streams, opts *plotOptions) error {
	if opts.Output == "-" {
		if opts.Format.Binary() && s.OutIsTerminal {
			return &exitStatus{code: exitError, msg: fmt.Sprintf(
				"refusing to write a %s image to a terminal: redirect standard output (> gc.%s) or name a file with -o",
				strings.ToUpper(opts.Format.String()), opts.Format)}
		}
	} else if err := checkWritableDir(opts.Output); err != nil {
		// Checked before reading, which can take a while on a long trace.
		return err
	}

	b := plot.NewBuilder(plot.Options{Columns: 2 * opts.Width, Process: opts.Process})
	// The engine decodes a file on every core, and the analyzer (for
	// the findings' spans) and the builder take each batch side by side.
	cfg := analyze.DefaultConfig()
	if !opts.Findings {
		cfg.Disable(engine.RuleIDs()...)
	}
	eng := engine.New(engine.Options{Config: cfg, Stdin: s.In, Subscribers: []engine.Subscriber{b.Subscriber()}})
	if _, err := eng.Read(context.Background(), opts.Args); err != nil {
		return err
	}
	rep := eng.Finish(false)
	t := rep.Inputs
	if t.Errors > 0 {
		report.WriteTally(s.Err, &t)
	}
	if err := t.NoTrace(); err != nil {
		return err
	}

	if opts.Findings {
		for _, f := range rep.Findings {
			// Findings about the whole input (process 0) or without times
			// (before Go 1.5) have no span to shade.
			if f.Process > 0 && f.Start >= 0 {
				b.AddSpan(f.Rule, f.File, f.Process, f.Start, f.End)
			}
		}
	}

	procs := b.Processes()
	var draw []plot.Process
	switch {
	case opts.All:
		draw = procs
	default:
		p, ok := b.Longest()
		if !ok {
			return &exitStatus{code: exitError, msg: fmt.Sprintf("no GC trace of process %d found (the input has %d %s)",
				opts.Process, t.Processes, report.Plural(int64(t.Processes), "process", "processes"))}
		}
		draw = []plot.Process{p}
	}
	charts := make([]plot.Chart, len(draw))
	var what []string
	for i, p := range draw {
		charts[i] = plot.Chart{ID: p.ProcessID, Title: opts.Title}
		if opts.Title != "" && len(draw) > 1 {
			charts[i].Title = fmt.Sprintf("%s: process %d", opts.Title, p.Process)
		}
		what = append(what, describeProcess(p, t.Inputs > 1))
	}
	var buf bytes.Buffer
	ro := plot.RenderOptions{Width: opts.Width, Height: opts.Height}
	if err := b.RenderPage(&buf, opts.Format, charts, ro); err != nil {
		return err
	}
	if err := writeOutput(s, opts.Output, buf.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(s.Err, "gctrace: wrote %s (%s)\n", outputLabel(opts.Output, opts.Format), strings.Join(what, "; "))
	if !opts.All && opts.Process == 0 && len(procs) > 1 {
		fmt.Fprintf(s.Err, "gctrace: the input holds %d processes; --process N draws another, --all draws them all in %s\n", t.Processes, outputLabel(opts.Output, opts.Format))
	}
	if n, cycles := b.Omitted(); n > 0 {
		keeps := ""
		if opts.All {
			// Each chart of a page costs about 10 MB to draw at the
			// default size: eight keep a page near 110 MB.
			keeps = fmt.Sprintf(" (--all keeps the %d with the most cycles)", plot.DefaultMaxProcesses)
		}
		fmt.Fprintf(s.Err, "gctrace: %d smaller %s (%d cycles) not kept%s; --process N draws one\n",
			n, report.Plural(int64(n), "process", "processes"), cycles, keeps)
	}
	return nil
}

// describeProcess names a process and its size; the input is named only
// when there are several.
func describeProcess(p plot.Process, inputs bool) string {
	in := ""
	if inputs {
		in = " of " + p.File
	}
	return fmt.Sprintf("process %d%s, %d %s", p.Process, in, p.Cycles, report.Plural(p.Cycles, "cycle", "cycles"))
}

func outputLabel(name string, f plot.Format) string {
	if name == "-" {
		return strings.ToUpper(f.String()) + " to standard output"
	}
	return name
}

// checkWritableDir fails early when the output's directory does not exist
// or is not a directory.
func checkWritableDir(name string) error {
	dir := filepath.Dir(name)
	fi, err := os.Stat(dir)
	switch {
	case err != nil:
		return &exitStatus{code: exitError, msg: fmt.Sprintf("cannot write %s: %s", name, pathErr(err))}
	case !fi.IsDir():
		return &exitStatus{code: exitError, msg: fmt.Sprintf("cannot write %s: %s is not a directory", name, dir)}
	}
	if fi, err := os.Stat(name); err == nil && fi.IsDir() {
		return &exitStatus{code: exitError, msg: fmt.Sprintf("cannot write %s: it is a directory", name)}
	}
	return nil
}

// writeOutput writes the chart once it is complete, so that a failure
// leaves no half-written file behind.
func writeOutput(s *streams, name string, data []byte) error {
	if name == "-" {
		_, err := s.Out.Write(data)
		return err
	}
	if err := os.WriteFile(name, data, 0o666); err != nil {
		return &exitStatus{code: exitError, msg: fmt.Sprintf("cannot write %s: %s", name, pathErr(err))}
	}
	return nil
}

// pathErr returns the cause of a file error without repeating the path.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
