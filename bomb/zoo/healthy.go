package zoo

import (
	"context"
	"time"
)

type entry struct {
	key  uint64
	data []byte
}

// service keeps a fixed working set and turns it over slowly while its
// requests make a modest amount of garbage: what a well-behaved Go service
// looks like to the GC.
type service struct {
	set  []*entry
	next uint64
	last []byte
}

func newService(size int64) *service {
	s := &service{set: make([]*entry, size/(32<<10))}
	for i := range s.set {
		s.set[i] = s.fresh()
	}
	return s
}

func (s *service) fresh() *entry {
	s.next++
	e := &entry{key: s.next, data: make([]byte, 32<<10)}
	touch(e.data)
	return e
}

// serve handles 8 requests of 24 KiB of garbage each and replaces one entry
// of the working set.
//
//go:noinline
func (s *service) serve() {
	for range 8 {
		s.last = make([]byte, 24<<10)
		touch(s.last)
	}
	s.set[s.next%uint64(len(s.set))] = s.fresh()
}

func runHealthy(ctx context.Context, e *env) {
	s := newService(e.cfg.HealthyHeap)
	e.log.printf("healthy: serving from a %s working set", formatSize(e.cfg.HealthyHeap))
	lastLog := time.Now()
	// Every 10 ms: about 22 MiB/s of garbage in all.
	tick(ctx, 10*time.Millisecond, func() {
		s.serve()
		if time.Since(lastLog) >= 5*time.Second {
			lastLog = time.Now()
			e.log.printf("healthy: %d requests served", s.next*8)
		}
	})
}
