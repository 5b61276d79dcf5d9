package compare

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/gctrace/gctrace/analyze"
)

// Version is the version of the Result JSON shape; fields are only added.
const Version = 1

// Alpha is the significance level: a difference is significant when its
// p-value is at most Alpha.
const Alpha = 0.05

// DefaultWindow is the length of the windows the rates are sampled on,
// where a run is long enough and its GC frequent enough.
const DefaultWindow = time.Second

// Direction says which way a metric gets worse.
type Direction int

const (
	Neutral Direction = iota // neither way is worse (effective GOGC is a setting)
	HigherIsWorse
)

// Metric is one row of a comparison.
type Metric struct {
	ID    string // stable, for --max-regression and JSON: "gc-cpu"
	Name  string // as printed: "GC CPU"
	Unit  string // "%", "/s", "ms", "MiB", "MiB/s"
	Worse Direction
	// Windows is set for rates, sampled on windows of the trace's clock;
	// the others are sampled per cycle.
	Windows bool
	stat    statistic
	q       float64 // quantile, for stat quantile
	value   func(*cycle) float64
	window  func(*window) float64
}

// Metrics is the catalogue, in the order of the table.
var Metrics = []Metric{
	{ID: "gc-rate", stat: mean, Name: "GC cycles/s", Unit: "/s", Worse: HigherIsWorse, Windows: true, window: func(w *window) float64 { return w.rate() }},
	{ID: "gc-cpu", Name: "GC CPU", Unit: "%", Worse: HigherIsWorse, Windows: true, window: func(w *window) float64 { return w.cpuPercent() }},
	{ID: "pause-p50", Name: "pause p50", Unit: "ms", Worse: HigherIsWorse, stat: median, value: func(c *cycle) float64 { return c.pause }},
	{ID: "pause-p95", Name: "pause p95", Unit: "ms", Worse: HigherIsWorse, stat: quantile, q: 0.95, value: func(c *cycle) float64 { return c.pause }},
	{ID: "pause-p99", Name: "pause p99", Unit: "ms", Worse: HigherIsWorse, stat: quantile, q: 0.99, value: func(c *cycle) float64 { return c.pause }},
	{ID: "pause-max", Name: "pause max", Unit: "ms", Worse: HigherIsWorse, stat: maximum, value: func(c *cycle) float64 { return c.pause }},
	{ID: "alloc-rate", stat: mean, Name: "allocation rate", Unit: "MiB/s", Worse: HigherIsWorse, Windows: true, window: func(w *window) float64 { return w.allocRate() }},
	{ID: "alloc-per-cycle", Name: "allocated per cycle", Unit: "MiB", Worse: Neutral, stat: median, value: func(c *cycle) float64 { return c.alloc }},
	{ID: "live-heap", Name: "live heap", Unit: "MiB", Worse: HigherIsWorse, stat: median, value: func(c *cycle) float64 { return c.live }},
	{ID: "live-heap-max", Name: "live heap max", Unit: "MiB", Worse: HigherIsWorse, stat: maximum, value: func(c *cycle) float64 { return c.live }},
	{ID: "peak-heap", Name: "peak heap", Unit: "MiB", Worse: HigherIsWorse, stat: maximum, value: func(c *cycle) float64 { return c.peak }},
	{ID: "gogc", Name: "effective GOGC", Unit: "%", Worse: Neutral, stat: median, value: func(c *cycle) float64 { return c.gogc }},
	{ID: "assist", Name: "assist share", Unit: "%", Worse: HigherIsWorse, Windows: true, window: func(w *window) float64 { return w.assistPercent() }},
}

// metric returns the catalogue's metric id, or nil.
func metric(id string) *Metric {
	for i := range Metrics {
		if Metrics[i].ID == id {
			return &Metrics[i]
		}
	}
	return nil
}

// Trace is one side of a comparison: the processes of one input with
// their samples, and the findings of gctrace analyze on it.
type Trace struct {
	Name      string
	Processes []*Process
	Findings  []analyze.Finding
}

