package tune

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
)

// Format is an output format of a study.
type Format string

const (
	Text Format = "text"
	JSON Format = "json"
)

// ParseFormat reads a format name.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(s)); f {
	case Text, JSON:
		return f, nil
	}
	return "", fmt.Errorf("unknown format %q (want text or json)", s)
}

// Render writes the study in format f. With several processes, perProcess
// adds a table for each to the text after the summed one; JSON always has
// every process.
func (st *Study) Render(w io.Writer, f Format, perProcess bool) error {
	switch f {
	case Text:
		return st.text(w, perProcess)
	case JSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(jsonStudyOf(st))
	}
	return fmt.Errorf("unknown format %q", f)
}

func (st *Study) text(w io.Writer, perProcess bool) error {
	// A study of a budget alone predicts no setting: it has no table to
	// show but the recommendation.
	settings := len(st.Predictions) > 0
	if len(st.Processes) == 1 {
		p := st.Processes[0]
		fmt.Fprintln(w, processHeader(p.Model))
		if settings {
			fmt.Fprintln(w)
			outcomeTable(w, p.Recorded, p.Replay, p.Predictions)
		}
	} else {
		fmt.Fprintf(w, "%d processes, %d GC cycles", len(st.Processes), st.Recorded.Cycles)
		if st.Unfit > 0 {
			fmt.Fprintf(w, " (%d more without a cycle to replay)", st.Unfit)
		}
		fmt.Fprintln(w, "; cycles and GC CPU summed over the processes, peak heap of the largest")
		if settings {
			fmt.Fprintln(w)
			outcomeTable(w, st.Recorded, st.Replay, st.Predictions)
		}
		if perProcess {
			for _, p := range st.Processes {
				fmt.Fprintf(w, "\n%s\n\n", processHeader(p.Model))
				outcomeTable(w, p.Recorded, p.Replay, p.Predictions)
			}
		}
	}
	if r := st.Recommendation; r != nil {
		fmt.Fprintln(w)
		r.text(w)
	}
	return nil
}

// processHeader says which process a table is about and what the model
// took from its trace.
func processHeader(m *Model) string {
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
	return s + fmt.Sprintf("; non-heap memory %s (%s)", sizeName(m.NonHeap), nonHeap)
}

func outcomeTable(w io.Writer, rec, replay Outcome, preds []Outcome) {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "SETTING\tCYCLES\tCYCLES/S\tGC CPU\tPEAK HEAP\tLIMIT SETS GOAL\tVS RECORDED\t")
	row := func(name string, o Outcome, vs string) {
		fmt.Fprintf(tw, "%s\t%d\t%.3g\t%.2f%%\t%s\t%s\t%s\t\n", name, o.Cycles, o.CyclesPerSecond(), o.GCCPUPercent(), sizeName(o.PeakHeap), pressure(o), vs)
	}
	row("recorded ("+rec.Setting.String()+")", rec, "")
	for _, o := range preds {
		row(o.Setting.String(), o, versus(o, rec))
	}
	tw.Flush()
	fmt.Fprintf(w, "Model check: replaying the recorded setting gives %d cycles (recorded %d, %s) and a peak heap of %s (recorded %s, %s).\n",
		replay.Cycles, rec.Cycles, relDiff(float64(replay.Cycles), float64(rec.Cycles)),
		sizeName(replay.PeakHeap), sizeName(rec.PeakHeap), relDiff(float64(replay.PeakHeap), float64(rec.PeakHeap)))
}

