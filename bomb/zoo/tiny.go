package zoo

import (
	"context"
	"time"
)

type tinyObj struct{ a [8]uint64 }

// chatter allocates many small objects and keeps only the last 64: a tiny
// live heap under a high allocation rate.
type chatter struct {
	ring [64]*tinyObj
	n    int
}

// say allocates n bytes as 64-byte objects.
//
//go:noinline
func (c *chatter) say(n int) {
	for i := 0; i < n; i += 64 {
		o := new(tinyObj)
		o.a[0] = uint64(i)
		c.ring[c.n%len(c.ring)] = o
		c.n++
	}
}

func runTiny(ctx context.Context, e *env) {
	c := &chatter{}
	lastLog := time.Time{}
	// 320 KiB every 2 ms: 160 MiB/s, forty 4 MB goals a second. Small
	// bursts keep what is allocated while a cycle marks, which the runtime
	// keeps for that cycle, well under 1 MB.
	tick(ctx, 2*time.Millisecond, func() {
		c.say(320 << 10)
		if time.Since(lastLog) >= time.Second {
			lastLog = time.Now()
			e.log.printf("tiny: 160 MiB/s of 64-byte objects, 4 KiB kept")
		}
	})
}
