package zoo

import (
	"context"
	"runtime"
	"time"
)

// janitor runs a small job and then collects "to keep memory low": the
// forced GC the runtime would not have needed.
type janitor struct {
	last []byte
	jobs int
}

// job allocates 1 MiB of garbage, too little to reach the 4 MB minimum goal
// by itself: every collection in the trace is one the program asked for.
//
//go:noinline
func (j *janitor) job() {
	for range 16 {
		j.last = make([]byte, 64<<10)
		touch(j.last)
	}
	j.last = nil
	j.jobs++
}

// compact forces a collection.
//
//go:noinline
func (j *janitor) compact() { runtime.GC() }

func runForced(ctx context.Context, e *env) {
	j := &janitor{}
	tick(ctx, 100*time.Millisecond, func() {
		// Log before the job, not after compact: the runtime prints a
		// cycle's line in pieces as the cycle ends, and a line written as
		// runtime.GC returns can land in the middle of it.
		if j.jobs%10 == 0 {
			e.log.printf("forced: runtime.GC() after every job, %d jobs so far", j.jobs)
		}
		j.job()
		j.compact()
	})
}
