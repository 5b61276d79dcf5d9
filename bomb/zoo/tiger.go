package zoo

import (
	"context"
	"time"
)

// Tiger burns CPU: it is the CPU profile's exhibit, invisible in the GC trace.
type Tiger struct {
	log   *logger
	meals uint64
}

// Eat spins in an empty loop for about a second of CPU, looking up between
// short stretches so that a cancelled ctx stops it within a millisecond or so.
//
//go:noinline
func (t *Tiger) Eat(ctx context.Context) {
	t.log.printf("tiger eat")
	deadline := time.Now().Add(time.Second)
	for ctx.Err() == nil && time.Now().Before(deadline) {
		n := uint64(0)
		for i := 0; i < 1_000_000; i++ {
			n++
		}
		t.meals += n
	}
}

func runTiger(ctx context.Context, e *env) {
	t := &Tiger{log: e.log}
	every(ctx, e.cfg.Interval, func() { t.Eat(ctx) })
}
