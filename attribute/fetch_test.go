package attribute

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"github.com/google/pprof/profile"
)

func TestFetchCumulative(t *testing.T) {
	t.Parallel()
	srv := newPprofServer(t, nil)
	new(hog).churn(64)
	runtime.GC()

	for _, url := range []string{srv.URL, srv.URL + "/debug/pprof/", srv.URL + "/debug/pprof/allocs", strings.TrimPrefix(srv.URL, "http://")} {
		p, err := Fetch(context.Background(), mustSource(t, url), FetchOptions{})
		if err != nil {
			t.Fatalf("Fetch(%s): %v", url, err)
		}
		r, err := Rank(p, "", RankOptions{Top: 5})
		if err != nil {
			t.Fatalf("Rank(%s): %v", url, err)
		}
		if r.Sample != AllocSpace || r.Unit != "bytes" || r.Window != 0 {
			t.Errorf("%s: sample %s/%s window %v, want alloc_space/bytes, no window", url, r.Sample, r.Unit, r.Window)
		}
		if len(r.Functions) == 0 || r.Functions[0].Name != churnName {
			t.Errorf("%s: top functions:%s\nwant %s first", url, funcNames(r.Functions), churnName)
		}
	}
}

// checkChurnDelta checks p is an allocation delta over about a second
// whose top function is the churner.
func checkChurnDelta(t *testing.T, p *profile.Profile) {
	t.Helper()
	var types []string
	for _, st := range p.SampleType {
		types = append(types, st.Type)
	}
	if got := strings.Join(types, ","); got != "alloc_objects,alloc_space" {
		t.Errorf("delta columns %s, want alloc_objects,alloc_space", got)
	}
	if d := time.Duration(p.DurationNanos); d < 900*time.Millisecond || d > 10*time.Second {
		t.Errorf("delta covers %v, want about 1s", d)
	}
	r, err := Rank(p, AllocSpace, RankOptions{Top: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Functions) == 0 || r.Functions[0].Name != churnName {
		t.Errorf("top functions:%s\nwant %s first", funcNames(r.Functions), churnName)
	}
	if _, err := Rank(p, InuseSpace, RankOptions{}); !errors.Is(err, ErrWrongKind) {
		t.Errorf("Rank(delta, inuse_space) = %v, want ErrWrongKind", err)
	}
}

func TestFetchDeltaFromServer(t *testing.T) {
	t.Parallel()
	var asked requestLog
	srv := newPprofServer(t, asked.wrap)
	churnDuring(t)
	p, err := Fetch(context.Background(), mustSource(t, srv.URL), FetchOptions{Seconds: 1})
	if err != nil {
		t.Fatal(err)
	}
	checkChurnDelta(t, p)
	if got, want := asked.String(), "[/debug/pprof/allocs?seconds=1]"; got != want {
		t.Errorf("requests %s, want %s (one server-side delta)", got, want)
	}
}

func TestFetchDeltaFallback(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		wrap  func(http.Handler) http.Handler
		force bool
	}{
		{"refused", refuseSeconds, false},
		{"ignored", ignoreSeconds, false},
		{"forced", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var asked requestLog
			srv := newPprofServer(t, func(next http.Handler) http.Handler {
				if tc.wrap != nil {
					next = tc.wrap(next)
				}
				return asked.wrap(next)
			})
			churnDuring(t)
			p, err := Fetch(context.Background(), mustSource(t, srv.URL+"/debug/pprof/allocs?seconds=1"), FetchOptions{ForceSnapshots: tc.force})
			if err != nil {
				t.Fatal(err)
			}
			checkChurnDelta(t, p)
			// The ignored ?seconds answer is reused as the first
			// snapshot; a refused one costs a request.
			want := map[string]int{"refused": 3, "ignored": 2, "forced": 2}[tc.name]
			if asked.Len() != want {
				t.Errorf("requests %s, want %d", asked.String(), want)
			}
		})
	}
}

