package analyze

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the calibration table in doc.go")

// scenarios are the bomb's recorded traces and the rules each must raise
// at warning or above: no more, no fewer.
var scenarios = []struct {
	name  string
	rules []string
}{
	{"dog", []string{RuleAllocChurn}},
	{"mouse", []string{RuleHeapDoubling}},
	{"spike", []string{RuleHeapDoubling}},
	{"leak", []string{RuleLiveHeapGrowth}},
	{"tiny", []string{RuleGCFrequency, RuleMinHeapThrash}},
	{"forced", []string{RuleForcedGC}},
	{"limit", []string{RuleMemoryLimitPressure}},
	{"assist", []string{RuleHighGCCPU, RuleMarkAssist}},
	{"healthy", nil},
	{"tiger", nil},
	{"wolf", nil},
	{"cat", nil},
	{"animals", []string{RuleHeapDoubling}},
}

// serious lists the rules of findings at warning or above, sorted.
func serious(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		if f.Severity >= Warning {
			out = append(out, f.Rule)
		}
	}
	sort.Strings(out)
	return out
}

func TestScenarios(t *testing.T) {
	dir := filepath.Join("..", "testdata", "bomb")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no recorded scenarios: %v", err)
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			r := analyzeFile(t, filepath.Join(dir, sc.name+".log"), DefaultConfig())
			want := append([]string(nil), sc.rules...)
			sort.Strings(want)
			if got := serious(r.Findings); !reflect.DeepEqual(got, want) {
				t.Errorf("rules at warning or above: %q, want %q\n%s", got, want, summary(r.Findings))
			}
		})
	}
}

// TestMouseFirstSeconds checks heap-doubling on the mouse's first 6 s
// (gctrace bomb --scenario mouse --duration 6s): the goal doubles once a
// second from the 4 MiB minimum, 4 → 9 → 18 → 36 → 72 MB, after the
// start-up in which healthy programs grow as fast.
func TestMouseFirstSeconds(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "testdata", "bomb", "mouse.log"))
	if err != nil {
		t.Skipf("no recorded mouse: %v", err)
	}
	var b strings.Builder
	for _, line := range strings.SplitAfter(string(data), "\n") {
		var n int
		var at float64
		if _, err := fmt.Sscanf(line, "gc %d @%fs", &n, &at); err == nil && at > 6 {
			break
		}
		b.WriteString(line)
	}
	r := analyzeText(t, b.String(), DefaultConfig())
	if got := serious(r.Findings); !reflect.DeepEqual(got, []string{RuleHeapDoubling}) {
		t.Errorf("rules at warning or above: %q, want heap-doubling\n%s", got, summary(r.Findings))
	}
}

// runtimeExpect lists the traces of ordinary programs (testdata/runtimes)
// that do raise something at warning or above, and why; every other one
// raises nothing.
var runtimeExpect = map[string][]string{
	// Another writer broke four GC lines in two.
	"twoproc-mixed.log": {RuleUnparsedLines},
	// The program calls runtime.GC() in a loop, ten times: what forced-gc
	// is for.
	"go1.16-gcloop.log": {RuleForcedGC},
	"go1.20-gcloop.log": {RuleForcedGC},
	// The stop-the-world collectors before Go 1.5 paused for 10 to 40 ms
	// on a 48 MB heap while other traces were being recorded.
	"go1.3-idle.log": {RuleLongPause},
	"go1.4-idle.log": {RuleLongPause},
}

// TestRuntimes checks that traces of ordinary programs from every Go
// release raise nothing at warning or above but what runtimeExpect says.
func TestRuntimes(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "runtimes", "*.log"))
	if len(files) == 0 {
		t.Skip("no runtime traces")
	}
	for _, name := range files {
		base := filepath.Base(name)
		r := analyzeFile(t, name, DefaultConfig())
		if got, want := serious(r.Findings), runtimeExpect[base]; !reflect.DeepEqual(got, want) {
			t.Errorf("%s: rules at warning or above: %q, want %q\n%s", base, got, want, summary(r.Findings))
		}
	}
}

// TestCalibrationTable keeps the table in doc.go in step with what the
// default thresholds do to the recorded scenarios (go test -update
// rewrites it).
func TestCalibrationTable(t *testing.T) {
	dir := filepath.Join("..", "testdata", "bomb")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no recorded scenarios: %v", err)
	}
	var b strings.Builder
	b.WriteString("//\t| scenario | rules at warning or above | info | GC/s | GC CPU | alloc MiB/s | live MB | goal MB (max) |\n")
	b.WriteString("//\t|---|---|---|---|---|---|---|---|\n")
	for _, sc := range scenarios {
		r := analyzeFile(t, filepath.Join(dir, sc.name+".log"), DefaultConfig())
		var warn, info []string
		for _, f := range r.Findings {
			s := f.Rule
			if f.Severity == Error {
				s += " (error)"
			}
			if f.Severity >= Warning {
				warn = append(warn, s)
			} else {
				info = append(info, s)
			}
		}
		sort.Strings(warn)
		sort.Strings(info)
		row := fmt.Sprintf("| %s | %s | %s |", sc.name, orDash(warn), orDash(info))
		if len(r.Processes) == 0 {
			row += " no GC | | | | |"
		} else {
			p := r.Processes[0]
			row += fmt.Sprintf(" %.3g | %.3g%% | %.3g | %g–%g | %g |", p.GCPerSecond, p.GCCPUPercent, p.AllocRateMiBPerS,
				p.HeapLiveMiB.Min, p.HeapLiveMiB.Max, p.HeapGoalMiB.Max)
		}
		b.WriteString("//\t" + row + "\n")
	}
	replaceDoc(t, "//\t| scenario |", "// (end of calibration table)", b.String())
}

func orDash(s []string) string {
	if len(s) == 0 {
		return "–"
	}
	return strings.Join(s, ", ")
}

// TestRuleTable keeps the rule table in doc.go in step with Rules.
func TestRuleTable(t *testing.T) {
	var b strings.Builder
	b.WriteString("//\t| rule | severity | detects | defaults |\n")
	b.WriteString("//\t|---|---|---|---|\n")
	for _, r := range Rules() {
		var th []string
		for _, x := range r.Thresholds {
			th = append(th, strings.TrimPrefix(x.Name, r.ID+".")+" "+x.Default)
		}
		sev := r.Severity.String()
		if r.ID == RuleHighGCCPU || r.ID == RuleLongPause {
			sev += ", error"
		}
		fmt.Fprintf(&b, "//\t| %s | %s | %s | %s |\n", r.ID, sev, r.Summary, orDash(th))
	}
	replaceDoc(t, "//\t| rule |", "// (end of rule table)", b.String())
}

// replaceDoc checks that doc.go holds text between the lines starting
// begin and end, and rewrites it there with -update.
func replaceDoc(t *testing.T, begin, end, text string) {
	t.Helper()
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	s := string(doc)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("doc.go has no table between %q and %q", begin, end)
	}
	if s[i:j] == text+"//\n" {
		return
	}
	if !*update {
		t.Errorf("doc.go is out of date (go test ./analyze -update); it should read:\n%s", text)
		return
	}
	if err := os.WriteFile("doc.go", []byte(s[:i]+text+"//\n"+s[j:]), 0o644); err != nil {
		t.Fatal(err)
	}
}
