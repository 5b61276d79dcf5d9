package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/engine"
	"github.com/gctrace/gctrace/parser"
	"github.com/gctrace/gctrace/report"
	"github.com/gctrace/gctrace/tune"
	"github.com/spf13/cobra"
)

// tuneFormat is the output format of gctrace tune.
type tuneFormat string

const (
	tuneText tuneFormat = "text"
	tuneJSON tuneFormat = "json"
)

type tuneOptions struct {
	Format     tuneFormat
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
	fl.StringVarP(&f.format, "format", "f", string(tuneText), "output format: text or json")
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
	switch tf := tuneFormat(strings.ToLower(f.format)); tf {
	case tuneText, tuneJSON:
		opts.Format = tf
	default:
		return usagef("unknown format %q (want text or json)", f.format)
	}
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
	if err := renderTune(out, opts, st); err != nil {
		return err
	}
	return out.Flush()
}

func renderTune(w io.Writer, opts *tuneOptions, st *tune.Study) error {
	switch opts.Format {
	case tuneText:
		return renderTuneText(w, opts, st)
	case tuneJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(tuneJSONOf(st))
	}
	return fmt.Errorf("unknown format %q", opts.Format)
}

func renderTuneText(w io.Writer, opts *tuneOptions, st *tune.Study) error {
	if len(st.Processes) == 1 {
		p := st.Processes[0]
		fmt.Fprintln(w, processHeader(p.Model))
		if len(opts.Settings) > 0 {
			fmt.Fprintln(w)
			tuneTable(w, p.Recorded, p.Replay, p.Predictions)
		}
	} else {
		fmt.Fprintf(w, "%d processes, %d GC cycles", len(st.Processes), st.Recorded.Cycles)
		if st.Unfit > 0 {
			fmt.Fprintf(w, " (%d more without a cycle to replay)", st.Unfit)
		}
		fmt.Fprintln(w, "; cycles and GC CPU summed over the processes, peak heap of the largest")
		if len(opts.Settings) > 0 {
			fmt.Fprintln(w)
			tuneTable(w, st.Recorded, st.Replay, st.Predictions)
		}
		if opts.PerProcess {
			for _, p := range st.Processes {
				fmt.Fprintf(w, "\n%s\n\n", processHeader(p.Model))
				tuneTable(w, p.Recorded, p.Replay, p.Predictions)
			}
		}
	}
	if r := st.Recommendation; r != nil {
		fmt.Fprintln(w)
		renderRecommendation(w, r)
	}
	return nil
}

// processHeader says which process a table is about and what the model
// took from its trace.
func processHeader(m *tune.Model) string {
	h := m.History
	rec := m.Recorded.String()
	var how []string
	if m.GOGCInferred {
		how = append(how, "GOGC read from the goals")
	}
	switch {
	case m.LimitInferred:
		how = append(how, fmt.Sprintf("limit inferred from %d cycles with flat goals", m.LimitBound))
	case m.Recorded.MemoryLimit == 0:
		rec += ", no memory limit"
	}
	nonHeap := "estimated"
	if m.NonHeapMeasured {
		nonHeap = "what the limit left of the goals"
	}
	s := fmt.Sprintf("%s process %d: %d GC cycles over %.3gs, recorded at %s", h.File, h.Process, len(h.Cycles), m.End.Seconds()-m.Tail.Seconds(), rec)
	if len(how) > 0 {
		s += " (" + strings.Join(how, "; ") + ")"
	}
	return s + fmt.Sprintf("; non-heap memory %s (%s)", tuneSize(m.NonHeap), nonHeap)
}

func tuneTable(w io.Writer, rec, replay tune.Outcome, preds []tune.Outcome) {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "SETTING\tCYCLES\tCYCLES/S\tGC CPU\tPEAK HEAP\tLIMIT SETS GOAL\tVS RECORDED\t")
	row := func(name string, o tune.Outcome, vs string) {
		fmt.Fprintf(tw, "%s\t%d\t%.3g\t%.2f%%\t%s\t%s\t%s\t\n", name, o.Cycles, o.CyclesPerSecond(), o.GCCPUPercent(), tuneSize(o.PeakHeap), pressure(o), vs)
	}
	row("recorded ("+rec.Setting.String()+")", rec, "")
	for _, o := range preds {
		row(o.Setting.String(), o, versus(o, rec))
	}
	tw.Flush()
	fmt.Fprintf(w, "Model check: replaying the recorded setting gives %d cycles (recorded %d, %s) and a peak heap of %s (recorded %s, %s).\n",
		replay.Cycles, rec.Cycles, relDiff(float64(replay.Cycles), float64(rec.Cycles)),
		tuneSize(replay.PeakHeap), tuneSize(rec.PeakHeap), relDiff(float64(replay.PeakHeap), float64(rec.PeakHeap)))
}

