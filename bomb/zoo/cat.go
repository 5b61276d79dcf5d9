package zoo

import (
	"context"
	"time"
)

// Cat blocks on channels: the block profile's exhibit.
type Cat struct {
	log *logger
}

// Pee waits 1 s on a channel.
func (c *Cat) Pee(ctx context.Context) {
	c.log.printf("cat pee")
	t := time.NewTimer(time.Second)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

func runCat(ctx context.Context, e *env) {
	c := &Cat{log: e.log}
	every(ctx, e.cfg.Interval, func() { c.Pee(ctx) })
}
