package zoo

import (
	"context"
	"time"
)

// Dog churns: all it allocates is garbage at once, the allocs profile's
// exhibit.
type Dog struct {
	log  *logger
	last []byte // the piece in hand, so that pieces live on the heap
}

// Run allocates 16 MiB that is garbage at once, as the walkthrough's dog
// does, but in 32 KiB pieces over about 70 ms. A single 16 MiB buffer is
// zeroed after its own allocation has started the GC, with the allocating
// frame still holding it, and whenever a P is idle the GC marks it live:
// the trace would show the buffer kept in every other cycle, hiding the
// churn. Pieces up to 32 KiB are zeroed before the trigger is checked, and
// the pace, 256 KiB a millisecond, keeps what is allocated while a cycle
// marks (which the runtime keeps for that cycle) to a sliver. Run is not inlined so that the allocs profile
// charges the 16 MiB to (*Dog).Run by name.
//
//go:noinline
func (d *Dog) Run() {
	d.log.printf("dog run")
	for range 64 {
		for range 8 {
			d.last = make([]byte, 32<<10)
		}
		time.Sleep(time.Millisecond)
	}
	d.last = nil
}

func runDog(ctx context.Context, e *env) {
	d := &Dog{log: e.log}
	every(ctx, e.cfg.Interval, d.Run)
}
