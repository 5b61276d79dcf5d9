package compare

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
)

// Format is an output format of a comparison.
type Format string

const (
	Text     Format = "text"
	Markdown Format = "markdown"
	JSON     Format = "json"
	GitHub   Format = "github"
)

// ParseFormat reads a format name; "md" is markdown.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(s)); f {
	case Text, Markdown, JSON, GitHub:
		return f, nil
	case "md":
		return Markdown, nil
	}
	return "", fmt.Errorf("unknown format %q (want text, markdown, json or github)", s)
}

// Render writes the comparison in format f.
func (res *Result) Render(w io.Writer, f Format) error {
	switch f {
	case Text:
		return res.text(w)
	case Markdown:
		return res.markdown(w)
	case JSON:
		return res.json(w)
	case GitHub:
		return res.github(w)
	}
	return fmt.Errorf("unknown format %q", f)
}

// num prints a figure with three significant digits, as benchstat does,
// without an exponent.
func num(x float64) string {
	switch a := math.Abs(x); {
	case math.IsNaN(x):
		return "?"
	case a == 0:
		return "0"
	case a >= 100:
		return fmt.Sprintf("%.0f", x)
	case a >= 10:
		return fmt.Sprintf("%.1f", x)
	case a >= 1:
		return fmt.Sprintf("%.2f", x)
	case a >= 0.01:
		return fmt.Sprintf("%.3f", x)
	}
	return fmt.Sprintf("%.2g", x)
}

// est prints one side: "2.10 ± 4%", the interval's half-width relative to
// the figure, as benchstat prints it; a maximum alone.
func est(e Estimate) string {
	if math.IsNaN(e.Lo) {
		return num(e.Center)
	}
	switch {
	case math.IsInf(e.Lo, 0) || math.IsInf(e.Hi, 0):
		return num(e.Center) + " ± ∞"
	case e.Center == 0:
		if e.Lo == 0 && e.Hi == 0 {
			return "0 ± 0%"
		}
		return "0 ± ?"
	}
	v := math.Max(e.Hi/e.Center-1, 1-e.Lo/e.Center)
	return fmt.Sprintf("%s ± %.0f%%", num(e.Center), 100*v)
}

// delta prints the change: "~" when not significant, the percentage
// otherwise, and the percentage of an untested maximum.
func delta(r *Row) string {
	if r.Tested && !r.Significant {
		return "~"
	}
	return pct(r.Delta)
}

// deltaCI prints the interval of a change: "[+30.1%, +55.2%]".
func deltaCI(r *Row) string {
	if math.IsNaN(r.DeltaLo) {
		return "[?]"
	}
	return fmt.Sprintf("[%s, %s]", pct1(r.DeltaLo), pct1(r.DeltaHi))
}

func pct1(d float64) string { return fmt.Sprintf("%+.1f%%", 100*d) }

// testNote prints what benchstat prints after the delta: the p-value and
// the sample sizes.
func testNote(r *Row) string {
	if !r.Tested {
		return "(max: not tested)"
	}
	n := fmt.Sprintf("n=%d", r.Old.N)
	if r.Old.N != r.New.N {
		n = fmt.Sprintf("n=%d+%d", r.Old.N, r.New.N)
	}
	return fmt.Sprintf("(p=%.3f %s)", r.P, n)
}

// label is the metric's name with its unit, as a row is headed.
func (m Metric) label() string {
	if strings.HasSuffix(m.Name, m.Unit) {
		return m.Name
	}
	return m.Name + " " + m.Unit
}

// withUnit prints a figure with the metric's unit: "1.62/s", "2.10 %".
func (m Metric) withUnit(x float64) string {
	if strings.HasPrefix(m.Unit, "/") {
		return num(x) + m.Unit
	}
	return num(x) + " " + m.Unit
}

// shownCI is the interval of the change where one is shown: for a
// significant change, as benchstat shows a delta only then.
func shownCI(r *Row) string {
	if r.Tested && r.Significant {
		return deltaCI(r)
	}
	return ""
}

// heading says what a pair compares.
func (p *Pair) heading() string {
	h := fmt.Sprintf("%s vs %s: %d vs %d cycles", p.Old.Label(), p.New.Label(), p.Old.Cycles, p.New.Cycles)
	if p.Window > 0 {
		h += fmt.Sprintf("; rates over %v windows (%d vs %d)", p.Window, p.Old.Windows, p.New.Windows)
	}
	return h
}

