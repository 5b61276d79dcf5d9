package report

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/gctrace/gctrace/analyze"
)

// FindingLine is a finding on one line, compiler style:
// "FILE:LINE: severity: rule: message".
func FindingLine(f *analyze.Finding) string {
	return fmt.Sprintf("%s%s: %s: %s", FindingPos(f), f.Severity, f.Rule, f.Message)
}

// FindingPos is "FILE:LINE: ", or nothing for a finding without a place.
func FindingPos(f *analyze.Finding) string {
	switch {
	case f.File != "" && f.FirstLine > 0:
		return fmt.Sprintf("%s:%d: ", f.File, f.FirstLine)
	case f.File != "":
		return f.File + ": "
	}
	return ""
}

// findingWhere says where a finding lies: input and lines, process, cycles and
// process time.
func findingWhere(f *analyze.Finding) string {
	var parts []string
	lines := fmt.Sprintf("%s:%d", f.File, f.FirstLine)
	if f.LastLine > f.FirstLine {
		lines += fmt.Sprintf("-%d", f.LastLine)
	}
	parts = append(parts, lines)
	if f.Process > 0 {
		parts = append(parts, fmt.Sprintf("process %d", f.Process))
	}
	if f.FirstCycle > 0 {
		c := fmt.Sprintf("gc %d", f.FirstCycle)
		if f.LastCycle > f.FirstCycle {
			c += fmt.Sprintf("-%d", f.LastCycle)
		}
		parts = append(parts, c)
	}
	if f.Start >= 0 {
		t := fmt.Sprintf("%.3fs", f.Start.Seconds())
		if f.End > f.Start {
			t += fmt.Sprintf("-%.3fs", f.End.Seconds())
		}
		parts = append(parts, t)
	}
	return strings.Join(parts, ", ")
}

// findingEvidence prints a finding's figures as name=value, sorted by
// name, with the unit only where the name does not already say it.
func findingEvidence(f *analyze.Finding) string {
	ev := append([]analyze.Figure(nil), f.Evidence...)
	sort.Slice(ev, func(i, j int) bool { return ev[i].Name < ev[j].Name })
	var parts []string
	for _, e := range ev {
		parts = append(parts, e.Name+"="+fmtFigure(e.Value)+unitSuffix(e))
	}
	return strings.Join(parts, ", ")
}

// unitInName maps a unit to the word of a figure name that says it.
var unitInName = map[string]string{
	"%": "percent", "1/s": "per_second", "MiB": "mib", "MiB/s": "mib_per_s",
	"ms": "ms", "s": "s", "cycles": "cycles", "lines": "lines",
}

// unitSuffix is what follows a figure's value: its unit, unless a word of
// its name says it already.
func unitSuffix(e analyze.Figure) string {
	word, ok := unitInName[e.Unit]
	switch {
	case e.Unit == "" || ok && strings.Contains("_"+e.Name+"_", "_"+word+"_"):
		return ""
	case e.Unit == "%":
		return "%"
	}
	return " " + e.Unit
}

// fmtFigure prints an evidence figure: whole numbers in full, others
// with four significant digits.
func fmtFigure(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}
