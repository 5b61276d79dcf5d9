package analyze

import "github.com/gctrace/gctrace/parser"

type state struct{}

func (a *Analyzer) init() {}

// Add takes the next record of the input.
func (a *Analyzer) Add(rec parser.Record) {}

// Report returns the analysis so far. It may be called at any time and
// more than once; later Adds do not change a returned Report.
func (a *Analyzer) Report() *Report {
	return &Report{Version: ReportVersion, Processes: []ProcessReport{}, Findings: []Finding{}}
}

// Rules returns the rule catalogue, sorted by ID.
func Rules() []RuleInfo { return nil }
