package metrics

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// Endpoint is the exporter's /metrics handler, which can wait for the next
// scrape: the end of a short run would otherwise fall between two scrapes,
// and its final values would never be stored. It can share a server with
// other handlers (the live page).
type Endpoint struct {
	h http.Handler

	mu      sync.Mutex
	waiting chan struct{} // closed by the first scrape answered once AwaitScrape is called; nil otherwise
}

// Endpoint returns a handler of the exporter's series for a server's
// /metrics.
func (e *Exporter) Endpoint() *Endpoint { return &Endpoint{h: e.Handler()} }

func (p *Endpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	waiting := p.waiting
	p.mu.Unlock()
	p.h.ServeHTTP(w, r)
	if waiting == nil {
		return
	}
	p.mu.Lock()
	if p.waiting == waiting {
		close(waiting)
		p.waiting = nil
	}
	p.mu.Unlock()
}

// AwaitScrape waits until a scrape that began after the call has been
// answered, at most d, or until ctx is done; it reports whether the scrape
// came. Call it once the series hold their final values.
func (p *Endpoint) AwaitScrape(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return false
	}
	p.mu.Lock()
	if p.waiting == nil {
		p.waiting = make(chan struct{})
	}
	waiting := p.waiting
	p.mu.Unlock()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-waiting:
		return true
	case <-t.C:
	case <-ctx.Done():
	}
	return false
}
