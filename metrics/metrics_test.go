package metrics

import (
	"bytes"
	"context"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/parser"
	dto "github.com/prometheus/client_model/go"
)

// feed reads a real trace through the parser and the analyzer into e, as
// the engine does, and returns the final report.
func feed(t *testing.T, e *Exporter, path string) *analyze.Report {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	an := analyze.New(analyze.DefaultConfig(), e.Finding)
	r := parser.NewReader(f, path)
	for r.Scan() {
		rec := r.Record()
		an.Add(rec)
		e.Record(rec)
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	rep := an.Report()
	e.Done(rep, false)
	return rep
}

// value returns the value of the series name with the given labels.
func value(t *testing.T, e *Exporter, name string, labels map[string]string) float64 {
	t.Helper()
	mfs, err := e.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	next:
		for _, m := range mf.Metric {
			for _, lp := range m.Label {
				if v, ok := labels[lp.GetName()]; ok && v != lp.GetValue() {
					continue next
				}
			}
			return metricValue(m)
		}
	}
	t.Fatalf("no series %s%v", name, labels)
	return 0
}

func metricValue(m *dto.Metric) float64 {
	switch {
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	case m.Histogram != nil:
		return float64(m.Histogram.GetSampleCount())
	}
	return math.NaN()
}

func TestAgreesWithReport(t *testing.T) {
	e, err := New(Options{Labels: []Label{{"service", "api"}}})
	if err != nil {
		t.Fatal(err)
	}
	rep := feed(t, e, "../testdata/bomb/dog.log")
	p := rep.Processes[0]
	one := map[string]string{"process": "1", "service": "api"}
	checks := []struct {
		name string
		want float64
	}{
		{"gctrace_gc_cycles_total", float64(p.Cycles)},
		{"gctrace_gc_forced_cycles_total", float64(p.ForcedCycles)},
		{"gctrace_allocated_bytes_total", p.AllocatedMiB * mib},
		{"gctrace_gc_pause_duration_seconds", float64(p.Cycles)},
		{"gctrace_heap_goal_bytes", p.HeapGoalMiB.Max * mib},
	}
	for _, c := range checks {
		if got := value(t, e, c.name, one); math.Abs(got-c.want) > 1e-6*math.Max(1, c.want) {
			t.Errorf("%s = %v, report says %v", c.name, got, c.want)
		}
	}
	fired := 0
	for _, f := range rep.Findings {
		if f.Rule == analyze.RuleAllocChurn {
			fired++
		}
	}
	if got := value(t, e, "gctrace_findings_total", map[string]string{"rule": "alloc-churn"}); got != float64(fired) || fired == 0 {
		t.Errorf("alloc-churn findings = %v, report has %d", got, fired)
	}
}

func TestFoldsProcessesBeyondTheBound(t *testing.T) {
	e, err := New(Options{MaxProcesses: 2, QualifyProcess: true})
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for _, name := range []string{"dog", "leak", "forced"} {
		rep := feed(t, e, "../testdata/bomb/"+name+".log")
		for _, p := range rep.Processes {
			total += p.Cycles
		}
	}
	mfs, _ := e.Gather()
	var sum float64
	labels := map[string]bool{}
	for _, mf := range mfs {
		if mf.GetName() == "gctrace_gc_cycles_total" {
			for _, m := range mf.Metric {
				sum += m.Counter.GetValue()
				labels[m.Label[0].GetValue()] = true
			}
		}
	}
	if sum != float64(total) {
		t.Errorf("cycles over all series = %v, want %d", sum, total)
	}
	if !labels[OtherProcess] || len(labels) != 3 {
		t.Errorf("process labels = %v, want two processes and %q", labels, OtherProcess)
	}
}

func TestParseLabel(t *testing.T) {
	for _, c := range []struct {
		in, err string
	}{
		{"service=api", ""},
		{"env=", ""},
		{"service", "not key=value"},
		{"9x=a", "not a Prometheus label name"},
		{"__name__=a", "not a Prometheus label name"},
		{"process=a", "set by gctrace"},
	} {
		_, err := ParseLabel(c.in)
		if (err == nil) != (c.err == "") || err != nil && !strings.Contains(err.Error(), c.err) {
			t.Errorf("ParseLabel(%q) = %v, want error containing %q", c.in, err, c.err)
		}
	}
}

// TestPromtoolCheck runs promtool's linter on what the handler serves.
func TestPromtoolCheck(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool not installed (apt-get install -y prometheus)")
	}
	e, err := New(Options{Labels: []Label{{"service", "api"}}})
	if err != nil {
		t.Fatal(err)
	}
	feed(t, e, "../testdata/bomb/forced.log")
	srv := httptest.NewServer(e.Handler())
	defer srv.Close()
	// promtool reads the Prometheus text format, what a plain curl gets.
	for _, accept := range []string{"text/plain"} {
		req, _ := http.NewRequest("GET", srv.URL, nil)
		req.Header.Set("Accept", accept)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body bytes.Buffer
		_, _ = body.ReadFrom(resp.Body)
		resp.Body.Close()
		cmd := exec.Command(promtool, "check", "metrics")
		cmd.Stdin = bytes.NewReader(body.Bytes())
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool check metrics (%s): %v\n%s\n%s", accept, err, out, body.String())
		}
	}
}

// TestEndpointAwaitScrape: AwaitScrape returns once a scrape begun after
// the call is answered, after its bound when none comes, and when its
// context ends.
func TestEndpointAwaitScrape(t *testing.T) {
	e, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	ep := e.Endpoint()
	scrape := func() {
		rec := httptest.NewRecorder()
		ep.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		if rec.Code != http.StatusOK {
			t.Errorf("scrape: %d", rec.Code)
		}
	}
	ctx := context.Background()
	scrape() // before the wait: does not count
	start := time.Now()
	if ep.AwaitScrape(ctx, 50*time.Millisecond) {
		t.Error("a scrape before the wait counted")
	}
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("returned after %v with no scrape, want the 50ms bound", d)
	}
	go func() {
		time.Sleep(20 * time.Millisecond)
		scrape()
	}()
	start = time.Now()
	if !ep.AwaitScrape(ctx, time.Minute) {
		t.Error("the scrape did not count")
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("returned after %v, want right after the scrape", d)
	}
	cctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if ep.AwaitScrape(cctx, time.Minute) {
		t.Error("scraped, with no scrape")
	}
	if ep.AwaitScrape(ctx, 0) { // no linger: returns at once
		t.Error("scraped, with no wait")
	}
}