// Trace returns what the collector gathered as one side of a comparison,
// with the analyzer's findings on the same input.
func (c *Collector) Trace(name string, rep *analyze.Report) *Trace {
	t := &Trace{Name: name, Processes: c.procs}
	if rep != nil {
		t.Findings = rep.Findings
	}
	return t
}

// Options are the settings of a comparison.
type Options struct {
	// Window is the length of the windows the rates are sampled on
	// (DefaultWindow when 0): shortened for a pair whose shorter run
	// holds fewer than five, lengthened to two cycle intervals for a pair
	// whose GC runs less often.
	Window time.Duration
	// Match pairs processes by id, OLD → NEW; empty: by program name,
	// then in order.
	Match []Match
}

// Match pairs a process of the old trace with one of the new, by id.
type Match struct{ Old, New int }

// ParseMatch reads "1=1,2=3": OLD=NEW process ids.
func ParseMatch(s string) ([]Match, error) {
	var out []Match
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		var m Match
		if _, err := fmt.Sscanf(item, "%d=%d", &m.Old, &m.New); err != nil || m.Old < 1 || m.New < 1 ||
			fmt.Sprintf("%d=%d", m.Old, m.New) != strings.ReplaceAll(item, " ", "") {
			return nil, fmt.Errorf("want OLD=NEW process ids such as 1=2, not %q", item)
		}
		out = append(out, m)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("want OLD=NEW process ids such as 1=2, not %q", s)
	}
	return out, nil
}

// Side names one process of a pair.
type Side struct {
	File      string `json:"file"`
	Process   int    `json:"process"`
	Program   string `json:"program,omitempty"`
	FirstLine int    `json:"first_line"`
	Cycles    int    `json:"cycles"`
	Windows   int    `json:"windows"`
}

func side(p *Process) Side {
	return Side{File: p.File, Process: p.ID, Program: p.Program, FirstLine: p.FirstLine, Cycles: len(p.cycles)}
}

// Label is how the side is named in a report: "bench.log#2 (pkg)".
func (s Side) Label() string {
	l := fmt.Sprintf("%s#%d", s.File, s.Process)
	if s.Program != "" {
		l += " (" + s.Program + ")"
	}
	return l
}

// Estimate is one side of a row: the figure (a median, a quantile or a
// maximum of the samples), its 95% confidence interval, and the number of
// samples. Lo and Hi are NaN for a maximum, infinite for a sample too
// small to bound it.
type Estimate struct {
	Center float64
	Lo, Hi float64
	N      int
}

// Row compares one metric of a process pair.
type Row struct {
	Metric Metric
	Old    Estimate
	New    Estimate
	// Delta is the relative change New/Old − 1, with its 95% interval
	// [DeltaLo, DeltaHi] (NaN when it cannot be had: a side at zero, or too
	// few samples).
	Delta, DeltaLo, DeltaHi float64
	// P is the p-value of the test (Mann-Whitney U for medians, the
	// exceedance test of the tail for quantiles); Tested is false for a
	// maximum, which no test applies to.
	P           float64
	Tested      bool
	Significant bool     // tested, P ≤ Alpha, and the interval of the change (when known) excludes 0
	Warnings    []string // benchmath's, such as too few samples
}

// Worse reports whether the row is a significant change for the worse.
func (r *Row) Worse() bool {
	return r.Significant && r.Metric.Worse == HigherIsWorse && r.New.Center > r.Old.Center
}

// Better reports whether the row is a significant change for the better.
func (r *Row) Better() bool {
	return r.Significant && r.Metric.Worse == HigherIsWorse && r.New.Center < r.Old.Center
}

// FindingChange is a rule that fired on one side only.
type FindingChange struct {
	Rule     string           `json:"rule"`
	Severity analyze.Severity `json:"severity"`
	Line     int              `json:"line"` // first line, in the side it fired on
	Message  string           `json:"message"`
}

// Pair is the comparison of one process of each trace.
type Pair struct {
	Old, New Side
	Window   time.Duration // of the rates
	Rows     []Row
	// New and Fixed are the rules that fire only in the new process, and
	// only in the old one, by rule ID.
	NewFindings, Fixed []FindingChange
	Warnings           []string
}

