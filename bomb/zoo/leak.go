package zoo

import (
	"context"
	"time"
)

// sessionCache keeps a copy of every session it is shown and never evicts:
// the leak. It is what the heap profile's inuse_space points at.
type sessionCache struct {
	m     map[uint64][]byte
	bytes int64
	max   int64
}

// remember caches v under id; past max it stops, so that the leak is bounded.
//
//go:noinline
func (c *sessionCache) remember(id uint64, v []byte) {
	if c.bytes+int64(len(v)) > c.max {
		return
	}
	kept := make([]byte, len(v))
	copy(kept, v)
	c.m[id] = kept
	c.bytes += int64(len(kept))
}

type leakyServer struct {
	cache *sessionCache
	next  uint64
	last  []byte // the last response, so that responses live on the heap
}

// serve handles one request: a 64 KiB response that is garbage once sent,
// of which the cache keeps the first 8 KiB forever.
//
//go:noinline
func (s *leakyServer) serve() {
	resp := make([]byte, 64<<10)
	touch(resp)
	s.next++
	s.cache.remember(s.next, resp[:8<<10])
	s.last = resp
}

func runLeak(ctx context.Context, e *env) {
	s := &leakyServer{cache: &sessionCache{m: map[uint64][]byte{}, max: e.cfg.LeakMax}}
	full := false
	lastLog := time.Now()
	// 5 requests every 10 ms: 32 MiB/s of garbage, 4 MiB/s kept.
	tick(ctx, 10*time.Millisecond, func() {
		for range 5 {
			s.serve()
		}
		if time.Since(lastLog) >= time.Second {
			lastLog = time.Now()
			e.log.printf("leak: session cache holds %d MiB in %d sessions, never evicted", s.cache.bytes>>20, len(s.cache.m))
		}
		if !full && s.cache.bytes+8<<10 > s.cache.max {
			full = true
			e.log.printf("leak: session cache reached --leak-max %s, no longer growing", formatSize(s.cache.max))
		}
	})
}
