package main

import (
	"bufio"
	"fmt"
	"math"
	"strings"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/engine"
	"github.com/gctrace/gctrace/parser"
	"github.com/gctrace/gctrace/report"
	"github.com/gctrace/gctrace/tune"
	"github.com/spf13/cobra"
)

type tuneOptions struct {
	Format     tune.Format
	Settings   []tune.Setting
	Budget     int64
	Model      tune.Options
	PerProcess bool
	Args       []string
}

// tuneFlags are the flags as typed, before they are read into tuneOptions.
type tuneFlags struct {
	format, budget, recordedGOGC, recordedLimit, nonHeap string
	gogc, memlimit                                       []string
}

func newCmdTune(s *streams, runF func(*tuneOptions) error) *cobra.Command {
	opts := &tuneOptions{}
	var f tuneFlags
	cmd := &cobra.Command{
		Use:   "tune [FILE...]",
		Short: "Predict GC cycles, GC CPU and peak heap under other GOGC and GOMEMLIMIT settings",
		Long: `Tune replays a recorded GC trace through the pacer model of the Go GC guide
and predicts, for each setting, per process: GC cycles (and per second), GC
CPU, peak heap, the time the memory limit sets the heap goal, and whether the
heap would go over the limit. It reads the named files in order, or standard
input.

  --gogc N[,N...]          GOGC values to predict (off for GOGC=off)
  --memlimit SIZE[,SIZE]   memory limits to predict (off for none)
  --budget SIZE            recommend the GOGC and GOMEMLIMIT that spend least
                           GC CPU while the predicted peak heap plus non-heap
                           memory stays under SIZE (a container's limit)

Each GOGC is combined with each memory limit; the one left out stays as
recorded. Without any of them tune predicts GOGC=50, 200 and 400. Every row
is compared with the recorded run, and a check says how well the model
replays the recorded setting itself: trust a prediction as far as that.

The model: after each cycle the goal is live + (live + stacks + globals) ×
GOGC/100 (live × (1 + GOGC/100) before Go 1.18), at least 4 MiB × GOGC/100,
capped under a limit at (limit − non-heap memory) less 3%. The next cycle
triggers as the runtime does, between 70% and 95% of the way from live to
goal and as far below the goal as the recorded cycles finished, and ends
after what the recorded cycles allocated while marking. A cycle costs the GC
CPU of recorded cycles with that live heap (a least-squares fit on live
heap + roots). Under a limit the runtime keeps
GC CPU to 50%: a cycle that would cost more comes later and the heap grows
past the goal.

It assumes the program allocates the same bytes at the same moments under
every setting (the GC's CPU does not slow it down) and that the live heap
does not depend on the setting. It cannot see RSS beyond the heap (runtime
metadata, memory not yet returned to the OS, cgo) or fragmentation: keep
headroom between a memory budget and the predicted peak heap, which --budget
does (10%). Non-heap memory is what a known memory limit left of the goals
(--recorded-memlimit), or else the trace's stacks and globals plus 6 MiB;
--nonheap sets it.

The recorded setting is read from the trace: GOGC=100 unless the goals
clearly say otherwise, and a memory limit when the goals sit flat well below
what GOGC gives. --recorded-gogc and --recorded-memlimit say it when known.
The trace's sizes are whole MiB, truncated: heaps of a few MiB are predicted
to that resolution.`,
		Example: `  gctrace tune --gogc 200,400 --memlimit 256MiB run.log
  gctrace tune --budget 512MiB run.log
  gctrace tune --gogc off --memlimit 1GiB --recorded-memlimit 768MiB run.log
  GODEBUG=gctrace=1 ./server 2>&1 | gctrace tune --format json --gogc 50,100,200`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := f.resolve(opts); err != nil {
				return err
			}
			opts.Args = args
			if runF != nil {
				return runF(opts)
			}
			return runTune(s, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.format, "format", "f", string(tune.Text), "output format: text or json")
	fl.StringSliceVar(&f.gogc, "gogc", nil, "GOGC `values` to predict, comma-separated (off for GOGC=off)")
	fl.StringSliceVar(&f.memlimit, "memlimit", nil, "memory `limits` to predict, comma-separated (off for none)")
	fl.StringVar(&f.budget, "budget", "", "recommend GOGC and GOMEMLIMIT for this memory `size`")
	fl.StringVar(&f.recordedGOGC, "recorded-gogc", "", "the GOGC the trace was recorded with (default: read from the trace)")
	fl.StringVar(&f.recordedLimit, "recorded-memlimit", "", "the memory limit the trace was recorded with (default: read from the trace)")
	fl.StringVar(&f.nonHeap, "nonheap", "", "memory beyond the heap that a limit counts (default: estimated)")
	fl.BoolVar(&opts.PerProcess, "per-process", false, "with several processes, a table for each as well as the total")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func (f *tuneFlags) resolve(opts *tuneOptions) error {
	tf, err := tune.ParseFormat(f.format)
	if err != nil {
		return usagef("%v", err)
	}
	opts.Format = tf
	gogcs := []int{tune.AsRecorded}
	if len(f.gogc) > 0 {
		gogcs = gogcs[:0]
		for _, v := range f.gogc {
			g, err := tune.ParseGOGC(v)
			if err != nil {
				return usagef("--gogc: %v", err)
			}
			gogcs = append(gogcs, g)
		}
	}
	limits := []int64{tune.AsRecorded}
	if len(f.memlimit) > 0 {
		limits = limits[:0]
		for _, v := range f.memlimit {
			l, err := parseLimit(v, true)
			if err != nil {
				return usagef("--memlimit: %v", err)
			}
			limits = append(limits, l)
		}
	}
	if f.budget != "" {
		b, err := parseLimit(f.budget, false)
		if err != nil {
			return usagef("--budget: %v", err)
		}
		opts.Budget = b
	}
	if len(f.gogc) == 0 && len(f.memlimit) == 0 && opts.Budget == 0 {
		gogcs = []int{50, 200, 400}
	}
	if len(f.gogc) > 0 || len(f.memlimit) > 0 || opts.Budget == 0 {
		for _, g := range gogcs {
			for _, l := range limits {
				opts.Settings = append(opts.Settings, tune.Setting{GOGC: g, MemoryLimit: l})
			}
		}
	}
	if f.recordedGOGC != "" {
		g, err := tune.ParseGOGC(f.recordedGOGC)
		if err != nil {
			return usagef("--recorded-gogc: %v", err)
		}
		opts.Model.RecordedGOGC, opts.Model.RecordedGOGCSet = g, true
	}
	if f.recordedLimit != "" {
		l, err := parseLimit(f.recordedLimit, true)
		if err != nil {
			return usagef("--recorded-memlimit: %v", err)
		}
		opts.Model.RecordedLimit = l
	}
	if f.nonHeap != "" {
		n, err := analyze.ParseSize(f.nonHeap)
		if err != nil || n < 0 {
			return usagef("--nonheap: want a size such as 16MiB: %q", f.nonHeap)
		}
		opts.Model.NonHeap = int64(n)
	}
	return nil
}

// parseLimit reads a memory size ("256MiB"; a plain number is MiB, as
// elsewhere in gctrace), or "off" for no limit where offOK.
func parseLimit(v string, offOK bool) (int64, error) {
	if offOK && strings.EqualFold(strings.TrimSpace(v), "off") {
		return 0, nil
	}
	n, err := analyze.ParseSize(v)
	if err != nil {
		return 0, err
	}
	if n < 1<<20 || n > math.MaxInt64/2 {
		return 0, fmt.Errorf("want a size of at least 1MiB: %q", v)
	}
	return int64(n), nil
}

func runTune(s *streams, opts *tuneOptions) error {
	rec := tune.NewRecorder()
	t, err := engine.Records(s.In, opts.Args, func(r parser.Record) error {
		if g, ok := r.(*parser.GC); ok {
			rec.Add(g)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if t.Errors > 0 {
		report.WriteTally(s.Err, &t)
	}
	if err := t.NoTrace(); err != nil {
		return err
	}
	if len(rec.Histories()) == 0 {
		return &exitStatus{code: exitError, msg: fmt.Sprintf("no GC cycle to replay: the %d cycles are from Go 1.4 or older, whose trace prints no time or heap goal", rec.Skipped())}
	}
	st := tune.Run(rec.Histories(), opts.Model, opts.Settings, opts.Budget)
	out := bufio.NewWriter(s.Out)
	if err := st.Render(out, opts.Format, opts.PerProcess); err != nil {
		return err
	}
	return out.Flush()
}
