package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gctrace/gctrace/engine"
	"github.com/gctrace/gctrace/live"
	"github.com/gctrace/gctrace/metrics"
)

// servers are the outputs served over HTTP: the live page of --http and
// the Prometheus endpoint of --metrics. The page's server serves /metrics
// too, and is the only server when both flags name the same address.
type servers struct {
	page       *live.Server      // nil without --http
	pageURL    string            // where the page is
	exporter   *metrics.Exporter // nil without --metrics
	endpoint   *metrics.Endpoint
	metricsURL string
	linger     time.Duration // --metrics-linger

	srvs []*http.Server
	lns  []net.Listener // closed by close too, in case a Serve has not begun
	once sync.Once
}

// startServers listens on the addresses of lo and mo and says on w where
// each output is. inputs is how many inputs are read: with several, the
// metrics' process label names the input. It fails before anything is
// read or run when an address cannot be served, leaving nothing open.
func startServers(w io.Writer, lo *liveOptions, mo *metricsOptions, inputs int) (*servers, error) {
	shared, err := sameServer(lo, mo)
	if err != nil {
		return nil, err
	}
	s := &servers{}
	if mo.Addr != "" {
		e, err := metrics.New(metrics.Options{Labels: mo.Labels, MaxProcesses: mo.MaxProcesses, QualifyProcess: inputs > 1})
		if err != nil {
			return nil, usagef("--metrics: %v", err)
		}
		s.exporter, s.endpoint, s.linger = e, e.Endpoint(), mo.Linger
	}
	if s.exporter != nil && !shared {
		base, err := s.listen(mo.Addr, s.withMetrics(nil), "metrics")
		if err != nil {
			return nil, err
		}
		s.metricsURL = base + "metrics"
		fmt.Fprintf(w, "gctrace: metrics at %s\n", s.metricsURL)
	}
	if lo.Addr == "" {
		return s, nil
	}
	s.page = live.New(live.Options{})
	what := "the live page"
	if shared {
		what += " and metrics"
	}
	base, err := s.listen(lo.Addr, s.withMetrics(s.page.Handler()), what)
	if err != nil {
		s.close()
		return nil, err
	}
	s.pageURL = base
	if s.exporter == nil {
		fmt.Fprintf(w, "gctrace: live page at %s\n", base)
		return s, nil
	}
	if shared {
		s.metricsURL = base + "metrics"
	}
	fmt.Fprintf(w, "gctrace: live page at %s, metrics at %smetrics\n", base, base)
	return s, nil
}

// withMetrics adds /metrics to h, when --metrics is given; h may be nil.
func (s *servers) withMetrics(h http.Handler) http.Handler {
	if s.endpoint == nil {
		return h
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", s.endpoint)
	if h != nil {
		mux.Handle("/", h)
	}
	return mux
}

// sameServer reports whether --http and --metrics name one server: the
// same address once read (a missing host is loopback for --http, every
// interface for --metrics). One port asked for on every interface and on
// one address cannot be served twice: that is said before anything runs,
// with the two ways out.
func sameServer(lo *liveOptions, mo *metricsOptions) (bool, error) {
	if lo.Addr == "" || mo.Addr == "" {
		return false, nil
	}
	if mo.Addr == lo.Addr {
		return true, nil
	}
	mhost, mport, err := net.SplitHostPort(mo.Addr)
	if err != nil {
		return false, nil // listening on it says what is wrong
	}
	lhost, lport, _ := net.SplitHostPort(lo.Addr)
	if mport != lport || mport == "0" || (!wildcard(mhost) && !wildcard(lhost)) {
		return false, nil
	}
	return false, usagef("--http %s and --metrics %s both ask for port %s, one of them on every interface: to serve the page and /metrics on one server give both %s (this machine only) or 0.0.0.0:%s (the network), or give them two ports",
		lo.given, mo.Addr, mport, net.JoinHostPort("127.0.0.1", mport), mport)
}

// wildcard reports whether a listening host means every interface.
func wildcard(host string) bool {
	return host == "" || host == "0.0.0.0" || host == "::"
}

// listen serves h on addr and returns the base URL to open.
func (s *servers) listen(addr string, h http.Handler, what string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", &exitStatus{code: exitError, msg: fmt.Sprintf("cannot serve %s on %s: %v", what, addr, unwrapOp(err))}
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	s.srvs = append(s.srvs, srv)
	s.lns = append(s.lns, ln)
	go func() { _ = srv.Serve(ln) }()
	return baseURL(ln.Addr().(*net.TCPAddr)), nil
}

// baseURL is the address to open: an unspecified host (every interface)
// is reached on loopback.
func baseURL(a *net.TCPAddr) string {
	host := a.IP.String()
	if a.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(a.Port)) + "/"
}

// subscribe makes the served outputs subscribers of the engine.
func (s *servers) subscribe(eng *engine.Engine) {
	if s.exporter != nil {
		eng.Subscribe(s.exporter)
	}
	if s.page != nil {
		eng.Subscribe(s.page)
	}
}

// finish is called once the report is written: the live page keeps the
// final state until Ctrl-C (or SIGTERM), and /metrics waits for the
// scrape that stores the final values (--metrics-linger, counted from
// now), which Ctrl-C ends too. Then the servers close. Signal handlers the
// command still has do not matter: a signal goes to every one.
func (s *servers) finish(w io.Writer) {
	defer s.close()
	lingering := s.endpoint != nil && s.linger > 0
	if s.page == nil && !lingering {
		return
	}
	// Listen for signals before saying that Ctrl-C ends the wait.
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sig)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	scraped := make(chan struct{})
	if lingering {
		go func() {
			defer close(scraped)
			s.endpoint.AwaitScrape(ctx, s.linger)
		}()
	}
	deadline := time.Now().Add(s.linger)
	if s.page != nil {
		fmt.Fprintf(w, "gctrace: the input has ended; the live page at %s keeps the final state until Ctrl-C\n", s.pageURL)
		<-sig
	}
	if !lingering {
		return
	}
	select {
	case <-scraped:
		return
	default:
	}
	fmt.Fprintf(w, "gctrace: waiting up to %s for Prometheus to scrape the final values at %s (Ctrl-C ends the wait)\n",
		shortDuration(time.Until(deadline)), s.metricsURL)
	select {
	case <-sig:
	case <-scraped:
	}
}

// shortDuration prints d to the second, without zero minutes or seconds
// ("1m", not "1m0s").
func shortDuration(d time.Duration) string {
	s := max(d, 0).Round(time.Second).String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// close ends the pages' streams, then the servers once the answers in
// flight are written: closing at once could cut off the final scrape
// that --metrics-linger waited for, which Prometheus would then count as
// failed, marking every series stale.
func (s *servers) close() {
	s.once.Do(func() {
		if s.page != nil {
			s.page.Close()
		}
		ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		for _, srv := range s.srvs {
			if srv.Shutdown(ctx) != nil {
				_ = srv.Close()
			}
		}
		for _, ln := range s.lns {
			_ = ln.Close()
		}
	})
}

// shutdownGrace bounds the wait for answers in flight when the servers
// close; a connection that has sent no request yet (a browser's
// preconnect) would otherwise hold the exit for seconds.
const shutdownGrace = time.Second
