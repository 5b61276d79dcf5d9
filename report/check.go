package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/engine"
)

// CheckFormat is the output format of a check (gctrace check).
type CheckFormat string

// The formats of a check.
const (
	CheckText   CheckFormat = "text"
	CheckJSON   CheckFormat = "json"
	CheckGitHub CheckFormat = "github"
	CheckJUnit  CheckFormat = "junit"
)

// ParseCheckFormat reads a check format by name.
func ParseCheckFormat(s string) (CheckFormat, error) {
	switch f := CheckFormat(strings.ToLower(s)); f {
	case CheckText, CheckJSON, CheckGitHub, CheckJUnit:
		return f, nil
	}
	return "", fmt.Errorf("unknown format %q (want text, json, github or junit)", s)
}

// Gate is what a check judges by: the budgets as given and the severity
// that fails it.
type Gate struct {
	FailOn analyze.Severity
	// Budgets are the budgets and --fail-on as given, by flag or config
	// key ("max-pause": "5ms"), for the JSON report.
	Budgets map[string]string
	// Rules are the rule IDs of the budgets set, each a JUnit case.
	Rules []string
}

// Verdict is the outcome of a check.
type Verdict struct {
	Fails  []analyze.Finding // at or above FailOn
	FailOn analyze.Severity
	Total  int // findings
	Cycles int64
	Procs  int
}

// Judge gives the verdict of a result: it fails on the findings at or
// above failOn.
func Judge(r *engine.Result, failOn analyze.Severity) Verdict {
	v := Verdict{FailOn: failOn, Total: len(r.Findings), Cycles: r.GCLines, Procs: len(r.Processes)}
	for _, f := range r.Findings {
		if f.Severity >= failOn {
			v.Fails = append(v.Fails, f)
		}
	}
	return v
}

// Pass reports whether the check passed.
func (v Verdict) Pass() bool { return len(v.Fails) == 0 }

// Passed says how a check passed: "check passed: 12 GC cycles in 1
// process; 2 findings below error".
func (v Verdict) Passed() string {
	below := ""
	if v.Total > 0 {
		below = fmt.Sprintf("; %d %s below %s", v.Total, Plural(int64(v.Total), "finding", "findings"), v.FailOn)
	}
	return fmt.Sprintf("check passed: %d GC %s in %d %s%s",
		v.Cycles, Plural(v.Cycles, "cycle", "cycles"), v.Procs, Plural(int64(v.Procs), "process", "processes"), below)
}

// Failed says why a check failed: "check failed: 2 findings at or above
// error (budget-pause, long-pause)".
func (v Verdict) Failed() string {
	seen := map[string]bool{}
	var rules []string
	for _, f := range v.Fails {
		if !seen[f.Rule] {
			seen[f.Rule] = true
			rules = append(rules, f.Rule)
		}
	}
	sort.Strings(rules)
	return fmt.Sprintf("check failed: %d %s at or above %s (%s)",
		len(v.Fails), Plural(int64(len(v.Fails)), "finding", "findings"), v.FailOn, strings.Join(rules, ", "))
}

