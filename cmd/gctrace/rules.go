package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/gctrace/gctrace/analyze"
	"github.com/spf13/cobra"
)

type rulesOptions struct {
	Format reportFormat
}

func newCmdRules(s *streams, runF func(*rulesOptions) error) *cobra.Command {
	opts := &rulesOptions{}
	var format string
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List the rules: IDs, severities, thresholds and advice",
		Long: `Rules prints the catalogue of findings gctrace analyze and gctrace check can
report: each rule's ID, its severity, what it detects, the advice it gives,
and its thresholds with their defaults.

A threshold is changed by name with --set NAME=VALUE on analyze, check and
run, or with a "NAME = VALUE" line in a --config file. Durations take units
(5ms, 2s), sizes binary units (64MiB; a plain number is MiB, as the trace
prints), rates the same with /s, percentages an optional %.

The settings after the rules apply to all of them. The budgets of gctrace
check (--max-gc-cpu and the rest) are findings too, of severity error,
named budget-gc-cpu, budget-pause, budget-gc-rate, budget-heap and
budget-alloc-rate.`,
		Example: `  gctrace rules
  gctrace rules --format markdown > RULES.md
  gctrace rules --format json | jq -r '.rules[].thresholds[].name'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := parseReportFormat(format)
			if err != nil {
				return err
			}
			opts.Format = f
			if runF != nil {
				return runF(opts)
			}
			return runRules(s, opts)
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", string(reportText), "output format: text, json or markdown")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "json", "markdown"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// rulesDoc is the catalogue as gctrace rules prints it.
type rulesDoc struct {
	Rules    []ruleDoc      `json:"rules"`
	Settings []thresholdDoc `json:"settings"` // thresholds of no single rule
	Budgets  []budgetDoc    `json:"budgets"`
}

type ruleDoc struct {
	ID         string           `json:"id"`
	Severity   analyze.Severity `json:"severity"`
	Summary    string           `json:"summary"`
	FiresOn    string           `json:"fires_on,omitempty"`
	Advice     string           `json:"advice"`
	Thresholds []thresholdDoc   `json:"thresholds"`
}

type thresholdDoc struct {
	Name    string `json:"name"`
	Default string `json:"default"`
	Doc     string `json:"doc,omitempty"`
}

type budgetDoc struct {
	Flag string `json:"flag"`
	Rule string `json:"rule"`
	Doc  string `json:"doc"`
}

var budgetDocs = []budgetDoc{
	{keyMaxAllocRate, analyze.RuleBudgetAllocRate, "allocation rate over a process's run (SIZE/s)"},
	{keyMaxGCCPU, analyze.RuleBudgetGCCPU, "GC CPU over a process's run (PERCENT)"},
	{keyMaxGCRate, analyze.RuleBudgetGCRate, "GC cycles per second over a process's run"},
	{keyMaxHeap, analyze.RuleBudgetHeap, "heap in use at any cycle's start or mark end (SIZE)"},
	{keyMaxPause, analyze.RuleBudgetPause, "any single stop-the-world pause (DURATION)"},
}

// settingDocs explains the settings of no single rule, which Rules does not
// document.
var settingDocs = map[string]string{
	"window":        "span of the sliding window of the rates and shares the rules judge",
	"max-processes": "process summaries a report keeps (the ones with the fewest cycles go first)",
}

func catalogueDoc() rulesDoc {
	doc := rulesDoc{Budgets: budgetDocs}
	inRule := map[string]bool{}
	for _, r := range analyze.Rules() {
		d := ruleDoc{ID: r.ID, Severity: r.Severity, Summary: r.Summary, FiresOn: r.FiresOn, Advice: r.Advice, Thresholds: []thresholdDoc{}}
		for _, t := range r.Thresholds {
			d.Thresholds = append(d.Thresholds, thresholdDoc{Name: t.Name, Default: t.Default, Doc: t.Doc})
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
		doc.Settings = append(doc.Settings, thresholdDoc{Name: name, Default: v, Doc: settingDocs[name]})
	}
	return doc
}

func runRules(s *streams, opts *rulesOptions) error {
	doc := catalogueDoc()
	var b bytes.Buffer
	switch opts.Format {
	case reportText:
		rulesText(&b, &doc)
	case reportMarkdown:
		rulesMarkdown(&b, &doc)
	case reportJSON:
		if err := writeIndentedJSON(&b, doc); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unknown format %q", opts.Format)
	}
	_, err := s.Out.Write(b.Bytes())
	return err
}

func rulesText(w io.Writer, doc *rulesDoc) {
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

func rulesMarkdown(w io.Writer, doc *rulesDoc) {
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