// pressure is the share of the time a memory limit set the goal, and
// whether the heap went over the limit or the GC CPU limiter stepped in.
func pressure(o Outcome) string {
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

func versus(o, rec Outcome) string {
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

func (r *Recommendation) text(w io.Writer) {
	if !r.Fits {
		fmt.Fprintf(w, "Budget %s: no setting fits.\n%s\n", sizeName(r.Budget), r.Why)
		return
	}
	o := r.Outcome
	fmt.Fprintf(w, "Budget %s: %s\n", sizeName(r.Budget), o.Setting)
	fmt.Fprintf(w, "  predicted: %d cycles (%.3g/s), GC CPU %.2f%%, peak heap %s, with non-heap memory %s\n",
		o.Cycles, o.CyclesPerSecond(), o.GCCPUPercent(), sizeName(o.PeakHeap), sizeName(o.PeakMemory))
	fmt.Fprintf(w, "  recorded:  %d cycles (%.3g/s), GC CPU %.2f%%, peak heap %s\n",
		r.Recorded.Cycles, r.Recorded.CyclesPerSecond(), r.Recorded.GCCPUPercent(), sizeName(r.Recorded.PeakHeap))
	fmt.Fprintf(w, "  headroom:  %s between GOMEMLIMIT and the budget; %s between the predicted peak and the budget\n",
		sizeName(r.Headroom), sizeName(r.Budget-o.PeakMemory))
	fmt.Fprintf(w, "  why: %s\n", r.Why)
}

// The JSON shape of a study.
type (
	jsonStudy struct {
		Processes      []jsonProcess       `json:"processes"`
		Unfit          int                 `json:"processes_without_cycles"`
		Recorded       jsonOutcome         `json:"recorded"`
		Replay         jsonOutcome         `json:"replay"`
		Predictions    []jsonOutcome       `json:"predictions"`
		Recommendation *jsonRecommendation `json:"recommendation,omitempty"`
	}
	jsonProcess struct {
		File        string        `json:"file"`
		Process     int           `json:"process"`
		Model       jsonModel     `json:"model"`
		Recorded    jsonOutcome   `json:"recorded"`
		Replay      jsonOutcome   `json:"replay"`
		Predictions []jsonOutcome `json:"predictions"`
	}
	jsonModel struct {
		RecordedGOGC     string       `json:"recorded_gogc"`
		GOGCInferred     bool         `json:"recorded_gogc_inferred"`
		RecordedLimit    int64        `json:"recorded_memlimit_bytes"`
		LimitInferred    bool         `json:"recorded_memlimit_inferred"`
		LimitBoundCycles int          `json:"limit_bound_cycles"`
		NonHeap          int64        `json:"nonheap_bytes"`
		NonHeapMeasured  bool         `json:"nonheap_measured"`
		Pacing           []jsonPacing `json:"pacing"`
		CostBaseMS       float64      `json:"cycle_cost_ms"`
		CostPerMiBMS     float64      `json:"cycle_cost_per_mib_ms"`
		TailS            float64      `json:"tail_s"`
	}
	// jsonPacing is how the recorded cycles ended against their goals,
	// when GOGC set the goal and when the limit did.
	jsonPacing struct {
		Regime    string `json:"goal_set_by"`
		Slack     int64  `json:"median_slack_bytes"`
		PeakSlack int64  `json:"peak_slack_bytes"`
		MarkAlloc int64  `json:"mark_alloc_bytes"`
	}
	jsonOutcome struct {
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
	jsonRecommendation struct {
		Budget   int64        `json:"budget_bytes"`
		Fits     bool         `json:"fits"`
		GOGC     string       `json:"gogc,omitempty"`
		Limit    string       `json:"memlimit,omitempty"`
		Headroom int64        `json:"headroom_bytes"`
		Outcome  *jsonOutcome `json:"predicted,omitempty"`
		Why      string       `json:"why"`
	}
)

func jsonStudyOf(st *Study) jsonStudy {
	r := jsonStudy{
		Processes: []jsonProcess{}, Unfit: st.Unfit,
		Recorded: jsonOutcomeOf(st.Recorded), Replay: jsonOutcomeOf(st.Replay), Predictions: jsonOutcomesOf(st.Predictions),
	}
	for _, p := range st.Processes {
		m := p.Model
		r.Processes = append(r.Processes, jsonProcess{
			File: m.History.File, Process: m.History.Process,
			Model: jsonModel{
				RecordedGOGC: gogcValue(m.Recorded.GOGC), GOGCInferred: m.GOGCInferred,
				RecordedLimit: m.Recorded.MemoryLimit, LimitInferred: m.LimitInferred, LimitBoundCycles: m.LimitBound,
				NonHeap: m.NonHeap, NonHeapMeasured: m.NonHeapMeasured,
				Pacing:     []jsonPacing{jsonPacingOf("gogc", m.Pacing[0]), jsonPacingOf("memlimit", m.Pacing[1])},
				CostBaseMS: round3(m.CostBase.Seconds() * 1e3), CostPerMiBMS: round3(m.CostPerMiB.Seconds() * 1e3),
				TailS: round3(m.Tail.Seconds()),
			},
			Recorded: jsonOutcomeOf(p.Recorded), Replay: jsonOutcomeOf(p.Replay), Predictions: jsonOutcomesOf(p.Predictions),
		})
	}
	if rec := st.Recommendation; rec != nil {
		j := &jsonRecommendation{Budget: rec.Budget, Fits: rec.Fits, Headroom: rec.Headroom, Why: rec.Why}
		if rec.Fits {
			o := jsonOutcomeOf(rec.Outcome)
			j.GOGC, j.Limit, j.Outcome = o.GOGC, o.MemoryLimit, &o
		}
		r.Recommendation = j
	}
	return r
}

func jsonPacingOf(regime string, p Pacing) jsonPacing {
	return jsonPacing{Regime: regime, Slack: int64(p.Slack), PeakSlack: int64(p.PeakSlack), MarkAlloc: int64(p.MarkAlloc)}
}

func jsonOutcomesOf(os []Outcome) []jsonOutcome {
	out := []jsonOutcome{}
	for _, o := range os {
		out = append(out, jsonOutcomeOf(o))
	}
	return out
}

func jsonOutcomeOf(o Outcome) jsonOutcome {
	limit := "off"
	switch {
	case o.Setting.MemoryLimit == AsRecorded:
		limit = "recorded"
	case o.Setting.MemoryLimit > 0:
		limit = FormatLimit(o.Setting.MemoryLimit)
	}
	return jsonOutcome{
		Setting: o.Setting.String(), GOGC: gogcValue(o.Setting.GOGC), MemoryLimit: limit,
		Cycles: o.Cycles, SpanS: round3(o.Span.Seconds()), CyclesPerSecond: round3(o.CyclesPerSecond()),
		GCCPUPercent: round3(o.GCCPUPercent()), PeakHeap: o.PeakHeap, PeakMemory: o.PeakMemory,
		LimitPressureS: round3(o.LimitPressure.Seconds()), LimitExceeded: o.LimitExceeded, CPUCapped: o.CPUCapped,
	}
}

// gogcValue is a GOGC as JSON gives it: the percent, "off" or "recorded".
func gogcValue(g int) string {
	switch g {
	case Off:
		return "off"
	case AsRecorded:
		return "recorded"
	}
	return fmt.Sprint(g)
}

// round3 keeps three decimals: the trace has no more to give.
func round3(v float64) float64 { return math.Round(v*1000) / 1000 }
