package zoo

import (
	"context"
	"runtime/debug"
	"time"
)

// record is a cached row. It holds a pointer so that the GC must scan the
// rows, which is what makes each of the ever more frequent cycles cost CPU.
type record struct {
	next *record
	pad  [3]uint64
}

// rowStore grows towards the memory limit: the heap profile's inuse_space
// shows it filling the limit.
type rowStore struct {
	pages [][]record
	bytes int64
	last  []byte
}

const pageRows = (256 << 10) / 32 // 256 KiB of records per page

// add keeps one more page of rows.
//
//go:noinline
func (s *rowStore) add() {
	p := make([]record, pageRows)
	for i := 1; i < len(p); i++ {
		p[i].next = &p[i-1]
	}
	s.pages = append(s.pages, p)
	s.bytes += 256 << 10
}

// churn allocates n bytes of request garbage.
//
//go:noinline
func (s *rowStore) churn(n int) {
	for i := 0; i < n; i += 64 << 10 {
		s.last = make([]byte, 64<<10)
		touch(s.last)
	}
}

func runLimit(ctx context.Context, e *env) {
	limit := e.cfg.Limit
	prev := debug.SetMemoryLimit(limit)
	defer debug.SetMemoryLimit(prev)
	e.log.printf("limit: debug.SetMemoryLimit(%s)", formatSize(limit))

	s := &rowStore{}
	start := time.Now()
	lastLog := start
	// The live set starts at half the limit, where the limit begins to bind
	// with GOGC=100, and climbs over 4 s to 85% of it less 8 MiB: the rest
	// is the runtime's own overhead (stacks, metadata, fragmentation), and
	// with no room left at all the GC CPU limiter would take over. Churn is
	// the limit's worth every second, so that GCs come faster as the room
	// between the live set and the flat goal shrinks.
	low, high := float64(limit)/2, 0.85*float64(limit)-8*mib
	tick(ctx, 10*time.Millisecond, func() {
		f := min(time.Since(start).Seconds()/4, 1)
		for s.bytes < int64(low+f*(high-low)) {
			s.add()
		}
		s.churn(int(limit / 100))
		if time.Since(lastLog) >= time.Second {
			lastLog = time.Now()
			e.log.printf("limit: live rows %d MiB of a %s limit", s.bytes>>20, formatSize(limit))
		}
	})
}
