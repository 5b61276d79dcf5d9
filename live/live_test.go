package live_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/live"
	"github.com/gctrace/gctrace/parser"
)

// feed reads a trace through the parser and the analyzer into the server,
// as the engine does, and ends with Done.
func feed(t *testing.T, s *live.Server, r io.Reader, name string) {
	t.Helper()
	an := analyze.New(analyze.DefaultConfig(), s.Finding)
	rd := parser.NewReader(r, name)
	for rd.Scan() {
		rec := rd.Record()
		an.Add(rec)
		s.Record(rec)
	}
	if err := rd.Err(); err != nil {
		t.Fatal(err)
	}
	s.Done(an.Report(), false)
}

// message is the part of a stream message the tests read.
type message struct {
	State     string `json:"state"`
	Selected  string `json:"selected"`
	Processes []struct {
		Key, Name string
		Cycles    int64
	} `json:"processes"`
	Series *struct {
		Timed    bool                    `json:"timed"`
		From     *float64                `json:"from"`
		HeapUse  []float64               `json:"heap_use"`
		HeapLive []float64               `json:"heap_live"`
		HeapGoal []float64               `json:"heap_goal"`
		Pause    []float64               `json:"pause_ms"`
		CPU      []float64               `json:"gc_cpu"`
		Alloc    []float64               `json:"alloc_rate"`
		Spans    []struct{ Rule string } `json:"spans"`
	} `json:"series"`
	Findings []struct {
		Finding analyze.Finding `json:"finding"`
		Name    string          `json:"name"`
	} `json:"findings"`
	Report *analyze.Report `json:"report"`
}

// received is one message of the stream and its size in bytes.
type received struct {
	message
	size int
}

