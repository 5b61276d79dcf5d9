package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/engine"
)

// Format is the format of a report.
type Format string

// The formats of a report.
const (
	Text     Format = "text"
	JSON     Format = "json"
	Markdown Format = "markdown"
)

// ParseFormat reads a report format by name; "md" is Markdown.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(s)); f {
	case Text, JSON, Markdown:
		return f, nil
	case "md":
		return Markdown, nil
	}
	return "", fmt.Errorf("unknown format %q (want text, json or markdown)", s)
}

// Write writes the report of a result in the given format, in one write.
func Write(w io.Writer, f Format, r *engine.Result) error {
	var b bytes.Buffer
	switch f {
	case Text:
		textReport(&b, r)
	case Markdown:
		markdownReport(&b, r)
	case JSON:
		if err := writeIndentedJSON(&b, r); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unknown format %q", f)
	}
	_, err := w.Write(b.Bytes())
	return err
}

func writeIndentedJSON(b *bytes.Buffer, v any) error {
	enc := json.NewEncoder(b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// reportHeadline counts the findings by severity and says what was analysed.
func reportHeadline(r *engine.Result) string {
	var n [3]int
	for _, f := range r.Findings {
		if f.Severity >= 0 && int(f.Severity) < len(n) {
			n[f.Severity]++
		}
	}
	var what string
	if len(r.Findings) == 0 {
		what = "no findings"
	} else {
		var parts []string
		for _, s := range []analyze.Severity{analyze.Error, analyze.Warning, analyze.Info} {
			if n[s] > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", n[s], Plural(int64(n[s]), s.String(), s.String()+"s")))
			}
		}
		what = fmt.Sprintf("%d %s (%s)", len(r.Findings), Plural(int64(len(r.Findings)), "finding", "findings"), strings.Join(parts, ", "))
	}
	procs := len(r.Processes) + int(r.OmittedProcesses)
	return fmt.Sprintf("%s in %d GC %s of %d %s", what, r.GCLines, Plural(r.GCLines, "cycle", "cycles"),
		procs, Plural(int64(procs), "process", "processes"))
}

// reportProcessName names a process in a table: its number, with its input
// when there are several.
func reportProcessName(r *engine.Result, p *analyze.ProcessReport) string {
	for _, q := range r.Processes {
		if q.File != p.File {
			return fmt.Sprintf("%s#%d", p.File, p.Process)
		}
	}
	return strconv.Itoa(p.Process)
}

// findingProcess names a finding's process as the table does.
func findingProcess(r *engine.Result, f *analyze.Finding) string {
	p := analyze.ProcessReport{File: f.File, Process: f.Process}
	return reportProcessName(r, &p)
}

// reportProcessRow is the figures of one process as table cells.
func reportProcessRow(r *engine.Result, p *analyze.ProcessReport) []string {
	timed := p.DurationS > 0
	dash := func(ok bool, s string) string {
		if !ok {
			return "-"
		}
		return s
	}
	live := "-"
	switch {
	case legacyFormat(p.Format):
		// Before Go 1.5 the trace prints no live heap.
	case p.HeapLiveMiB.Min == p.HeapLiveMiB.Max:
		live = fmt.Sprintf("%g", p.HeapLiveMiB.Max)
	default:
		live = fmt.Sprintf("%g-%g", p.HeapLiveMiB.Min, p.HeapLiveMiB.Max)
	}
	gogc := "-"
	if p.EffectiveGOGC > 0 {
		gogc = fmt.Sprintf("%.0f", p.EffectiveGOGC)
	}
	q := p.PauseMS
	return []string{
		reportProcessName(r, p),
		formatRange(p.Format),
		strconv.FormatInt(p.Cycles, 10),
		dash(timed, fmtNum(p.DurationS)+"s"),
		dash(timed, fmtNum(p.GCPerSecond)),
		dash(timed, fmtNum(p.GCCPUPercent)+"%"),
		fmt.Sprintf("%s/%s/%s/%s", fmtMS(q.P50), fmtMS(q.P95), fmtMS(q.P99), fmtMS(q.Max)),
		dash(timed, fmtNum(p.AllocRateMiBPerS)),
		live,
		fmt.Sprintf("%g", p.HeapPeakMiB),
		gogc,
	}
}

// legacyFormat reports whether a format name is that of a stop-the-world
// collector (Go 1.0–1.4), whose lines print no time, goal or live heap.
// formatRange names the releases that print a line shape: the report's
// format field is the first of them ("go1.18"), which reads like the
// version of the program.
func formatRange(f string) string {
	switch f {
	case "go1.1":
		return "go1.1-1.2"
	case "go1.6":
		return "go1.6-1.17"
	case "go1.18":
		return "go1.18+"
	}
	return f
}

func legacyFormat(f string) bool {
	switch f {
	case "go1.0", "go1.1", "go1.3", "go1.4":
		return true
	}
	return false
}

var reportProcessColumns = []string{"PROCESS", "FORMAT", "CYCLES", "SPAN", "GC/S", "GC CPU", "PAUSE ms p50/p95/p99/max", "ALLOC MiB/s", "LIVE MiB", "PEAK MiB", "GOGC"}

// fmtNum prints a figure with the digits that matter: whole numbers from
// 100, one decimal from 1, two significant digits below.
func fmtNum(v float64) string {
	switch a := math.Abs(v); {
	case a == 0:
		return "0"
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 1:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'g', 2, 64)
}

// fmtMS prints milliseconds with three significant digits.
func fmtMS(v float64) string {
	switch a := math.Abs(v); {
	case a == 0:
		return "0"
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	case a >= 1:
		// "1.00", not "1": the digits say how precise the figure is.
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// reportNotes are the remarks of the details section: figures at the print
// floor, processes left out, and the notes of budgets and profile pulls.
func reportNotes(r *engine.Result) []string {
	var out []string
	for i := range r.Processes {
		p := &r.Processes[i]
		if len(p.AtResolutionFloor) > 0 {
			out = append(out, fmt.Sprintf("process %s: %s figures sit at the trace's print floor (sizes in whole MB, times truncated): read them as upper bounds",
				reportProcessName(r, p), strings.Join(p.AtResolutionFloor, ", ")))
		}
	}
	if r.OmittedProcesses > 0 {
		out = append(out, fmt.Sprintf("%d more processes with fewer cycles are left out of this report", r.OmittedProcesses))
	}
	return append(out, r.Notes...)
}

func reportInputLine(r *engine.Result) string {
	return fmt.Sprintf("read %d %s: %d GC, %d other runtime, %d program output, %d not understood",
		r.Lines, Plural(r.Lines, "line", "lines"), r.GCLines, r.RuntimeLines, r.TextLines, r.UnparsedLines)
}

// textReport writes the report for a terminal: the summary (findings,
// worst first, with advice), the figures per process, then the details.
func textReport(w io.Writer, r *engine.Result) {
	fmt.Fprintf(w, "Summary: %s\n", reportHeadline(r))
	several := len(r.Processes) > 1
	for i := range r.Findings {
		f := &r.Findings[i]
		of := ""
		if several && f.Process > 0 {
			of = fmt.Sprintf(" (process %s)", findingProcess(r, f))
		}
		fmt.Fprintf(w, "%-7s %s: %s%s\n", f.Severity, f.Rule, f.Message, of)
		if f.Advice != "" {
			fmt.Fprintf(w, "        %s\n", f.Advice)
		}
		if f.Attribution != "" {
			fmt.Fprintf(w, "        attribution: %s\n", f.Attribution)
		}
	}

	if len(r.Processes) > 0 {
		fmt.Fprintf(w, "\nProcesses\n")
		tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
		fmt.Fprintf(tw, "%s\n", strings.Join(reportProcessColumns, "\t"))
		for i := range r.Processes {
			fmt.Fprintf(tw, "%s\n", strings.Join(reportProcessRow(r, &r.Processes[i]), "\t"))
		}
		tw.Flush()
	}
	textMemory(w, r)

	fmt.Fprintf(w, "\nDetails\n")
	for i := range r.Findings {
		f := &r.Findings[i]
		fmt.Fprintf(w, "  %s %s: %s\n", f.Severity, f.Rule, findingWhere(f))
		if ev := findingEvidence(f); ev != "" {
			fmt.Fprintf(w, "    %s\n", ev)
		}
	}
	if r.UnparsedLines > 0 {
		fmt.Fprintf(w, "  %d %s not understood:\n", r.UnparsedLines, Plural(r.UnparsedLines, "line", "lines"))
		for _, u := range r.Unparsed {
			fmt.Fprintf(w, "    %s\n", u)
		}
		if more := r.UnparsedLines - int64(len(r.Unparsed)); more > 0 {
			fmt.Fprintf(w, "    … and %d more\n", more)
		}
	}
	for _, n := range reportNotes(r) {
		fmt.Fprintf(w, "  note: %s\n", n)
	}
	fmt.Fprintf(w, "  %s\n", reportInputLine(r))
}

// markdownCell escapes text for a Markdown table cell.
func markdownCell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}

// markdownReport writes the report for a pull request, an issue or a wiki.
func markdownReport(w io.Writer, r *engine.Result) {
	fmt.Fprintf(w, "# GC trace report\n\n%s.\n", reportHeadline(r))
	if len(r.Findings) > 0 {
		fmt.Fprintf(w, "\n## Summary\n\n| severity | rule | where | message |\n|---|---|---|---|\n")
		for i := range r.Findings {
			f := &r.Findings[i]
			fmt.Fprintf(w, "| %s | `%s` | %s | %s |\n", f.Severity, f.Rule, markdownCell(findingWhere(f)), markdownCell(f.Message))
		}
		for i := range r.Findings {
			f := &r.Findings[i]
			fmt.Fprintf(w, "\n### %s `%s`\n\n%s\n", f.Severity, f.Rule, f.Message)
			if f.Advice != "" {
				fmt.Fprintf(w, "\n> %s\n", f.Advice)
			}
			if f.Attribution != "" {
				fmt.Fprintf(w, "\nAttribution: %s\n", f.Attribution)
			}
			fmt.Fprintf(w, "\nWhere: %s", findingWhere(f))
			if ev := findingEvidence(f); ev != "" {
				fmt.Fprintf(w, "  \nEvidence: %s", ev)
			}
			fmt.Fprintln(w)
		}
	}
	if len(r.Processes) > 0 {
		fmt.Fprintf(w, "\n## Processes\n\n| %s |\n|%s\n", strings.Join(reportProcessColumns, " | "), strings.Repeat("---|", len(reportProcessColumns)))
		for i := range r.Processes {
			row := reportProcessRow(r, &r.Processes[i])
			for j := range row {
				row[j] = markdownCell(row[j])
			}
			fmt.Fprintf(w, "| %s |\n", strings.Join(row, " | "))
		}
	}
	markdownMemory(w, r)
	fmt.Fprintf(w, "\n## Details\n\n")
	if r.UnparsedLines > 0 {
		fmt.Fprintf(w, "%d %s not understood:\n\n", r.UnparsedLines, Plural(r.UnparsedLines, "line", "lines"))
		for _, u := range r.Unparsed {
			fmt.Fprintf(w, "- `%s`\n", strings.ReplaceAll(u, "`", "'"))
		}
		if more := r.UnparsedLines - int64(len(r.Unparsed)); more > 0 {
			fmt.Fprintf(w, "- … and %d more\n", more)
		}
		fmt.Fprintln(w)
	}
	for _, n := range reportNotes(r) {
		fmt.Fprintf(w, "- Note: %s\n", n)
	}
	fmt.Fprintf(w, "- Input: %s\n", reportInputLine(r))
}

// Plural is one or many by n.
func Plural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