func (res *Result) text(w io.Writer) error {
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "old: %s\nnew: %s\n", res.Old, res.New)
	for i := range res.Pairs {
		p := &res.Pairs[i]
		fmt.Fprintf(ew, "\n%s\n", p.heading())
		tw := tabwriter.NewWriter(ew, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "\told\tnew\tdelta\t95% CI of delta\t")
		var notes []string
		for j := range p.Rows {
			r := &p.Rows[j]
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Metric.label(), est(r.Old), est(r.New), delta(r), shownCI(r), testNote(r))
			for _, wn := range r.Warnings {
				notes = append(notes, r.Metric.ID+": "+wn)
			}
		}
		tw.Flush()
		for _, n := range append(p.Warnings, notes...) {
			fmt.Fprintf(ew, "note: %s\n", n)
		}
		findingsText(ew, p.NewFindings, p.Fixed)
	}
	if len(res.Pairs) > 0 && (len(res.NewFindings) > 0 || len(res.Fixed) > 0 || len(res.OnlyOld) > 0 || len(res.OnlyNew) > 0) {
		fmt.Fprintln(ew)
	}
	for _, s := range res.OnlyOld {
		fmt.Fprintf(ew, "only in old: %s, %d cycles\n", s.Label(), s.Cycles)
	}
	for _, s := range res.OnlyNew {
		fmt.Fprintf(ew, "only in new: %s, %d cycles\n", s.Label(), s.Cycles)
	}
	findingsText(ew, res.NewFindings, res.Fixed)
	return ew.err
}

func findingsText(w io.Writer, added, fixed []FindingChange) {
	for _, f := range added {
		fmt.Fprintf(w, "new finding: %s %s: %s\n", f.Severity, f.Rule, f.Message)
	}
	for _, f := range fixed {
		fmt.Fprintf(w, "fixed: %s %s: %s\n", f.Severity, f.Rule, f.Message)
	}
}

func (res *Result) markdown(w io.Writer) error {
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "## GC trace: `%s` vs `%s`\n", res.Old, res.New)
	for i := range res.Pairs {
		p := &res.Pairs[i]
		fmt.Fprintf(ew, "\n### %s\n\n", mdEscape(p.heading()))
		fmt.Fprintln(ew, "| metric | old | new | delta | 95% CI of delta | test |")
		fmt.Fprintln(ew, "|---|--:|--:|--:|--:|---|")
		for j := range p.Rows {
			r := &p.Rows[j]
			d, ci := delta(r), shownCI(r)
			if r.Worse() {
				d = "**" + d + "**"
			}
			fmt.Fprintf(ew, "| %s | %s | %s | %s | %s | %s |\n", r.Metric.label(), est(r.Old), est(r.New), d, ci, strings.Trim(testNote(r), "()"))
		}
		if len(p.Warnings) > 0 {
			fmt.Fprintln(ew)
			for _, n := range p.Warnings {
				fmt.Fprintf(ew, "> %s\n", mdEscape(n))
			}
		}
		findingsMarkdown(ew, p.NewFindings, p.Fixed)
	}
	if len(res.OnlyOld)+len(res.OnlyNew) > 0 {
		fmt.Fprintln(ew)
		for _, s := range res.OnlyOld {
			fmt.Fprintf(ew, "- only in old: %s, %d cycles\n", mdEscape(s.Label()), s.Cycles)
		}
		for _, s := range res.OnlyNew {
			fmt.Fprintf(ew, "- only in new: %s, %d cycles\n", mdEscape(s.Label()), s.Cycles)
		}
	}
	findingsMarkdown(ew, res.NewFindings, res.Fixed)
	fmt.Fprintf(ew, "\n`~`: no significant difference at α=%.2f (Mann-Whitney U for medians and rates, the exceedance test for p95/p99).\n", Alpha)
	return ew.err
}

func findingsMarkdown(w io.Writer, added, fixed []FindingChange) {
	if len(added)+len(fixed) == 0 {
		return
	}
	fmt.Fprintln(w)
	for _, f := range added {
		fmt.Fprintf(w, "- **new** %s `%s`: %s\n", f.Severity, f.Rule, mdEscape(f.Message))
	}
	for _, f := range fixed {
		fmt.Fprintf(w, "- fixed %s `%s`: %s\n", f.Severity, f.Rule, mdEscape(f.Message))
	}
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "*", `\*`, "_", `\_`, "<", "&lt;", ">", "&gt;").Replace(s)
}

// github writes workflow commands: a warning on the new trace for every
// significant change for the worse and every new finding, a notice for
// every significant improvement and fixed finding.
func (res *Result) github(w io.Writer) error {
	ew := &errWriter{w: w}
	for i := range res.Pairs {
		p := &res.Pairs[i]
		for j := range p.Rows {
			r := &p.Rows[j]
			level := ""
			switch {
			case r.Worse():
				level = "warning"
			case r.Better():
				level = "notice"
			default:
				continue
			}
			msg := fmt.Sprintf("%s %s %s: %s → %s %s (process %s)", r.Metric.Name, pct(r.Delta), deltaCI(r),
				num(r.Old.Center), r.Metric.withUnit(r.New.Center), testNote(r), p.New.Label())
			ghCommand(ew, level, p.New.File, p.New.FirstLine, "gctrace diff: "+r.Metric.ID, msg)
		}
		ghFindings(ew, p.New.File, p.NewFindings, p.Fixed)
	}
	ghFindings(ew, res.New, res.NewFindings, res.Fixed)
	return ew.err
}