// pressure is the share of the time a memory limit set the goal, and
// whether the heap went over the limit or the GC CPU limiter stepped in.
func pressure(o tune.Outcome) string {
	if o.Setting.MemoryLimit == 0 || o.Span <= 0 {
		return "-"
	}
	s := fmt.Sprintf("%.0f%%", 100*o.LimitPressure.Seconds()/o.Span.Seconds())
	switch {
	case o.LimitExceeded:
		s += ", exceeded"
	case o.CPUCapped > 0:
		s += ", CPU capped"
	}
	return s
}

func versus(o, rec tune.Outcome) string {
	return fmt.Sprintf("cycles %s, GC CPU %+.2f pt, peak %s",
		relDiff(float64(o.Cycles), float64(rec.Cycles)), o.GCCPUPercent()-rec.GCCPUPercent(), relDiff(float64(o.PeakHeap), float64(rec.PeakHeap)))
}

func relDiff(got, base float64) string {
	if base == 0 {
		if got == 0 {
			return "±0%"
		}
		return "new"
	}
	return fmt.Sprintf("%+.0f%%", 100*(got-base)/base)
}

func renderRecommendation(w io.Writer, r *tune.Recommendation) {
	if !r.Fits {
		fmt.Fprintf(w, "Budget %s: no setting fits.\n%s\n", tuneSize(r.Budget), r.Why)
		return
	}
	o := r.Outcome
	fmt.Fprintf(w, "Budget %s: %s\n", tuneSize(r.Budget), o.Setting)
	fmt.Fprintf(w, "  predicted: %d cycles (%.3g/s), GC CPU %.2f%%, peak heap %s, with non-heap memory %s\n",
		o.Cycles, o.CyclesPerSecond(), o.GCCPUPercent(), tuneSize(o.PeakHeap), tuneSize(o.PeakMemory))
	fmt.Fprintf(w, "  recorded:  %d cycles (%.3g/s), GC CPU %.2f%%, peak heap %s\n",
		r.Recorded.Cycles, r.Recorded.CyclesPerSecond(), r.Recorded.GCCPUPercent(), tuneSize(r.Recorded.PeakHeap))
	fmt.Fprintf(w, "  headroom:  %s between GOMEMLIMIT and the budget; %s between the predicted peak and the budget\n",
		tuneSize(r.Headroom), tuneSize(r.Budget-o.PeakMemory))
	fmt.Fprintf(w, "  why: %s\n", r.Why)
}

// tuneSize prints bytes as whole MiB (the trace's unit), or GiB to three
// digits above 10 GiB.
func tuneSize(b int64) string {
	if b >= 10<<30 {
		return fmt.Sprintf("%.3g GiB", float64(b)/(1<<30))
	}
	return fmt.Sprintf("%d MiB", b>>20)
}

// The JSON shape of gctrace tune.
type (
	tuneReportJSON struct {
		Processes      []tuneProcessJSON  `json:"processes"`
		Unfit          int                `json:"processes_without_cycles"`
		Recorded       tuneOutcomeJSON    `json:"recorded"`
		Replay         tuneOutcomeJSON    `json:"replay"`
		Predictions    []tuneOutcomeJSON  `json:"predictions"`
		Recommendation *tuneRecommendJSON `json:"recommendation,omitempty"`
	}
	tuneProcessJSON struct {
		File        string            `json:"file"`
		Process     int               `json:"process"`
		Model       tuneModelJSON     `json:"model"`
		Recorded    tuneOutcomeJSON   `json:"recorded"`
		Replay      tuneOutcomeJSON   `json:"replay"`
		Predictions []tuneOutcomeJSON `json:"predictions"`
	}
	tuneModelJSON struct {
		RecordedGOGC     string           `json:"recorded_gogc"`
		GOGCInferred     bool             `json:"recorded_gogc_inferred"`
		RecordedLimit    int64            `json:"recorded_memlimit_bytes"`
		LimitInferred    bool             `json:"recorded_memlimit_inferred"`
		LimitBoundCycles int              `json:"limit_bound_cycles"`
		NonHeap          int64            `json:"nonheap_bytes"`
		NonHeapMeasured  bool             `json:"nonheap_measured"`
		Pacing           []tunePacingJSON `json:"pacing"`
		CostBaseMS       float64          `json:"cycle_cost_ms"`
		CostPerMiBMS     float64          `json:"cycle_cost_per_mib_ms"`
		TailS            float64          `json:"tail_s"`
	}
	// tunePacingJSON is how the recorded cycles ended against their goals,
	// when GOGC set the goal and when the limit did.
	tunePacingJSON struct {
		Regime    string `json:"goal_set_by"`
		Slack     int64  `json:"median_slack_bytes"`
		PeakSlack int64  `json:"peak_slack_bytes"`
		MarkAlloc int64  `json:"mark_alloc_bytes"`
	}
	tuneOutcomeJSON struct {
		Setting         string  `json:"setting"`
		GOGC            string  `json:"gogc"`
		MemoryLimit     string  `json:"memlimit"`
		Cycles          int     `json:"cycles"`
		SpanS           float64 `json:"span_s"`
		CyclesPerSecond float64 `json:"cycles_per_second"`
		GCCPUPercent    float64 `json:"gc_cpu_percent"`
		PeakHeap        int64   `json:"peak_heap_bytes"`
		PeakMemory      int64   `json:"peak_heap_and_nonheap_bytes"`
		LimitPressureS  float64 `json:"limit_sets_goal_s"`
		LimitExceeded   bool    `json:"limit_exceeded"`
		CPUCapped       int     `json:"cpu_capped_cycles"`
	}
	tuneRecommendJSON struct {
		Budget   int64            `json:"budget_bytes"`
		Fits     bool             `json:"fits"`
		GOGC     string           `json:"gogc,omitempty"`
		Limit    string           `json:"memlimit,omitempty"`
		Headroom int64            `json:"headroom_bytes"`
		Outcome  *tuneOutcomeJSON `json:"predicted,omitempty"`
		Why      string           `json:"why"`
	}
)

