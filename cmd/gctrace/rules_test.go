package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/report"
)

func TestRulesGolden(t *testing.T) {
	for _, f := range reportFormats {
		r := runGctrace(t, "", "rules", "--format", f.name)
		if r.code != 0 || r.stderr != "" {
			t.Fatalf("%s: exit %d: %s", f.name, r.code, r.stderr)
		}
		checkGolden(t, "rules."+f.ext, r.stdout)
	}
}

// TestRulesComplete checks that the catalogue printed is the analyzer's:
// every rule and every threshold name that --set accepts.
func TestRulesComplete(t *testing.T) {
	r := runGctrace(t, "", "rules", "--format", "json")
	var doc report.Rules
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Rules) != len(analyze.Rules()) {
		t.Errorf("%d rules, want %d", len(doc.Rules), len(analyze.Rules()))
	}
	names := map[string]bool{}
	for _, r := range doc.Rules {
		if r.Summary == "" || r.Advice == "" {
			t.Errorf("%s: no summary or advice", r.ID)
		}
		for _, th := range r.Thresholds {
			names[th.Name] = true
		}
	}
	for _, s := range doc.Settings {
		names[s.Name] = true
	}
	c := analyze.DefaultConfig()
	for _, n := range c.Names() {
		if !names[n] {
			t.Errorf("threshold %s not listed", n)
		}
	}
	text := runGctrace(t, "", "rules").stdout
	for _, b := range budgetKeys {
		if b != keyFailOn && !strings.Contains(text, "--"+b) {
			t.Errorf("budget --%s not listed", b)
		}
	}
}
