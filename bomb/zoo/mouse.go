package zoo

import "context"

const mib = 1 << 20

// Mouse hoards memory and never gives it back: the heap profile's exhibit.
type Mouse struct {
	Max   int64 // bytes to hoard at most; 0 means DefaultMouseMax
	log   *logger
	hoard []*[mib]byte
}

// Steal doubles the hoard, one 1 MiB array at a time, until it reaches Max.
// Growing by doubling rather than all at once spreads the heap's doublings
// over the calls, so the trace shows one per call instead of a burst at start.
//
//go:noinline
func (m *Mouse) Steal(ctx context.Context) {
	m.log.printf("mouse steal")
	limit := m.Max
	if limit <= 0 {
		limit = DefaultMouseMax
	}
	want := max(int64(len(m.hoard))*2*mib, 4*mib)
	want = min(want, limit)
	for int64(len(m.hoard))*mib < want {
		a := new([mib]byte)
		// Touch every page, so that the hoard is real memory, as the
		// walkthrough's copied arrays are, and not untouched zero pages.
		for i := 0; i < len(a); i += 4096 {
			a[i] = 1
		}
		m.hoard = append(m.hoard, a)
		if len(m.hoard)%16 == 0 && ctx.Err() != nil {
			return
		}
	}
}

// Hoard returns the bytes the mouse holds.
func (m *Mouse) Hoard() int64 { return int64(len(m.hoard)) * mib }

func runMouse(ctx context.Context, e *env) {
	m := &Mouse{Max: e.cfg.MouseMax, log: e.log}
	every(ctx, e.cfg.Interval, func() {
		if m.Hoard() < e.cfg.MouseMax {
			m.Steal(ctx)
			if m.Hoard() >= e.cfg.MouseMax {
				e.log.printf("mouse: hoard full at %s, holding it", formatSize(m.Hoard()))
			}
		}
	})
}
