package plot

import "time"

// The sliding window over which GC CPU and the allocation rate are
// computed. The printed "N%" is cumulative since the process started, so it
// hides a collector that is busy now; a window shows it. The window reaches
// back over the last windowCycles cycles but no further than windowMax, and
// over at least one interval and windowMin of time when it can, because
// start times are truncated to the millisecond and a window of a few
// milliseconds would swing wildly.
const (
	windowCycles = 16
	windowMin    = 10 * time.Millisecond
	windowMax    = time.Second
	ringSize     = 64 // a power of two; bounds the window however dense the cycles
)

// interval is the time between two cycle starts and what happened in it:
// the CPU of the cycle that opened it (its marking runs after its start)
// and the bytes allocated up to the end of the next cycle's marking.
type interval struct {
	dt    int64 // ns
	cpu   int64 // GC CPU of the earlier cycle, ns
	cap   int64 // dt × GOMAXPROCS of the earlier cycle: the CPU there was, ns
	alloc int64 // bytes allocated, H1(N) − H2(N−1), floored at 0
}

// window holds the intervals of the current window, oldest first, in a
// ring, with their sums, so that a cycle costs O(1).
type window struct {
	ring [ringSize]interval
	head int // index of the oldest interval
	n    int
	sum  interval
}

func (w *window) push(iv interval) {
	if w.n == ringSize {
		w.pop()
	}
	w.ring[(w.head+w.n)%ringSize] = iv
	w.n++
	w.sum.dt += iv.dt
	w.sum.cpu += iv.cpu
	w.sum.cap += iv.cap
	w.sum.alloc += iv.alloc
	// Drop the oldest intervals while the window is too long, or long
	// enough without them.
	for w.n > 1 {
		old := &w.ring[w.head]
		if w.sum.dt <= int64(windowMax) && (w.n-1 < windowCycles || w.sum.dt-old.dt < int64(windowMin)) {
			break
		}
		w.pop()
	}
}

func (w *window) pop() {
	old := &w.ring[w.head]
	w.sum.dt -= old.dt
	w.sum.cpu -= old.cpu
	w.sum.cap -= old.cap
	w.sum.alloc -= old.alloc
	w.head = (w.head + 1) % ringSize
	w.n--
}

// rates returns the GC CPU share (0–1) and the allocation rate (bytes/s)
// over the window, and false when it spans no time.
func (w *window) rates() (cpu, alloc float64, ok bool) {
	if w.sum.dt <= 0 || w.sum.cap <= 0 {
		return 0, 0, false
	}
	return float64(w.sum.cpu) / float64(w.sum.cap), float64(w.sum.alloc) / (float64(w.sum.dt) / 1e9), true
}
