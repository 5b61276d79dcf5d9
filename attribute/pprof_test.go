package attribute

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// pprofTop is what `go tool pprof -top` printed.
type pprofTop struct {
	total   int64
	dropped int
	rows    []pprofRow
}

type pprofRow struct {
	name                    string
	flat, cum               int64
	flatPercent, cumPercent float64
}

var (
	pprofTotalRE   = regexp.MustCompile(`of (-?\d+)B? total`)
	pprofDroppedRE = regexp.MustCompile(`Dropped (\d+) nodes?`)
)

// goToolPprofTop runs the toolchain's pprof on file, or skips the test
// when there is no go command or no pprof in it.
func goToolPprofTop(t *testing.T, file string, args ...string) pprofTop {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH to run go tool pprof")
	}
	args = append([]string{"tool", "pprof", "-top", "-unit=B", "-symbolize=none"}, append(args, file)...)
	cmd := exec.Command(goCmd, args...)
	cmd.Env = append(os.Environ(), "PPROF_TMPDIR="+t.TempDir())
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if strings.Contains(stderr.String(), "no such tool") {
			t.Skipf("go tool pprof is not available: %s", stderr.String())
		}
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	out := stdout.String()
	var top pprofTop
	m := pprofTotalRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no total in go tool pprof output:\n%s", out)
	}
	top.total, _ = strconv.ParseInt(m[1], 10, 64)
	if m := pprofDroppedRE.FindStringSubmatch(out); m != nil {
		top.dropped, _ = strconv.Atoi(m[1])
	}
	_, table, ok := strings.Cut(out, "cum%\n")
	if !ok {
		t.Fatalf("no table in go tool pprof output:\n%s", out)
	}
	for _, line := range strings.Split(strings.TrimSpace(table), "\n") {
		f := strings.Fields(line)
		if len(f) < 6 {
			t.Fatalf("go tool pprof row %q", line)
		}
		name := strings.Join(f[5:], " ")
		name = strings.TrimSuffix(strings.TrimSuffix(name, " (inline)"), " (partial-inline)")
		top.rows = append(top.rows, pprofRow{
			name:        name,
			flat:        parsePprofValue(t, f[0]),
			flatPercent: parsePprofPercent(t, f[1]),
			cum:         parsePprofValue(t, f[3]),
			cumPercent:  parsePprofPercent(t, f[4]),
		})
	}
	return top
}

func parsePprofValue(t *testing.T, s string) int64 {
	t.Helper()
	v, err := strconv.ParseInt(strings.TrimSuffix(s, "B"), 10, 64)
	if err != nil {
		t.Fatalf("go tool pprof value %q: %v", s, err)
	}
	return v
}

func parsePprofPercent(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
	if err != nil {
		t.Fatalf("go tool pprof percentage %q: %v", s, err)
	}
	return v
}

// comparePprof checks r lists what pprof's top lists, with the same
// flat and cum, in the same order.
func comparePprof(t *testing.T, r *Ranking, top pprofTop) {
	t.Helper()
	if r.Total != top.total {
		t.Errorf("total %d, go tool pprof %d", r.Total, top.total)
	}
	if r.Dropped != top.dropped {
		t.Errorf("dropped %d, go tool pprof %d", r.Dropped, top.dropped)
	}
	var b strings.Builder
	n := max(len(r.Functions), len(top.rows))
	mismatch := len(r.Functions) != len(top.rows)
	for i := 0; i < n; i++ {
		var got Func
		var want pprofRow
		if i < len(r.Functions) {
			got = r.Functions[i]
		}
		if i < len(top.rows) {
			want = top.rows[i]
		}
		mark := " "
		if got.Name != want.name || got.Flat != want.flat || got.Cum != want.cum ||
			math.Abs(got.FlatPercent-want.flatPercent) > 0.0051 || math.Abs(got.CumPercent-want.cumPercent) > 0.0051 {
			mark, mismatch = "!", true
		}
		fmt.Fprintf(&b, "%s %12d %12d %-50s | %12d %12d %s\n", mark, got.Flat, got.Cum, got.Name, want.flat, want.cum, want.name)
	}
	if mismatch {
		t.Errorf("Rank and go tool pprof -top disagree (Rank | pprof):\n%s", b.String())
	}
}

func TestRankMatchesPprof(t *testing.T) {
	for _, tc := range []struct {
		sample string
		cum    bool
	}{
		{AllocSpace, false},
		{AllocSpace, true},
		{AllocObjects, false},
		{InuseSpace, false},
		{InuseObjects, true},
	} {
		t.Run(fmt.Sprintf("%s cum=%v", tc.sample, tc.cum), func(t *testing.T) {
			args := []string{"-sample_index=" + tc.sample}
			if tc.cum {
				args = append(args, "-cum")
			}
			top := goToolPprofTop(t, testProfile, args...)
			r, err := Rank(readTestProfile(t), tc.sample, RankOptions{Cum: tc.cum})
			if err != nil {
				t.Fatal(err)
			}
			comparePprof(t, r, top)
		})
	}
}

// TestRankMatchesPprofIgnore checks the profiler filter on a live profile
// agrees with pprof's -ignore, and that without it Rank is pprof's plain
// top.
func TestRankMatchesPprofIgnore(t *testing.T) {
	srv := newPprofServer(t, nil)
	src := mustSource(t, srv.URL)
	// Serving a profile allocates in runtime/pprof; collect so those
	// allocations are published to the next one.
	for i := 0; i < 2; i++ {
		if _, err := Fetch(context.Background(), src, FetchOptions{}); err != nil {
			t.Fatal(err)
		}
		new(hog).churn(8)
		runtime.GC()
	}
	p, err := Fetch(context.Background(), src, FetchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "allocs.pb.gz")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Write(f); err != nil {
		t.Fatal(err)
	}
	f.Close()

	r, err := Rank(p, AllocSpace, RankOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Profiler == 0 {
		t.Fatalf("no profiler allocations in a profile served twice before")
	}
	comparePprof(t, r, goToolPprofTop(t, file, "-sample_index=alloc_space", "-ignore="+ProfilerIgnore))

	all, err := Rank(p, AllocSpace, RankOptions{KeepProfiler: true})
	if err != nil {
		t.Fatal(err)
	}
	comparePprof(t, all, goToolPprofTop(t, file, "-sample_index=alloc_space"))
}