func ghFindings(w io.Writer, file string, added, fixed []FindingChange) {
	for _, f := range added {
		ghCommand(w, "warning", file, f.Line, "gctrace diff: new "+f.Rule, f.Message)
	}
	for _, f := range fixed {
		ghCommand(w, "notice", file, 0, "gctrace diff: fixed "+f.Rule, f.Message)
	}
}

// ghCommand writes one workflow command, its properties and message
// escaped as the runner expects.
func ghCommand(w io.Writer, level, file string, line int, title, msg string) {
	prop := strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
	data := strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	loc := ""
	if file != "" && file != "-" {
		loc = "file=" + prop.Replace(file)
		if line > 0 {
			loc += fmt.Sprintf(",line=%d", line)
		}
		loc += ","
	}
	fmt.Fprintf(w, "::%s %stitle=%s::%s\n", level, loc, prop.Replace(title), data.Replace(msg))
}

// The JSON shape: numbers that are not finite are null.

type jsonResult struct {
	Version     int             `json:"version"`
	Alpha       float64         `json:"alpha"`
	Old         string          `json:"old"`
	New         string          `json:"new"`
	Pairs       []jsonPair      `json:"pairs"`
	OnlyOld     []Side          `json:"only_old"`
	OnlyNew     []Side          `json:"only_new"`
	NewFindings []FindingChange `json:"new_findings"`
	Fixed       []FindingChange `json:"fixed_findings"`
}

type jsonPair struct {
	Old         Side            `json:"old"`
	New         Side            `json:"new"`
	WindowS     float64         `json:"window_s"`
	Rows        []jsonRow       `json:"metrics"`
	NewFindings []FindingChange `json:"new_findings"`
	Fixed       []FindingChange `json:"fixed_findings"`
	Warnings    []string        `json:"warnings"`
}

type jsonRow struct {
	Metric      string       `json:"metric"`
	Name        string       `json:"name"`
	Unit        string       `json:"unit"`
	Samples     string       `json:"samples"` // "cycles" or "windows"
	Statistic   string       `json:"statistic"`
	Old         jsonEstimate `json:"old"`
	New         jsonEstimate `json:"new"`
	Delta       *float64     `json:"delta"`
	DeltaLo     *float64     `json:"delta_lo"`
	DeltaHi     *float64     `json:"delta_hi"`
	P           *float64     `json:"p"`
	Significant bool         `json:"significant"`
	Change      string       `json:"change"` // "worse", "better", "" (none, or a metric without a direction)
	Warnings    []string     `json:"warnings,omitempty"`
}

type jsonEstimate struct {
	Value *float64 `json:"value"`
	Lo    *float64 `json:"lo"`
	Hi    *float64 `json:"hi"`
	N     int      `json:"n"`
}

func fin(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	x = math.Round(x*1e6) / 1e6 // stable digits for diffs of the output
	return &x
}

func jsonEst(e Estimate) jsonEstimate {
	return jsonEstimate{Value: fin(e.Center), Lo: fin(e.Lo), Hi: fin(e.Hi), N: e.N}
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

func (res *Result) json(w io.Writer) error {
	out := jsonResult{Version: Version, Alpha: Alpha, Old: res.Old, New: res.New, Pairs: []jsonPair{},
		OnlyOld: nonNil(res.OnlyOld), OnlyNew: nonNil(res.OnlyNew),
		NewFindings: nonNil(res.NewFindings), Fixed: nonNil(res.Fixed)}
	for i := range res.Pairs {
		p := &res.Pairs[i]
		jp := jsonPair{Old: p.Old, New: p.New, WindowS: p.Window.Seconds(), Rows: []jsonRow{},
			NewFindings: nonNil(p.NewFindings), Fixed: nonNil(p.Fixed), Warnings: nonNil(p.Warnings)}
		for j := range p.Rows {
			r := &p.Rows[j]
			jr := jsonRow{Metric: r.Metric.ID, Name: r.Metric.Name, Unit: r.Metric.Unit, Samples: "cycles",
				Statistic: r.Metric.stat.String(), Old: jsonEst(r.Old), New: jsonEst(r.New),
				Delta: fin(r.Delta), DeltaLo: fin(r.DeltaLo), DeltaHi: fin(r.DeltaHi),
				Significant: r.Significant, Warnings: r.Warnings}
			if r.Metric.Windows {
				jr.Samples = "windows"
			}
			if r.Tested {
				jr.P = fin(r.P)
			}
			switch {
			case r.Worse():
				jr.Change = "worse"
			case r.Better():
				jr.Change = "better"
			}
			jp.Rows = append(jp.Rows, jr)
		}
		out.Pairs = append(out.Pairs, jp)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func (s statistic) String() string {
	switch s {
	case quantile:
		return "quantile"
	case maximum:
		return "max"
	case mean:
		return "mean"
	}
	return "median"
}

// errWriter keeps the first write error, so that a renderer checks once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(b []byte) (int, error) {
	if e.err != nil {
		return len(b), nil
	}
	_, e.err = e.w.Write(b)
	return len(b), nil
}