func TestDelta(t *testing.T) {
	p := readTestProfile(t)
	d, err := Delta(p, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Sample) != 0 {
		t.Errorf("a profile minus itself has %d samples", len(d.Sample))
	}
	if _, err := Rank(d, AllocSpace, RankOptions{}); !errors.Is(err, ErrEmpty) {
		t.Errorf("Rank(empty delta) = %v, want ErrEmpty", err)
	}

	// Half the profile subtracted from the whole leaves the other half.
	half := p.Copy()
	half.Scale(0.5)
	half.TimeNanos = p.TimeNanos - int64(2*time.Second)
	d, err = Delta(half, p)
	if err != nil {
		t.Fatal(err)
	}
	if d.DurationNanos != int64(2*time.Second) {
		t.Errorf("delta covers %v, want 2s", time.Duration(d.DurationNanos))
	}
	whole, _ := Rank(p, AllocSpace, RankOptions{Cutoff: -1})
	rest, err := Rank(d, AllocSpace, RankOptions{Cutoff: -1})
	if err != nil {
		t.Fatal(err)
	}
	if diff := rest.Total - whole.Total/2; diff < -int64(len(p.Sample)) || diff > int64(len(p.Sample)) {
		t.Errorf("delta total %d, want about %d", rest.Total, whole.Total/2)
	}
	if _, err := Rank(d, InuseSpace, RankOptions{}); !errors.Is(err, ErrWrongKind) {
		t.Errorf("Rank(delta, inuse_space) = %v, want ErrWrongKind: a delta keeps the alloc columns only", err)
	}
	if len(p.SampleType) != 4 || len(half.SampleType) != 4 {
		t.Errorf("Delta changed its arguments")
	}

	cpu := &profile.Profile{SampleType: []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}}}
	if _, err := Delta(cpu, cpu); !errors.Is(err, ErrWrongKind) {
		t.Errorf("Delta(cpu) = %v, want ErrWrongKind", err)
	}
}

// TestFetchErrors checks each way a source can fail says so in one
// sentence, with a kind the caller can test.
func TestFetchErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()

	// A port nothing listens on: bind one, then free it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()

	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}))
	t.Cleanup(slow.Close)

	// A web application that answers every path with its page.
	html := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!DOCTYPE html>\n<html><body><h1>Welcome</h1></body></html>\n")
	}))
	t.Cleanup(html.Close)
	// The same page served as a file, with a type sniffed from its name.
	if err := os.WriteFile(filepath.Join(dir, "allocs"), []byte("<html><body>not here</body></html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	files := httptest.NewServer(http.StripPrefix("/debug/pprof/", http.FileServer(http.Dir(dir))))
	t.Cleanup(files.Close)

	noPprof := httptest.NewServer(http.NewServeMux())
	t.Cleanup(noPprof.Close)
	withPprof := newPprofServer(t, nil)

	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "database on fire", http.StatusInternalServerError)
	}))
	t.Cleanup(broken.Close)

	garbage := filepath.Join(dir, "garbage.pb.gz")
	os.WriteFile(garbage, []byte("\x1f\x8b\x08\x00 this is not gzip at all"), 0o644)
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("just some notes\n"), 0o644)
	zero := filepath.Join(dir, "zero.pb.gz")
	os.WriteFile(zero, nil, 0o644)

	for _, tc := range []struct {
		name   string
		source string
		opt    FetchOptions
		kind   error
		says   string
	}{
		{"unreachable", closed, FetchOptions{}, ErrUnreachable, "nothing is listening at 127.0.0.1:"},
		{"timeout", slow.URL, FetchOptions{Timeout: 200 * time.Millisecond}, ErrTimeout, "no answer after"},
		{"html", html.URL, FetchOptions{}, ErrNotProfile, "answered with an HTML page"},
		{"html file", files.URL + "/debug/pprof/allocs", FetchOptions{}, ErrNotProfile, "answered with an HTML page"},
		{"404", noPprof.URL, FetchOptions{}, ErrNotEnabled, `import _ "net/http/pprof"`},
		{"unknown profile", withPprof.URL, FetchOptions{Profile: "nosuch"}, ErrNotEnabled, `no profile named "nosuch"`},
		{"500", broken.URL, FetchOptions{}, ErrStatus, "answered 500 Internal Server Error: database on fire"},
		{"bad gzip", garbage, FetchOptions{}, ErrBadProfile, "not a pprof profile"},
		{"not a profile", text, FetchOptions{}, ErrBadProfile, "not a pprof profile"},
		{"empty file", zero, FetchOptions{}, ErrEmpty, "only cover completed GC cycles"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			_, err := Fetch(context.Background(), mustSource(t, tc.source), tc.opt)
			if !errors.Is(err, tc.kind) {
				t.Fatalf("Fetch(%s) = %v, want %v", tc.source, err, tc.kind)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.says) {
				t.Errorf("error %q does not say %q", msg, tc.says)
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("error %q is more than one line", msg)
			}
			if time.Since(start) > 5*time.Second {
				t.Errorf("took %v to fail", time.Since(start))
			}
		})
	}
}