// Result is a whole comparison.
type Result struct {
	Old, New string // input names
	Pairs    []Pair
	// OnlyOld and OnlyNew are the processes no process of the other trace
	// was paired with.
	OnlyOld, OnlyNew []Side
	// NewFindings and Fixed about the whole input (unparsed-lines), and
	// about processes without a pair.
	NewFindings, Fixed []FindingChange
}

// Compare compares two traces process by process.
func Compare(old, new *Trace, opt Options) (*Result, error) {
	if opt.Window <= 0 {
		opt.Window = DefaultWindow
	}
	pairs, onlyOld, onlyNew, err := match(old.Processes, new.Processes, opt.Match)
	if err != nil {
		return nil, err
	}
	res := &Result{Old: old.Name, New: new.Name}
	for _, pr := range pairs {
		res.Pairs = append(res.Pairs, comparePair(pr[0], pr[1], opt.Window, old.Findings, new.Findings))
	}
	for _, p := range onlyOld {
		res.OnlyOld = append(res.OnlyOld, side(p))
	}
	for _, p := range onlyNew {
		res.OnlyNew = append(res.OnlyNew, side(p))
	}
	// Findings of the whole input, and of processes without a pair, are
	// compared by rule alone.
	paired := func(ps [][2]*Process, i int) map[procKey]bool {
		m := map[procKey]bool{}
		for _, pr := range ps {
			m[procKey{pr[i].File, pr[i].ID}] = true
		}
		return m
	}
	rest := func(fs []analyze.Finding, skip map[procKey]bool) []analyze.Finding {
		var out []analyze.Finding
		for _, f := range fs {
			if !skip[procKey{f.File, f.Process}] {
				out = append(out, f)
			}
		}
		return out
	}
	res.NewFindings, res.Fixed = findingChanges(rest(old.Findings, paired(pairs, 0)), rest(new.Findings, paired(pairs, 1)))
	return res, nil
}

// match pairs the processes: by opt, else first those of one program name
// (a go test package), then the rest in order.
func match(old, new []*Process, by []Match) (pairs [][2]*Process, onlyOld, onlyNew []*Process, err error) {
	usedO, usedN := map[*Process]bool{}, map[*Process]bool{}
	if len(by) > 0 {
		find := func(ps []*Process, id int, which string) (*Process, error) {
			for _, p := range ps {
				if p.ID == id {
					return p, nil
				}
			}
			return nil, fmt.Errorf("--match: the %s trace has no process %d (it has %d)", which, id, len(ps))
		}
		for _, m := range by {
			o, err := find(old, m.Old, "old")
			if err != nil {
				return nil, nil, nil, err
			}
			n, err := find(new, m.New, "new")
			if err != nil {
				return nil, nil, nil, err
			}
			if usedO[o] || usedN[n] {
				return nil, nil, nil, fmt.Errorf("--match: process %d=%d is paired twice", m.Old, m.New)
			}
			usedO[o], usedN[n] = true, true
			pairs = append(pairs, [2]*Process{o, n})
		}
	} else {
		for _, o := range old {
			if o.Program == "" {
				continue
			}
			for _, n := range new {
				if !usedN[n] && n.Program == o.Program {
					usedO[o], usedN[n] = true, true
					pairs = append(pairs, [2]*Process{o, n})
					break
				}
			}
		}
		var restN []*Process
		for _, n := range new {
			if !usedN[n] {
				restN = append(restN, n)
			}
		}
		for _, o := range old {
			if usedO[o] || len(restN) == 0 {
				continue
			}
			usedO[o], usedN[restN[0]] = true, true
			pairs = append(pairs, [2]*Process{o, restN[0]})
			restN = restN[1:]
		}
		sort.SliceStable(pairs, func(i, j int) bool { return pairs[i][0].FirstLine < pairs[j][0].FirstLine })
	}
	for _, o := range old {
		if !usedO[o] {
			onlyOld = append(onlyOld, o)
		}
	}
	for _, n := range new {
		if !usedN[n] {
			onlyNew = append(onlyNew, n)
		}
	}
	return pairs, onlyOld, onlyNew, nil
}

