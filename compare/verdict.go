package compare

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Verdict is the outcome of a gate on a comparison: the regressions
// beyond their allowances.
type Verdict struct {
	Result      *Result
	Allowances  Allowances
	Regressions []Regression
}

// Judge gates a comparison on its allowances.
func (res *Result) Judge(a Allowances) *Verdict {
	return &Verdict{Result: res, Allowances: a, Regressions: res.Regressions(a)}
}

// Pass reports whether no metric got significantly worse than allowed.
func (v *Verdict) Pass() bool { return len(v.Regressions) == 0 }

// Line is the compiler-style line of a regression:
// "NEW:LINE: error: regression: gc-cpu: …".
func (g Regression) Line() string {
	pos := g.Pair.New.File + ":"
	if g.Pair.New.FirstLine > 0 {
		pos += fmt.Sprintf("%d:", g.Pair.New.FirstLine)
	}
	return fmt.Sprintf("%s error: regression: %s (process %s vs %s)", pos, g.Message(), g.Pair.Old.Label(), g.Pair.New.Label())
}

// Summary is the one sentence of a failed verdict: "2 metrics
// significantly worse than allowed (gc-cpu, gc-rate)".
func (v *Verdict) Summary() string {
	var ids []string
	seen := map[string]bool{}
	for _, g := range v.Regressions {
		if !seen[g.Row.Metric.ID] {
			seen[g.Row.Metric.ID] = true
			ids = append(ids, g.Row.Metric.ID)
		}
	}
	what := "metric"
	if len(v.Regressions) != 1 {
		what = "metrics"
	}
	return fmt.Sprintf("%d %s significantly worse than allowed (%s)", len(v.Regressions), what, strings.Join(ids, ", "))
}

// Render writes the verdict: in text, a line per regression and then the
// comparison; in JSON, the comparison with the verdict; for GitHub, an
// error annotation per regression and the comparison's annotations.
func (v *Verdict) Render(w io.Writer, f Format) error {
	ew := &errWriter{w: w}
	switch f {
	case Text, Markdown:
		for _, g := range v.Regressions {
			if f == Markdown {
				fmt.Fprintf(ew, "- **regression** %s\n", mdEscape(g.Message()))
			} else {
				fmt.Fprintln(ew, g.Line())
			}
		}
		if len(v.Regressions) > 0 {
			fmt.Fprintln(ew)
		}
		if err := v.Result.Render(ew, f); err != nil {
			return err
		}
	case GitHub:
		for _, g := range v.Regressions {
			ghCommand(ew, "error", g.Pair.New.File, g.Pair.New.FirstLine, "gctrace check: regression "+g.Row.Metric.ID, g.Message())
		}
		if err := v.Result.Render(ew, f); err != nil {
			return err
		}
	case JSON:
		var cmp bytes.Buffer
		if err := v.Result.json(&cmp); err != nil {
			return err
		}
		type reg struct {
			Metric  string   `json:"metric"`
			Old     Side     `json:"old"`
			New     Side     `json:"new"`
			Delta   *float64 `json:"delta"`
			DeltaLo *float64 `json:"delta_lo"`
			DeltaHi *float64 `json:"delta_hi"`
			P       *float64 `json:"p"`
			Allowed float64  `json:"allowed"`
			Message string   `json:"message"`
		}
		out := struct {
			Pass        bool               `json:"pass"`
			Allowances  map[string]float64 `json:"allowances"`
			Regressions []reg              `json:"regressions"`
			Comparison  json.RawMessage    `json:"comparison"`
		}{Pass: v.Pass(), Allowances: v.Allowances, Regressions: []reg{}, Comparison: cmp.Bytes()}
		for _, g := range v.Regressions {
			out.Regressions = append(out.Regressions, reg{Metric: g.Row.Metric.ID, Old: g.Pair.Old, New: g.Pair.New,
				Delta: fin(g.Row.Delta), DeltaLo: fin(g.Row.DeltaLo), DeltaHi: fin(g.Row.DeltaHi), P: fin(g.Row.P),
				Allowed: g.Allowed, Message: g.Message()})
		}
		enc := json.NewEncoder(ew)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unknown format %q", f)
	}
	return ew.err
}
