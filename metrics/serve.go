package metrics

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// Serve serves the exporter's series on ln at /metrics until stop is
// called. With linger above 0, stop first waits for one more scrape, at
// most linger, so that the last scrape holds the final values (the end of
// a short run would otherwise fall between two scrapes).
func (e *Exporter) Serve(ln net.Listener, linger time.Duration) (stop func()) {
	var (
		mu      sync.Mutex
		ending  bool
		scraped = make(chan struct{})
	)
	h := e.Handler()
	mux := http.NewServeMux()
	mux.HandleFunc("/metrics", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		final := ending
		mu.Unlock()
		h.ServeHTTP(w, r)
		if final {
			mu.Lock()
			if ending {
				ending = false
				close(scraped)
			}
			mu.Unlock()
		}
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return func() {
		if linger > 0 {
			mu.Lock()
			ending = true
			mu.Unlock()
			select {
			case <-scraped:
			case <-time.After(linger):
			}
		}
		_ = srv.Close()
	}
}