func comparePair(o, n *Process, minWindow time.Duration, oldF, newF []analyze.Finding) Pair {
	pr := Pair{Old: side(o), New: side(n)}
	pr.Window = windowFor(o, n, minWindow)
	wo, wn := windows(o, pr.Window), windows(n, pr.Window)
	pr.Old.Windows, pr.New.Windows = len(wo), len(wn)
	for _, p := range []*Process{o, n} {
		if p.truncated {
			pr.Warnings = append(pr.Warnings, fmt.Sprintf("%s: only the first %d cycles are compared", side(p).Label(), MaxCycles))
		}
	}
	if pr.Window > 0 && (len(wo) == 0 || len(wn) == 0) {
		pr.Warnings = append(pr.Warnings, fmt.Sprintf("a side runs under one %v window: rates are not compared", pr.Window))
	}
	for _, m := range Metrics {
		var xo, xn []float64
		if m.Windows {
			xo, xn = samples(wo, m.window), samples(wn, m.window)
		} else {
			xo, xn = samples(o.cycles, m.value), samples(n.cycles, m.value)
		}
		if len(xo) == 0 || len(xn) == 0 {
			continue // the trace does not print it (before Go 1.5, 1.18), or too short
		}
		pr.Rows = append(pr.Rows, compareRow(m, xo, xn))
	}
	pr.NewFindings, pr.Fixed = findingChanges(findingsOf(oldF, o), findingsOf(newF, n))
	return pr
}

func compareRow(m Metric, xo, xn []float64) Row {
	sort.Float64s(xo)
	sort.Float64s(xn)
	r := Row{Metric: m}
	eo, en := summarise(xo, m.stat, m.q), summarise(xn, m.stat, m.q)
	r.Old = Estimate{Center: eo.center, Lo: eo.lo, Hi: eo.hi, N: eo.n}
	r.New = Estimate{Center: en.center, Lo: en.lo, Hi: en.hi, N: en.n}
	r.Delta, r.DeltaLo, r.DeltaHi = relDelta(eo, en)
	r.P, r.Tested, r.Warnings = test(xo, xn, m.stat, m.q)
	// The test decides, and the interval of the change must agree: a
	// mean's t interval can straddle zero where the rank test, which sees
	// the shape of the windows' distribution too, rejects.
	r.Significant = r.Tested && r.P <= Alpha && !(r.DeltaLo <= 0 && r.DeltaHi >= 0)
	return r
}

// samples returns value of each cycle or window, leaving out those that
// have none (negative or NaN).
func samples[T any](xs []T, value func(*T) float64) []float64 {
	var out []float64
	for i := range xs {
		if v := value(&xs[i]); v >= 0 && !math.IsNaN(v) {
			out = append(out, v)
		}
	}
	return out
}

func findingsOf(fs []analyze.Finding, p *Process) []analyze.Finding {
	var out []analyze.Finding
	for _, f := range fs {
		if f.File == p.File && f.Process == p.ID {
			out = append(out, f)
		}
	}
	return out
}

// findingChanges returns the rules that fire only in new, and only in old,
// sorted by severity (worst first), then rule.
func findingChanges(old, new []analyze.Finding) (added, fixed []FindingChange) {
	rules := func(fs []analyze.Finding) map[string]bool {
		m := map[string]bool{}
		for _, f := range fs {
			m[f.Rule] = true
		}
		return m
	}
	ro, rn := rules(old), rules(new)
	only := func(fs []analyze.Finding, other map[string]bool) []FindingChange {
		seen := map[string]bool{}
		var out []FindingChange
		for _, f := range fs {
			if other[f.Rule] || seen[f.Rule] {
				continue
			}
			seen[f.Rule] = true
			out = append(out, FindingChange{Rule: f.Rule, Severity: f.Severity, Line: f.FirstLine, Message: f.Message})
		}
		sort.Slice(out, func(i, j int) bool {
			if out[i].Severity != out[j].Severity {
				return out[i].Severity > out[j].Severity
			}
			return out[i].Rule < out[j].Rule
		})
		return out
	}
	return only(new, ro), only(old, rn)
}
