package zoo

import (
	"net"
	"net/http"
	"net/http/pprof"
	"strconv"
	"time"
)

// loopbackAddr checks that addr names a loopback interface and returns it
// with an empty host or "localhost" made explicit: the profiles tell a lot
// about the process, and bomb is a demo, not a service.
func loopbackAddr(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", configErrorf("pprof address %q: want HOST:PORT or :PORT", addr)
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || (n == 0 && port != "0") {
		return "", configErrorf("pprof address %q: bad port %q", addr, port)
	}
	switch host {
	case "", "localhost":
		host = "127.0.0.1"
	default:
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			return "", configErrorf("pprof address %q is not a loopback address: bomb serves its profiles to this machine only", addr)
		}
	}
	return net.JoinHostPort(host, port), nil
}

// servePprof serves net/http/pprof on addr from a mux of its own, so that a
// program embedding the zoo does not publish whatever else sits on
// http.DefaultServeMux. It returns the server and the index URL.
func servePprof(addr string) (*http.Server, string, error) {
	addr, err := loopbackAddr(addr)
	if err != nil {
		return nil, "", err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return srv, "http://" + ln.Addr().String() + "/debug/pprof/", nil
}
