package metrics

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDocumented checks that README.md documents every series, and that
// the Grafana dashboard is valid JSON using only series that exist.
func TestDocumented(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, s := range Catalogue() {
		known[s.Name] = true
		if !strings.Contains(string(readme), "| `"+s.Name+"` | "+s.Type+" |") {
			t.Errorf("README.md does not document %s (%s)", s.Name, s.Type)
		}
	}
	raw, err := os.ReadFile("../docs/grafana-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
	}
	if err := json.Unmarshal(raw, &dash); err != nil {
		t.Fatalf("docs/grafana-dashboard.json: %v", err)
	}
	name := regexp.MustCompile(`gctrace_[a-z_]+`)
	var rules strings.Builder
	rules.WriteString("groups:\n  - name: dashboard\n    rules:\n")
	vars := strings.NewReplacer("$__rate_interval", "1m", "$__range", "1h", "$job", ".*", "$process", ".*")
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			expr, _ := json.Marshal(vars.Replace(tg.Expr))
			fmt.Fprintf(&rules, "      - record: dashboard:expr\n        expr: %s\n", expr)
			for _, n := range name.FindAllString(tg.Expr, -1) {
				base := strings.TrimSuffix(n, "_bucket")
				if !known[n] && !known[base] {
					t.Errorf("panel %q uses %s, which gctrace does not expose", p.Title, n)
				}
			}
		}
	}
	// promtool parses every query as the expression of a recording rule.
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool not installed (apt-get install -y prometheus)")
	}
	file := filepath.Join(t.TempDir(), "dashboard.yml")
	writeFile(t, file, rules.String())
	if out, err := exec.Command(promtool, "check", "rules", file).CombinedOutput(); err != nil {
		t.Errorf("the dashboard's queries do not parse: %v\n%s", err, out)
	}
}
