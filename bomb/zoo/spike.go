package zoo

import (
	"context"
	"time"
)

// batchJob loads a whole batch into memory at once: the spike. Its load is
// what the allocs profile's alloc_space points at.
type batchJob struct {
	chunks [][]byte
	last   []byte
}

// spikeRate is how fast a batch comes in and goes out: 256 MiB/s, about as
// fast as a collector cycle over the batch keeps up with on two Ps.
const spikeRate = 256 << 20

// load reads size bytes into memory, 1 MiB at a time, and keeps all of it
// until drop.
//
//go:noinline
func (j *batchJob) load(ctx context.Context, size int64) {
	p := newPacer(spikeRate)
	for n := int64(0); n < size && p.wait(ctx, n); n += mib {
		c := make([]byte, mib)
		touch(c)
		j.chunks = append(j.chunks, c)
	}
}

func (j *batchJob) drop() { j.chunks = nil }

// emit writes the results out in 1 MiB buffers that are garbage once
// written, until the runtime has collected the batch or twice its size has
// gone out. Without it the calm traffic after the burst would take minutes
// to fill the doubled goal, and the trace would not show the heap fall back
// within a demo's run.
//
//go:noinline
func (j *batchJob) emit(ctx context.Context, size int64) {
	p := newPacer(spikeRate)
	for n := int64(0); n < 2*size && liveHeap() > size/4 && p.wait(ctx, n); n += mib {
		j.last = make([]byte, mib)
		touch(j.last)
	}
	j.last = nil
}

// idle is the calm traffic between batches: 1.6 MiB/s, a GC every few
// seconds at the 4 MB minimum goal. It reports whether to go on.
func (j *batchJob) idle(ctx context.Context, d time.Duration) bool {
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		j.last = make([]byte, 16<<10)
		touch(j.last)
		if !sleep(ctx, 10*time.Millisecond) {
			return false
		}
	}
	return true
}

func runSpike(ctx context.Context, e *env) {
	size := e.cfg.SpikeMax
	j := &batchJob{}
	for j.idle(ctx, time.Second) {
		e.log.printf("spike: batch job loads %s", formatSize(size))
		j.load(ctx, size)
		j.drop()
		// Logged before emit rather than after: emit ends as a cycle
		// ends, when the runtime is printing that cycle's line in pieces.
		e.log.printf("spike: batch job done, writing results and dropping the batch")
		j.emit(ctx, size)
		if !j.idle(ctx, 2*time.Second) {
			return
		}
	}
}
