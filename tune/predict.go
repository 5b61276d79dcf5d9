package tune

import (
	"math"
	"time"
)

// cpuCap is the share of the CPUs the runtime's GC CPU limiter lets the
// collector take when a memory limit drives it.
const cpuCap = 0.5

// minRunway is the least a cycle lets the program allocate: a goal at the
// live heap (a limit below it) still leaves the next cycle something.
const minRunway = 256 << 10

// Outcome is what a run did, or would do, under one setting.
type Outcome struct {
	Setting Setting
	Cycles  int
	// Span is the time the figures cover; ProcTime is Span × GOMAXPROCS.
	Span, ProcTime time.Duration
	GCCPUTime      time.Duration // GC CPU of all cycles, idle marking excluded
	PeakHeap       int64         // largest heap at a cycle's start or mark end
	// PeakMemory is PeakHeap plus the non-heap memory: what a memory
	// limit counts (for a workload, of the process where it is largest).
	PeakMemory int64
	// LimitPressure is the time the memory limit, not GOGC, set the goal.
	LimitPressure time.Duration
	// CPUCapped counts cycles the GC CPU limiter held back: the limit
	// wanted them sooner than 50% of the CPUs could pay for.
	CPUCapped int
	// LimitExceeded is set when the heap plus non-heap memory went over
	// the limit at some cycle.
	LimitExceeded bool
}

// CyclesPerSecond is the collection rate over the span.
func (o Outcome) CyclesPerSecond() float64 {
	if o.Span <= 0 {
		return 0
	}
	return float64(o.Cycles) / o.Span.Seconds()
}

// GCCPUPercent is GC CPU over the CPUs' time, in percent.
func (o Outcome) GCCPUPercent() float64 {
	if o.ProcTime <= 0 {
		return 0
	}
	return 100 * float64(o.GCCPUTime) / float64(o.ProcTime)
}

// Add sums o and p, for a workload of several processes: cycles, spans
// and CPU add up, the peak heap is the largest.
func (o Outcome) Add(p Outcome) Outcome {
	o.Cycles += p.Cycles
	o.Span += p.Span
	o.ProcTime += p.ProcTime
	o.GCCPUTime += p.GCCPUTime
	o.PeakHeap = max(o.PeakHeap, p.PeakHeap)
	o.PeakMemory = max(o.PeakMemory, p.PeakMemory)
	o.LimitPressure += p.LimitPressure
	o.CPUCapped += p.CPUCapped
	o.LimitExceeded = o.LimitExceeded || p.LimitExceeded
	return o
}

// Measured is the outcome the trace shows, in the terms of Predict.
func (m *Model) Measured() Outcome {
	cs := m.History.Cycles
	o := Outcome{Setting: m.Recorded, Cycles: len(cs), Span: cs[len(cs)-1].End}
	var prev time.Duration
	for _, c := range cs {
		o.GCCPUTime += c.CPU
		o.ProcTime += time.Duration(c.Procs) * (c.End - prev)
		o.PeakHeap = max(o.PeakHeap, c.HeapStart, c.HeapEnd)
		if m.Recorded.MemoryLimit > 0 && c.HeapEnd+m.NonHeap > m.Recorded.MemoryLimit {
			o.LimitExceeded = true
		}
		prev = c.End
	}
	o.PeakMemory = o.PeakHeap + m.NonHeap
	bound, _ := m.limitBound()
	for _, i := range bound {
		o.LimitPressure += cs[i].End - cs[i-1].End
	}
	return o
}

// Resolve replaces the AsRecorded parts of s by the recorded setting.
func (m *Model) Resolve(s Setting) Setting {
	if s.GOGC == AsRecorded {
		s.GOGC = m.Recorded.GOGC
	}
	if s.MemoryLimit == AsRecorded {
		s.MemoryLimit = m.Recorded.MemoryLimit
	}
	return s
}

// Predict replays the recorded run under s.
func (m *Model) Predict(s Setting) Outcome {
	s = m.Resolve(s)
	o := Outcome{Setting: s, Span: m.End}
	var (
		t      time.Duration // end of the last cycle
		a      float64       // bytes allocated by then
		live   float64       // marked live by the last cycle
		roots  = m.rootV[0]
		forced = 0 // next forced cycle
	)
	for {
		gg := gogcGoal(s.GOGC, live, roots, m.History.Roots)
		lg := limitGoal(s.MemoryLimit, m.NonHeap, live)
		goal, pace := gg, m.Pacing[0]
		bound := lg < gg
		if bound {
			goal, pace = lg, m.Pacing[1]
		}
		next, ok := time.Duration(math.MaxInt64), false
		var end, peak float64
		if !math.IsInf(goal, 1) {
			end, peak = pace.heapAt(live, goal)
			next, ok = m.timeAt(a + max(end-live, minRunway))
		}
		for forced < len(m.forced) && m.forced[forced] <= t {
			forced++
		}
		isForced := forced < len(m.forced) && (!ok || m.forced[forced] <= next)
		if isForced {
			next, ok = m.forced[forced], true
			forced++
		}
		if !ok {
			break
		}
		l, r := m.liveAt(m.allocAt(next))
		c := m.cost(l, r)
		if s.MemoryLimit > 0 && bound && !isForced {
			// The limiter: GC CPU over the time since the last cycle stays
			// at or under half the CPUs, so the cycle waits for its share.
			if least := t + time.Duration(float64(c)/(cpuCap*float64(m.procsAt(next)))); next < least {
				next = least
				o.CPUCapped++
				if next > m.End {
					break
				}
				l, r = m.liveAt(m.allocAt(next))
			}
		}
		next = max(next, t)
		if m.allocAt(next) <= a && !isForced && next >= m.End {
			break // nothing more to allocate
		}
		heap := live + m.allocAt(next) - a
		if isForced || heap > end {
			peak = heap // a forced cycle ends where it is; a held-back one past the goal
		} else {
			// The fullest cycles' overshoot, but not past what a limit
			// allows: the runtime aims under the limit whatever GOGC says.
			peak = max(heap, min(peak, lg))
		}
		o.PeakHeap = max(o.PeakHeap, int64(peak))
		if s.MemoryLimit > 0 && int64(peak)+m.NonHeap > s.MemoryLimit {
			o.LimitExceeded = true
		}
		if bound {
			o.LimitPressure += next - t
		}
		o.Cycles++
		o.GCCPUTime += c
		a, t = m.allocAt(next), next
		live, roots = min(l, heap), r
	}
	o.PeakMemory = o.PeakHeap + m.NonHeap
	// The CPUs' time: each recorded cycle's P over its stretch.
	var prev time.Duration
	for i := 1; i < len(m.liveT); i++ {
		o.ProcTime += time.Duration(m.procs[i]) * (m.liveT[i] - prev)
		prev = m.liveT[i]
	}
	o.ProcTime += time.Duration(m.procs[len(m.procs)-1]) * m.Tail
	return o
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