// TestEmptyProfile checks a real profile with no samples, as a program
// that has not collected yet serves, is ErrEmpty and says why.
func TestEmptyProfile(t *testing.T) {
	p := &profile.Profile{
		SampleType:        []*profile.ValueType{{Type: AllocObjects, Unit: "count"}, {Type: AllocSpace, Unit: "bytes"}, {Type: InuseObjects, Unit: "count"}, {Type: InuseSpace, Unit: "bytes"}},
		DefaultSampleType: InuseSpace,
		PeriodType:        &profile.ValueType{Type: "space", Unit: "bytes"},
		Period:            512 << 10,
	}
	file := filepath.Join(t.TempDir(), "heap.pb.gz")
	var buf bytes.Buffer
	if err := p.Write(&buf); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(file, buf.Bytes(), 0o644)
	q, err := Fetch(context.Background(), mustSource(t, file), FetchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Rank(q, "", RankOptions{})
	if !errors.Is(err, ErrEmpty) || !strings.Contains(err.Error(), "heap and allocs profiles only cover completed GC cycles") {
		t.Errorf("Rank(empty) = %v, want ErrEmpty saying why", err)
	}
	if _, err := List(q, "", nil); err == nil {
		t.Errorf("List with no regexp did not fail")
	}

	q.DurationNanos = int64(3 * time.Second)
	_, err = Rank(q, AllocSpace, RankOptions{})
	if !errors.Is(err, ErrEmpty) || !strings.Contains(err.Error(), "3s window") {
		t.Errorf("Rank(empty delta) = %v, want ErrEmpty naming the window", err)
	}
}

// TestCPUProfile gives a real CPU profile where allocations are wanted.
func TestCPUProfile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "cpu.pb.gz")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		t.Skipf("cannot record a CPU profile here: %v", err)
	}
	deadline := time.Now().Add(100 * time.Millisecond)
	var sum int
	for n := 0; time.Now().Before(deadline); n++ {
		sum += n * n
	}
	runtime.KeepAlive(sum)
	pprof.StopCPUProfile()
	f.Close()

	p, err := Fetch(context.Background(), mustSource(t, file), FetchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, sample := range []string{"", AllocSpace} {
		_, err := Rank(p, sample, RankOptions{})
		if !errors.Is(err, ErrWrongKind) {
			t.Fatalf("Rank(cpu, %q) = %v, want ErrWrongKind", sample, err)
		}
		if !strings.Contains(err.Error(), "a CPU profile with samples samples/count, cpu/nanoseconds") {
			t.Errorf("error %q does not name the kind and columns", err)
		}
	}
	if _, err := Fetch(context.Background(), mustSource(t, file), FetchOptions{Seconds: 5}); err == nil || !strings.Contains(err.Error(), "no window") {
		t.Errorf("Fetch(file, 5s) = %v, want a file-has-no-window error", err)
	}
}

func TestFetchCanceled(t *testing.T) {
	t.Parallel()
	srv := newPprofServer(t, refuseSeconds)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	_, err := Fetch(ctx, mustSource(t, srv.URL), FetchOptions{Seconds: 30})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Fetch canceled = %v, want context.Canceled", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("cancel took %v", time.Since(start))
	}
}
