package compare

import (
	"sort"
	"time"
)

// window is one stretch of a process's clock: the cycles that started in
// it, summed.
type window struct {
	d                    time.Duration
	cycles               int
	cpu, assist, bg, cap int64   // ns; cap is the window's length times P
	alloc                float64 // MiB
}

func (w *window) rate() float64       { return float64(w.cycles) / w.d.Seconds() }
func (w *window) cpuPercent() float64 { return float64(w.cpu) / float64(w.cap) * 100 }
func (w *window) allocRate() float64  { return w.alloc / w.d.Seconds() }

// assistPercent is the assist share of the window's marking; -1 (no
// sample) for a window without marking.
func (w *window) assistPercent() float64 {
	if w.assist+w.bg == 0 {
		return -1
	}
	return float64(w.assist) / float64(w.assist+w.bg) * 100
}

// windowFor chooses the length of the rates' windows for a pair: want,
// shortened so that the shorter run holds five (a test binary may run for
// a second), then lengthened to two of the slower side's median cycle
// intervals, so that a window holds cycles to count even where the GC runs
// once a second or less. 0 when a side has no timestamps.
func windowFor(o, n *Process, want time.Duration) time.Duration {
	w := want
	for _, p := range []*Process{o, n} {
		if s := span(p.cycles); s >= 0 {
			w = min(w, s/5)
		}
	}
	for _, p := range []*Process{o, n} {
		iv := medianInterval(p.cycles)
		if iv < 0 {
			return 0
		}
		w = max(w, 2*iv)
	}
	// Rounded up, so that it prints plainly.
	r := 100 * time.Millisecond
	if w < time.Second {
		r = 10 * time.Millisecond
	}
	return max((w+r-1)/r*r, r)
}

// span is the time from the first cycle's start to the last's; -1 without
// timestamps.
func span(cs []cycle) time.Duration {
	if len(cs) == 0 || cs[0].t < 0 || cs[len(cs)-1].t < 0 {
		return -1
	}
	return time.Duration(cs[len(cs)-1].t - cs[0].t)
}

// medianInterval is the median time from one cycle's start to the next;
// -1 without timestamps, 0 with fewer than two cycles.
func medianInterval(cs []cycle) time.Duration {
	var iv []int64
	for i := 1; i < len(cs); i++ {
		if cs[i].t < 0 || cs[i-1].t < 0 {
			return -1
		}
		iv = append(iv, cs[i].t-cs[i-1].t)
	}
	if len(cs) > 0 && cs[0].t < 0 {
		return -1
	}
	if len(iv) == 0 {
		return 0
	}
	sort.Slice(iv, func(i, j int) bool { return iv[i] < iv[j] })
	return time.Duration(iv[len(iv)/2])
}

// windows cuts a process's run into windows of d from its first cycle's
// start; the last, unfinished one (after the last cycle's start) is left
// out, as it would read low.
func windows(p *Process, d time.Duration) []window {
	cs := p.cycles
	if d <= 0 || len(cs) == 0 || cs[0].t < 0 {
		return nil
	}
	t0, end := cs[0].t, cs[len(cs)-1].t
	n := int((end - t0) / int64(d))
	if n <= 0 {
		return nil
	}
	ws := make([]window, n)
	procs := cs[0].procs
	for i := range ws {
		ws[i].d = d
		ws[i].cap = int64(d) * int64(procs)
	}
	for i := range cs {
		c := &cs[i]
		k := int((c.t - t0) / int64(d))
		if c.t < 0 || k < 0 || k >= n {
			continue
		}
		w := &ws[k]
		if w.cycles == 0 {
			w.cap = int64(d) * int64(c.procs)
		}
		w.cycles++
		w.cpu += c.cpu
		w.assist += c.assist
		w.bg += c.bg
		if c.alloc > 0 {
			w.alloc += c.alloc
		}
	}
	// A window without a cycle runs at the P of the one before.
	for i := 1; i < n; i++ {
		if ws[i].cycles == 0 {
			ws[i].cap = ws[i-1].cap
		}
	}
	return ws
}
