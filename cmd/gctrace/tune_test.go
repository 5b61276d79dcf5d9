package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func TestTuneGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"tune/leak.txt", []string{"--gogc", "200,400", "--memlimit", "256MiB", "../../testdata/bomb/leak.log"}},
		{"tune/leak.json", []string{"--format", "json", "--gogc", "200,400", "--memlimit", "256MiB", "../../testdata/bomb/leak.log"}},
		{"tune/healthy-budget.txt", []string{"--budget", "512MiB", "../../testdata/bomb/healthy.log"}},
		{"tune/limit.txt", []string{"--recorded-memlimit", "128MiB", "../../testdata/bomb/limit.log"}},
		{"tune/limit-off.txt", []string{"--gogc", "off,50", "--memlimit", "128MiB,off", "../../testdata/bomb/limit.log"}},
		{"tune/limit-budget.txt", []string{"--budget", "64MiB", "../../testdata/bomb/limit.log"}},
		{"tune/gorun.txt", []string{"--per-process", "--gogc", "200", "../../testdata/runtimes/go1.26-gorun.log"}},
	} {
		r := runGctrace(t, "", append([]string{"tune"}, tc.args...)...)
		if r.code != 0 {
			t.Fatalf("%s: exit %d: %s", tc.name, r.code, r.stderr)
		}
		checkGolden(t, tc.name, r.stdout)
		if r.stderr != "" {
			t.Errorf("%s: stderr %q", tc.name, r.stderr)
		}
	}
}

// TestTuneJSON checks the shape scripts rely on.
func TestTuneJSON(t *testing.T) {
	r := runGctrace(t, "", "tune", "--format", "json", "--gogc", "50,200", "--budget", "256MiB", "../../testdata/bomb/dog.log")
	var got struct {
		Processes []struct {
			Model       map[string]any   `json:"model"`
			Predictions []map[string]any `json:"predictions"`
		} `json:"processes"`
		Recorded       map[string]any   `json:"recorded"`
		Predictions    []map[string]any `json:"predictions"`
		Recommendation map[string]any   `json:"recommendation"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("%v: %s", err, r.stdout)
	}
	if len(got.Processes) != 1 || len(got.Predictions) != 2 || got.Recommendation == nil {
		t.Fatalf("got %+v", got)
	}
	for _, k := range []string{"setting", "gogc", "memlimit", "cycles", "span_s", "cycles_per_second", "gc_cpu_percent",
		"peak_heap_bytes", "peak_heap_and_nonheap_bytes", "limit_sets_goal_s", "limit_exceeded", "cpu_capped_cycles"} {
		if _, ok := got.Predictions[0][k]; !ok {
			t.Errorf("prediction lacks %q: %v", k, got.Predictions[0])
		}
	}
	if got.Predictions[0]["gogc"] != "50" || got.Recorded["cycles"] != 46.0 {
		t.Errorf("predictions %v, recorded %v", got.Predictions[0], got.Recorded)
	}
	if got.Recommendation["fits"] != true || got.Recommendation["memlimit"] != "230MiB" || got.Recommendation["why"] == "" {
		t.Errorf("recommendation %v", got.Recommendation)
	}
}

func TestTuneErrors(t *testing.T) {
	old, err := os.ReadFile("../../testdata/runtimes/go1.4.log")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		stdin string
		args  []string
		want  string
	}{
		{"", []string{"--gogc", "abc"}, `--gogc: want a GOGC such as 100, 200 or off: "abc"`},
		{"", []string{"--gogc", "-5"}, "--gogc: want a GOGC"},
		{"", []string{"--memlimit", "12x"}, "--memlimit: want a size such as 64MiB or 1GiB"},
		{"", []string{"--memlimit", "1KiB"}, "--memlimit: want a size of at least 1MiB"},
		{"", []string{"--budget", "off"}, "--budget: want a size"},
		{"", []string{"--format", "xml"}, `unknown format "xml" (want text or json)`},
		{"", []string{"--nonheap", "lots"}, "--nonheap: want a size"},
		{"", nil, "no GC trace found: the input is empty"},
		{"hello\n", nil, "no GC trace found: run the program with GODEBUG=gctrace=1"},
		{string(old), nil, "no GC cycle to replay: the"},
		{"", []string{"no/such/file.log"}, "cannot read no/such/file.log"},
	} {
		r := runGctrace(t, tc.stdin, append([]string{"tune"}, tc.args...)...)
		if r.code != exitError || !strings.HasPrefix(r.stderr, "gctrace: ") || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
}

// TestTuneHelp: the help states the model's assumptions.
func TestTuneHelp(t *testing.T) {
	r := runGctrace(t, "", "tune", "--help")
	for _, want := range []string{"--gogc", "--memlimit", "--budget", "same bytes at the same moments", "RSS beyond the heap", "fragmentation", "50%"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("help lacks %q", want)
		}
	}
}
