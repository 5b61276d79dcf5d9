package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/gctrace/gctrace/analyze"
)

// Rules is the catalogue as gctrace rules prints it.
type Rules struct {
	Rules    []RuleDoc      `json:"rules"`
	Settings []ThresholdDoc `json:"settings"` // thresholds of no single rule
	Budgets  []BudgetDoc    `json:"budgets"`
}

// RuleDoc is one rule of the catalogue.
type RuleDoc struct {
	ID         string           `json:"id"`
	Severity   analyze.Severity `json:"severity"`
	Summary    string           `json:"summary"`
	FiresOn    string           `json:"fires_on,omitempty"`
	Advice     string           `json:"advice"`
	Thresholds []ThresholdDoc   `json:"thresholds"`
}

// ThresholdDoc is one threshold, or a setting of every rule.
type ThresholdDoc struct {
	Name    string `json:"name"`
	Default string `json:"default"`
	Doc     string `json:"doc,omitempty"`
}

// BudgetDoc is one budget of gctrace check: its flag and its rule.
type BudgetDoc struct {
	Flag string `json:"flag"`
	Rule string `json:"rule"`
	Doc  string `json:"doc"`
}

// settingDocs explains the settings of no single rule, which Rules does not
// document.
var settingDocs = map[string]string{
	"window":        "span of the sliding window of the rates and shares the rules judge",
	"max-processes": "process summaries a report keeps (the ones with the fewest cycles go first)",
}

// Catalogue returns the rule catalogue of the analyzer, with the budgets
// given.
func Catalogue(budgets []BudgetDoc) *Rules {
	doc := &Rules{Budgets: budgets}
	inRule := map[string]bool{}
	for _, r := range analyze.Rules() {
		d := RuleDoc{ID: r.ID, Severity: r.Severity, Summary: r.Summary, FiresOn: r.FiresOn, Advice: r.Advice, Thresholds: []ThresholdDoc{}}
		for _, t := range r.Thresholds {
			d.Thresholds = append(d.Thresholds, ThresholdDoc{Name: t.Name, Default: t.Default, Doc: t.Doc})
			inRule[t.Name] = true
		}
		doc.Rules = append(doc.Rules, d)
	}
	def := analyze.DefaultConfig()
	for _, name := range def.Names() {
		if inRule[name] {
			continue
		}
		v, err := def.Get(name)
		if err != nil {
			continue
		}
		doc.Settings = append(doc.Settings, ThresholdDoc{Name: name, Default: v, Doc: settingDocs[name]})
	}
	return doc
}

// WriteRules writes the rule catalogue in the given format, in one write.
func WriteRules(w io.Writer, f Format, doc *Rules) error {
	var b bytes.Buffer
	switch f {
	case Text:
		rulesText(&b, doc)
	case Markdown:
		rulesMarkdown(&b, doc)
	case JSON:
		if err := writeIndentedJSON(&b, doc); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unknown format %q", f)
	}
	_, err := w.Write(b.Bytes())
	return err
}

func rulesText(w io.Writer, doc *Rules) {
	for i, r := range doc.Rules {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s (%s)\n  %s\n", r.ID, r.Severity, r.Summary)
		if r.FiresOn != "" {
			fmt.Fprintf(w, "  fires on: %s\n", r.FiresOn)
		}
		fmt.Fprintf(w, "  advice: %s\n", r.Advice)
		if len(r.Thresholds) > 0 {
			tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
			for _, t := range r.Thresholds {
				fmt.Fprintf(tw, "  %s = %s\t%s\n", t.Name, t.Default, t.Doc)
			}
			tw.Flush()
		}
	}
	fmt.Fprintf(w, "\nsettings of every rule\n")
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	for _, t := range doc.Settings {
		if t.Doc == "" {
			fmt.Fprintf(tw, "  %s = %s\n", t.Name, t.Default)
			continue
		}
		fmt.Fprintf(tw, "  %s = %s\t%s\n", t.Name, t.Default, t.Doc)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nbudgets of gctrace check and gctrace run (severity error)\n")
	tw = tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	for _, b := range doc.Budgets {
		fmt.Fprintf(tw, "  --%s\t%s\t%s\n", b.Flag, b.Rule, b.Doc)
	}
	tw.Flush()
}

func rulesMarkdown(w io.Writer, doc *Rules) {
	fmt.Fprintf(w, "# gctrace rules\n\n| rule | severity | what it detects |\n|---|---|---|\n")
	for _, r := range doc.Rules {
		fmt.Fprintf(w, "| [`%s`](#%s) | %s | %s |\n", r.ID, r.ID, r.Severity, markdownCell(r.Summary))
	}
	for _, r := range doc.Rules {
		fmt.Fprintf(w, "\n## %s\n\nSeverity: %s. %s.\n", r.ID, r.Severity, upperFirst(r.Summary))
		if r.FiresOn != "" {
			fmt.Fprintf(w, "\nFires on %s.\n", r.FiresOn)
		}
		fmt.Fprintf(w, "\n> %s\n", r.Advice)
		if len(r.Thresholds) > 0 {
			fmt.Fprintf(w, "\n| threshold | default | meaning |\n|---|---|---|\n")
			for _, t := range r.Thresholds {
				fmt.Fprintf(w, "| `%s` | %s | %s |\n", t.Name, t.Default, markdownCell(t.Doc))
			}
		}
	}
	fmt.Fprintf(w, "\n## Settings of every rule\n\n| setting | default | meaning |\n|---|---|---|\n")
	for _, t := range doc.Settings {
		fmt.Fprintf(w, "| `%s` | %s | %s |\n", t.Name, t.Default, markdownCell(t.Doc))
	}
	fmt.Fprintf(w, "\n## Budgets (gctrace check, gctrace run)\n\nEach budget exceeded is a finding of severity error.\n\n| flag | rule | limit on |\n|---|---|---|\n")
	for _, b := range doc.Budgets {
		fmt.Fprintf(w, "| `--%s` | `%s` | %s |\n", b.Flag, b.Rule, markdownCell(b.Doc))
	}
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