// stream connects to the stream and returns its messages; the channel
// closes when the stream ends, or after stop.
func stream(t *testing.T, url string) (msgs <-chan received, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type %q, want text/event-stream", ct)
	}
	out := make(chan received, 1024)
	go func() {
		defer resp.Body.Close()
		defer close(out)
		br := bufio.NewReaderSize(resp.Body, 1<<20)
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			if data, ok := strings.CutPrefix(line, "data: "); ok {
				var m message
				if err := json.Unmarshal([]byte(data), &m); err != nil {
					t.Errorf("message: %v\n%s", err, data)
					return
				}
				select {
				case out <- received{m, len(data)}:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out, cancel
}

// firstMessage connects to the stream and returns its first message, and
// its size in bytes.
func firstMessage(t *testing.T, url string) (message, int) {
	t.Helper()
	msgs, stop := stream(t, url)
	defer stop()
	select {
	case r, ok := <-msgs:
		if !ok {
			t.Fatal("the stream ended before a message")
		}
		return r.message, r.size
	case <-time.After(10 * time.Second):
		t.Fatal("no message within 10s")
	}
	panic("unreachable")
}

func TestStreamHistory(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "testdata", "bomb", "dog.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := live.New(live.Options{})
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	defer s.Close()
	feed(t, s, f, "dog.log")

	// Two pages connecting after the end get the same, whole history.
	m, _ := firstMessage(t, ts.URL+"/events")
	again, _ := firstMessage(t, ts.URL+"/events")
	if m.State != "ended" {
		t.Errorf("state %q, want ended", m.State)
	}
	if len(m.Processes) != 1 || m.Selected != "dog.log#1" || m.Processes[0].Name != "1" {
		t.Fatalf("processes %+v, selected %q", m.Processes, m.Selected)
	}
	sr := m.Series
	if sr == nil || !sr.Timed {
		t.Fatalf("no timed series: %+v", sr)
	}
	for name, line := range map[string][]float64{"heap_use": sr.HeapUse, "heap_live": sr.HeapLive, "heap_goal": sr.HeapGoal, "pause_ms": sr.Pause, "gc_cpu": sr.CPU, "alloc_rate": sr.Alloc} {
		if len(line) < 20 || len(line)%2 != 0 {
			t.Errorf("%s has %d numbers, want pairs of x, y", name, len(line))
		}
	}
	// The dog's goal sits at the 4 MiB floor.
	if g := sr.HeapGoal[1]; g != 4<<20 {
		t.Errorf("first goal %g bytes, want 4 MiB", g)
	}
	var churn bool
	for _, f := range m.Findings {
		if f.Finding.Rule == "alloc-churn" {
			churn = f.Finding.Advice != "" && f.Name == "1"
		}
	}
	if !churn {
		t.Errorf("no alloc-churn finding with advice: %+v", m.Findings)
	}
	if len(sr.Spans) == 0 || sr.Spans[0].Rule != "alloc-churn" {
		t.Errorf("spans %+v, want the alloc-churn one", sr.Spans)
	}
	if m.Report == nil || len(m.Report.Processes) != 1 || m.Report.Processes[0].Cycles != m.Processes[0].Cycles {
		t.Errorf("report %+v does not match the processes %+v", m.Report, m.Processes)
	}
	a, _ := json.Marshal(m)
	b, _ := json.Marshal(again)
	if string(a) != string(b) {
		t.Error("a second page got another history")
	}
}

// TestStreamBounded feeds many cycles: the history a page is sent stays
// within the columns, however long the input.
func TestStreamBounded(t *testing.T) {
	const columns = 100
	size := func(cycles int) int {
		s := live.New(live.Options{Columns: columns})
		defer s.Close()
		ts := httptest.NewServer(s.Handler())
		defer ts.Close()
		pr, pw := io.Pipe()
		go func() {
			w := bufio.NewWriter(pw)
			for i := 1; i <= cycles; i++ {
				// The dog's line, every 20 ms, its goal varying.
				fmt.Fprintf(w, "gc %d @%.3fs 1%%: 0.050+0.30+0.004 ms clock, 0.10+0.05/0.30/0+0.008 ms cpu, 3->3->0 MB, %d MB goal, 0 MB stacks, 0 MB globals, 2 P\n",
					i, float64(i)*0.02, 4+i%7)
			}
			w.Flush()
			pw.Close()
		}()
		feed(t, s, pr, "-")
		m, n := firstMessage(t, ts.URL+"/events")
		if got := len(m.Series.HeapUse) / 2; got > 4*columns {
			t.Errorf("%d cycles: heap line of %d points, want at most %d", cycles, got, 4*columns)
		}
		return n
	}
	small, large := size(2_000), size(40_000)
	if large > 2*small {
		t.Errorf("the history grew from %d bytes for 2000 cycles to %d for 40000", small, large)
	}
}

func TestHandler(t *testing.T) {
	s := live.New(live.Options{})
	defer s.Close()
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	for _, tt := range []struct {
		path, ctype, holds string
		code               int
	}{
		{"/", "text/html", "<canvas id=\"heap\">", 200},
		{"/app.js", "text/javascript", "EventSource", 200},
		{"/style.css", "text/css", "canvas", 200},
		{"/nothing", "", "", 404},
	} {
		resp, err := http.Get(ts.URL + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.code {
			t.Errorf("%s: status %d, want %d", tt.path, resp.StatusCode, tt.code)
			continue
		}
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), tt.ctype) || !strings.Contains(string(b), tt.holds) {
			t.Errorf("%s: %s without %q", tt.path, resp.Header.Get("Content-Type"), tt.holds)
		}
		// Offline: nothing is fetched from elsewhere.
		if strings.Contains(string(b), "http://") || strings.Contains(string(b), "https://") {
			t.Errorf("%s refers to another site", tt.path)
		}
	}
}

// TestStreamLive checks that a page connected while the input streams is
// told of a finding at once and of new cycles within the interval.
func TestStreamLive(t *testing.T) {
	s := live.New(live.Options{Interval: 50 * time.Millisecond})
	defer s.Close()
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	msgs, stop := stream(t, ts.URL+"/events")
	defer stop()
	next := func(what string, ok func(message) bool) {
		t.Helper()
		timeout := time.After(time.Second)
		for {
			select {
			case m := <-msgs:
				if ok(m.message) {
					return
				}
			case <-timeout:
				t.Fatalf("no message with %s within a second", what)
			}
		}
	}
	next("the reading state", func(m message) bool { return m.State == "reading" && m.Series == nil })
	rd := parser.NewReader(strings.NewReader("gc 1 @0.016s 0%: 0.22+0.32+0.005 ms clock, 0.44+0/0.19/0.27+0.010 ms cpu, 3->3->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n"), "-")
	for rd.Scan() {
		s.Record(rd.Record())
	}
	next("the first cycle", func(m message) bool { return m.Series != nil && len(m.Series.HeapGoal) == 2 })
	s.Finding(analyze.Finding{Rule: "alloc-churn", Severity: analyze.Warning, Process: 1, File: "-", Message: "churn", Start: -1, End: -1})
	next("the finding", func(m message) bool {
		return len(m.Findings) == 1 && m.Findings[0].Finding.Advice != "" && m.Findings[0].Finding.Attribution == ""
	})
	s.Attribution(analyze.Finding{Rule: "alloc-churn", Severity: analyze.Warning, Process: 1, File: "-", Attribution: "97% by (*Dog).Run (bomb/zoo/dog.go:30)", Start: -1, End: -1})
	next("the attribution", func(m message) bool {
		return len(m.Findings) == 1 && strings.Contains(m.Findings[0].Finding.Attribution, "dog.go:30")
	})
	s.Done(&analyze.Report{}, true)
	next("the end", func(m message) bool { return m.State == "interrupted" })
	s.Close()
	for range msgs {
	}
}

// TestStreamIncremental follows a stream while cycles arrive: each message
// sends only the end of the lines, and what the page rebuilds from them
// is the whole history that a page connecting at the end gets.
func TestStreamIncremental(t *testing.T) {
	s := live.New(live.Options{Columns: 40, Interval: 5 * time.Millisecond})
	defer s.Close()
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	msgs, stop := stream(t, ts.URL+"/events")
	defer stop()
	type line = []float64
	var have [6]line
	partial, whole := 0, 0
	got := make(chan int64, 1024)
	go func() {
		defer close(got)
		for m := range msgs {
			sr := m.Series
			if sr == nil {
				continue
			}
			lines := [6]line{sr.HeapUse, sr.HeapLive, sr.HeapGoal, sr.Pause, sr.CPU, sr.Alloc}
			if sr.From == nil {
				whole++
				have = lines
			} else {
				partial++
				for i := range have {
					j := len(have[i])
					for j > 0 && have[i][j-2] >= *sr.From {
						j -= 2
					}
					have[i] = append(have[i][:j], lines[i]...)
				}
			}
			got <- m.Processes[0].Cycles
		}
	}()
	const cycles = 3000
	for i := 1; i <= cycles; i++ {
		line := fmt.Sprintf("gc %d @%.3fs 1%%: 0.050+0.30+0.004 ms clock, 0.10+0.05/0.30/0+0.008 ms cpu, %d->%d->0 MB, 8 MB goal, 0 MB stacks, 0 MB globals, 2 P\n",
			i, float64(i)*0.02, 3+i%4, 4+i%4)
		rd := parser.NewReader(strings.NewReader(line), "-")
		for rd.Scan() {
			s.Record(rd.Record())
		}
		if i%50 == 0 {
			time.Sleep(10 * time.Millisecond) // let the stream send some
		}
	}
	for n := range got {
		if n == cycles {
			break
		}
	}
	end, _ := firstMessage(t, ts.URL+"/events")
	want := [6]line{end.Series.HeapUse, end.Series.HeapLive, end.Series.HeapGoal, end.Series.Pause, end.Series.CPU, end.Series.Alloc}
	for i := range want {
		if fmt.Sprint(have[i]) != fmt.Sprint(want[i]) {
			t.Errorf("line %d: rebuilt %d numbers, the whole history has %d", i, len(have[i]), len(want[i]))
		}
	}
	if partial < 10 || whole < 2 {
		t.Errorf("%d partial and %d whole messages; want many partial ones, and whole ones when the columns widen", partial, whole)
	}
}