func tuneJSONOf(st *tune.Study) tuneReportJSON {
	r := tuneReportJSON{
		Processes: []tuneProcessJSON{}, Unfit: st.Unfit,
		Recorded: outcomeJSON(st.Recorded), Replay: outcomeJSON(st.Replay), Predictions: outcomesJSON(st.Predictions),
	}
	for _, p := range st.Processes {
		m := p.Model
		r.Processes = append(r.Processes, tuneProcessJSON{
			File: m.History.File, Process: m.History.Process,
			Model: tuneModelJSON{
				RecordedGOGC: gogcValue(m.Recorded.GOGC), GOGCInferred: m.GOGCInferred,
				RecordedLimit: m.Recorded.MemoryLimit, LimitInferred: m.LimitInferred, LimitBoundCycles: m.LimitBound,
				NonHeap: m.NonHeap, NonHeapMeasured: m.NonHeapMeasured,
				Pacing:     []tunePacingJSON{pacingJSON("gogc", m.Pacing[0]), pacingJSON("memlimit", m.Pacing[1])},
				CostBaseMS: round3(m.CostBase.Seconds() * 1e3), CostPerMiBMS: round3(m.CostPerMiB.Seconds() * 1e3),
				TailS: round3(m.Tail.Seconds()),
			},
			Recorded: outcomeJSON(p.Recorded), Replay: outcomeJSON(p.Replay), Predictions: outcomesJSON(p.Predictions),
		})
	}
	if rec := st.Recommendation; rec != nil {
		j := &tuneRecommendJSON{Budget: rec.Budget, Fits: rec.Fits, Headroom: rec.Headroom, Why: rec.Why}
		if rec.Fits {
			o := outcomeJSON(rec.Outcome)
			j.GOGC, j.Limit, j.Outcome = o.GOGC, o.MemoryLimit, &o
		}
		r.Recommendation = j
	}
	return r
}

func pacingJSON(regime string, p tune.Pacing) tunePacingJSON {
	return tunePacingJSON{Regime: regime, Slack: int64(p.Slack), PeakSlack: int64(p.PeakSlack), MarkAlloc: int64(p.MarkAlloc)}
}

func outcomesJSON(os []tune.Outcome) []tuneOutcomeJSON {
	out := []tuneOutcomeJSON{}
	for _, o := range os {
		out = append(out, outcomeJSON(o))
	}
	return out
}

func outcomeJSON(o tune.Outcome) tuneOutcomeJSON {
	limit := "off"
	switch {
	case o.Setting.MemoryLimit == tune.AsRecorded:
		limit = "recorded"
	case o.Setting.MemoryLimit > 0:
		limit = tune.FormatLimit(o.Setting.MemoryLimit)
	}
	return tuneOutcomeJSON{
		Setting: o.Setting.String(), GOGC: gogcValue(o.Setting.GOGC), MemoryLimit: limit,
		Cycles: o.Cycles, SpanS: round3(o.Span.Seconds()), CyclesPerSecond: round3(o.CyclesPerSecond()),
		GCCPUPercent: round3(o.GCCPUPercent()), PeakHeap: o.PeakHeap, PeakMemory: o.PeakMemory,
		LimitPressureS: round3(o.LimitPressure.Seconds()), LimitExceeded: o.LimitExceeded, CPUCapped: o.CPUCapped,
	}
}

func gogcValue(g int) string {
	switch g {
	case tune.Off:
		return "off"
	case tune.AsRecorded:
		return "recorded"
	}
	return fmt.Sprint(g)
}

// round3 keeps three decimals: the trace has no more to give.
func round3(v float64) float64 { return math.Round(v*1000) / 1000 }
