package attribute

import (
	"net/http"
	"net/http/httptest"
	"net/http/pprof"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// hog allocates from functions the tests look for in profiles.
type hog struct{}

var (
	hogSink  atomic.Pointer[[]byte]
	hogMu    sync.Mutex
	hogHoard [][]byte
)

// churn allocates n MiB and drops it.
//
//go:noinline
func (*hog) churn(n int) {
	for i := 0; i < n; i++ {
		b := make([]byte, 1<<20)
		hogSink.Store(&b)
	}
}

// hoard allocates n MiB and keeps it until the test ends.
//
//go:noinline
func (*hog) hoard(n int) {
	hogMu.Lock()
	defer hogMu.Unlock()
	for i := 0; i < n; i++ {
		hogHoard = append(hogHoard, make([]byte, 1<<20))
	}
}

const (
	churnName = "github.com/gctrace/gctrace/attribute.(*hog).churn"
	hoardName = "github.com/gctrace/gctrace/attribute.(*hog).hoard"
)

// churnDuring allocates and collects in the background until the test
// ends, so a window sees both allocations and the GC cycles that publish
// them to the profile.
func churnDuring(t *testing.T) {
	t.Helper()
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var h hog
		for {
			select {
			case <-done:
				return
			default:
			}
			h.churn(16)
			runtime.GC()
			time.Sleep(20 * time.Millisecond)
		}
	}()
	t.Cleanup(func() { close(done); wg.Wait() })
}

// newPprofServer serves the real net/http/pprof handlers on a loopback
// port, on a mux of its own; wrap, if not nil, stands in front of them.
func newPprofServer(t *testing.T, wrap func(http.Handler) http.Handler) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	var h http.Handler = mux
	if wrap != nil {
		h = wrap(mux)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// refuseSeconds answers ?seconds=N as a server without delta support
// does, and passes everything else to the real handlers.
func refuseSeconds(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Has("seconds") {
			http.Error(w, `"seconds" parameter is not supported`, http.StatusBadRequest)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// ignoreSeconds drops ?seconds=N before the real handlers see it, as Go
// before 1.15 (or a proxy rewriting the query) does: the answer is the
// cumulative profile, at once.
func ignoreSeconds(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		q.Del("seconds")
		r.URL.RawQuery = q.Encode()
		next.ServeHTTP(w, r)
	})
}

// requestLog records the requests a server sees.
type requestLog struct {
	mu   sync.Mutex
	uris []string
}

func (l *requestLog) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		l.uris = append(l.uris, r.URL.RequestURI())
		l.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

func (l *requestLog) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.uris)
}

func (l *requestLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return "[" + strings.Join(l.uris, " ") + "]"
}

func mustSource(t *testing.T, s string) Source {
	t.Helper()
	src, err := ParseSource(s)
	if err != nil {
		t.Fatalf("ParseSource(%q): %v", s, err)
	}
	return src
}

func funcNames(fs []Func) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("\n\t" + f.Name)
	}
	return b.String()
}
