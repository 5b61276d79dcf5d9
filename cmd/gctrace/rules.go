package main

import (
	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/report"
	"github.com/spf13/cobra"
)

type rulesOptions struct {
	Format report.Format
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
	cmd.Flags().StringVarP(&format, "format", "f", string(report.Text), "output format: text, json or markdown")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "json", "markdown"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// budgetDocs are the budgets of check by flag, for the catalogue.
var budgetDocs = []report.BudgetDoc{
	{Flag: keyMaxAllocRate, Rule: analyze.RuleBudgetAllocRate, Doc: "allocation rate over a process's run (SIZE/s)"},
	{Flag: keyMaxGCCPU, Rule: analyze.RuleBudgetGCCPU, Doc: "GC CPU over a process's run (PERCENT)"},
	{Flag: keyMaxGCRate, Rule: analyze.RuleBudgetGCRate, Doc: "GC cycles per second over a process's run"},
	{Flag: keyMaxHeap, Rule: analyze.RuleBudgetHeap, Doc: "heap in use at any cycle's start or mark end (SIZE)"},
	{Flag: keyMaxPause, Rule: analyze.RuleBudgetPause, Doc: "any single stop-the-world pause (DURATION)"},
}

func runRules(s *streams, opts *rulesOptions) error {
	return report.WriteRules(s.Out, opts.Format, report.Catalogue(budgetDocs))
}
