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
	"sync"
	"time"

	"github.com/gctrace/gctrace/engine"
	"github.com/gctrace/gctrace/live"
	"github.com/gctrace/gctrace/metrics"
)

// servers are the outputs served over HTTP: the live page of --http and
// the Prometheus endpoint of --metrics, on one server when both flags
// name the same address.
type servers struct {
	page     *live.Server      // nil without --http
	pageURL  string            //
	exporter *metrics.Exporter // nil without --metrics
	endpoint *metrics.Endpoint
	linger   time.Duration // --metrics-linger

	https []*http.Server
	once  sync.Once
}

// startServers listens on the addresses of lo and mo (mo may be nil: the
// command has no --metrics) and says on w where each output is. inputs is
// how many inputs are read: with several, metrics name the process's
// input. It fails before anything is read or run when an address cannot
// be served.
func startServers(w io.Writer, lo *liveOptions, mo *metricsOptions, inputs int) (*servers, error) {
	s := &servers{}
	if mo != nil && mo.Addr != "" {
		e, err := metrics.New(metrics.Options{Labels: mo.Labels, MaxProcesses: mo.MaxProcesses, QualifyProcess: inputs > 1})
		if err != nil {
			return nil, usagef("--metrics: %v", err)
		}
		s.exporter, s.endpoint, s.linger = e, e.Endpoint(), mo.Linger
	}
	if lo.Addr != "" {
		s.page = live.New(live.Options{})
	}
	shared, err := sameServer(lo, mo)
	if err != nil {
		return nil, err
	}
	switch {
	case shared:
		mux := http.NewServeMux()
		mux.Handle("/metrics", s.endpoint)
		mux.Handle("/", s.page.Handler())
		base, err := s.listen(lo.Addr, mux, "the live page and metrics")
		if err != nil {
			return nil, err
		}
		s.pageURL = base
		fmt.Fprintf(w, "gctrace: live page at %s, metrics at %smetrics\n", base, base)
		return s, nil
	case s.exporter != nil:
		mux := http.NewServeMux()
		mux.Handle("/metrics", s.endpoint)
		base, err := s.listen(mo.Addr, mux, "metrics")
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(w, "gctrace: metrics at %smetrics\n", base)
	}
	if s.page != nil {
		base, err := s.listen(lo.Addr, s.page.Handler(), "the live page")
		if err != nil {
			s.close()
			return nil, err
		}
		s.pageURL = base
		fmt.Fprintf(w, "gctrace: live page at %s\n", base)
	}
	return s, nil
}

// sameServer reports whether --http and --metrics name one server: the
// same address, as typed or as read. The same port on two hosts cannot be
// served twice, which is said before anything runs.
func sameServer(lo *liveOptions, mo *metricsOptions) (bool, error) {
	if lo.Addr == "" || mo == nil || mo.Addr == "" {
		return false, nil
	}
	if mo.Addr == lo.given || mo.Addr == lo.Addr {
		return true, nil
	}
	mhost, mport, err := net.SplitHostPort(mo.Addr)
	if err != nil {
		return false, nil // listening on it says what is wrong
	}
	lhost, lport, _ := net.SplitHostPort(lo.Addr)
	if mport != lport || mport == "0" {
		return false, nil
	}
	if mhost == "" {
		mhost = "every interface"
	}
	return false, usagef("--http %s and --metrics %s ask for port %s on %s and %s: give both the same address to serve the page and /metrics on one server, or use two ports",
		lo.given, mo.Addr, mport, lhost, mhost)
}

// listen serves h on addr and returns the base URL to open.
func (s *servers) listen(addr string, h http.Handler, what string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", &exitStatus{code: exitError, msg: fmt.Sprintf("cannot serve %s on %s: %v", what, addr, unwrapOp(err))}
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	s.https = append(s.https, srv)
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
// final state until Ctrl-C, /metrics waits for its last scrape
// (--metrics-linger), and the servers close.
func (s *servers) finish(w io.Writer) {
	if s.page != nil {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt)
		fmt.Fprintf(w, "gctrace: the input has ended; the live page at %s keeps the final state until Ctrl-C\n", s.pageURL)
		<-sig
		signal.Stop(sig)
	}
	if s.endpoint != nil {
		s.endpoint.AwaitScrape(s.linger)
	}
	s.close()
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
		for _, srv := range s.https {
			if srv.Shutdown(ctx) != nil {
				_ = srv.Close()
			}
		}
	})
}

// shutdownGrace bounds the wait for answers in flight when the servers
// close.
const shutdownGrace = 5 * time.Second