// WriteCheck writes the findings and verdict of a check, in one write.
func WriteCheck(w io.Writer, f CheckFormat, r *engine.Result, g *Gate, v Verdict) error {
	var buf bytes.Buffer
	switch f {
	case CheckText:
		checkTextOut(&buf, r)
	case CheckGitHub:
		checkGitHubOut(&buf, r)
	case CheckJSON:
		out := checkJSONDoc{Result: r, Pass: v.Pass(), FailOn: v.FailOn, Budgets: g.Budgets, Failures: len(v.Fails)}
		if out.Budgets == nil {
			out.Budgets = map[string]string{}
		}
		if err := writeIndentedJSON(&buf, out); err != nil {
			return err
		}
	case CheckJUnit:
		if err := checkJUnitOut(&buf, r, g, v); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unknown format %q", f)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// checkJSONDoc is the report of gctrace analyze with the verdict added.
type checkJSONDoc struct {
	*engine.Result
	Pass     bool              `json:"pass"`
	FailOn   analyze.Severity  `json:"fail_on"`
	Budgets  map[string]string `json:"budgets"` // as given, by flag or config key
	Failures int               `json:"failures"`
}

// checkTextOut writes one compiler-style line per finding, then the
// notes, which carry no position.
func checkTextOut(w io.Writer, r *engine.Result) {
	for i := range r.Findings {
		fmt.Fprintln(w, FindingLine(&r.Findings[i]))
	}
	for _, u := range r.Unparsed {
		fmt.Fprintf(w, "%s\n", u)
	}
	for _, n := range reportNotes(r) {
		fmt.Fprintf(w, "note: %s\n", n)
	}
}

// checkGitHubOut writes GitHub Actions workflow commands: an annotation
// per finding, on its file and lines when the input is a file.
func checkGitHubOut(w io.Writer, r *engine.Result) {
	for i := range r.Findings {
		f := &r.Findings[i]
		level := "notice"
		switch f.Severity {
		case analyze.Error:
			level = "error"
		case analyze.Warning:
			level = "warning"
		}
		var props []string
		if f.File != "" && f.File != "-" && f.FirstLine > 0 {
			props = append(props, "file="+ghProperty(f.File), "line="+strconv.Itoa(f.FirstLine))
			if f.LastLine > f.FirstLine {
				props = append(props, "endLine="+strconv.Itoa(f.LastLine))
			}
		}
		props = append(props, "title="+ghProperty("gctrace "+f.Rule))
		msg := f.Message
		if f.Advice != "" {
			msg += "\n\n" + f.Advice
		}
		fmt.Fprintf(w, "::%s %s::%s\n", level, strings.Join(props, ","), ghData(msg))
	}
	for _, n := range reportNotes(r) {
		fmt.Fprintf(w, "::notice title=gctrace::%s\n", ghData(n))
	}
}

// ghData escapes a workflow command's message, as @actions/core does.
func ghData(s string) string {
	s = strings.ReplaceAll(s, "%", "%25")
	s = strings.ReplaceAll(s, "\r", "%0D")
	return strings.ReplaceAll(s, "\n", "%0A")
}

// ghProperty escapes a workflow command's property value.
func ghProperty(s string) string {
	s = ghData(s)
	s = strings.ReplaceAll(s, ":", "%3A")
	return strings.ReplaceAll(s, ",", "%2C")
}

// JUnit XML, the subset CI systems read: one suite, a case per rule.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
	Out      string      `xml:"system-out,omitempty"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	Out       string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// checkJUnitOut writes a JUnit report: a test case per rule of the
// catalogue and per budget set, failed when a finding of it is at or above
// --fail-on, skipped when the rule is off; findings below --fail-on are the
// case's output.
func checkJUnitOut(w io.Writer, r *engine.Result, g *Gate, v Verdict) error {
	byRule := map[string][]*analyze.Finding{}
	for i := range r.Findings {
		f := &r.Findings[i]
		byRule[f.Rule] = append(byRule[f.Rule], f)
	}
	ids := append(engine.RuleIDs(), g.Rules...)
	for id := range byRule { // a rule the catalogue does not list yet
		if !containsString(ids, id) {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	suite := junitSuite{Name: "gctrace check"}
	for _, id := range ids {
		c := junitCase{Name: id, ClassName: "gctrace"}
		var failed, passed []string
		for _, f := range byRule[id] {
			line := FindingLine(f)
			if f.Severity >= v.FailOn {
				failed = append(failed, line+"\n"+f.Advice)
			} else {
				passed = append(passed, line)
			}
		}
		switch {
		case len(failed) > 0:
			first := byRule[id][0]
			for _, f := range byRule[id] {
				if f.Severity >= v.FailOn {
					first = f
					break
				}
			}
			c.Failure = &junitFailure{Message: first.Message, Type: first.Severity.String(), Text: strings.Join(failed, "\n\n")}
			suite.Failures++
		case r.Disabled[id] && len(byRule[id]) == 0:
			c.Skipped = &junitSkipped{Message: "rule turned off"}
			suite.Skipped++
		}
		if len(passed) > 0 {
			c.Out = strings.Join(passed, "\n")
		}
		suite.Cases = append(suite.Cases, c)
	}
	suite.Tests = len(suite.Cases)
	var out []string
	for _, u := range r.Unparsed {
		out = append(out, u)
	}
	for _, n := range reportNotes(r) {
		out = append(out, "note: "+n)
	}
	out = append(out, reportInputLine(r))
	suite.Out = strings.Join(out, "\n")
	doc := junitSuites{Name: "gctrace", Tests: suite.Tests, Failures: suite.Failures, Skipped: suite.Skipped, Suites: []junitSuite{suite}}
	io.WriteString(w, xml.Header)
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
