package tune

import (
	"errors"
	"math"
	"slices"
	"sort"
	"time"
)

const mib = 1 << 20

// DefaultOverhead is the non-heap memory the model adds to the printed
// stacks and globals when the trace cannot tell it: the runtime's own
// metadata and span fragmentation of a small Go program, as a 128 MiB
// limit leaves it (the bomb's limit scenario: goals of 118-119 MB).
const DefaultOverhead = 6 * mib

// heapMinimum is the runtime's minimum heap goal at GOGC=100.
const heapMinimum = 4 * mib

// Options say what the trace cannot: the setting it was recorded under and
// the non-heap memory. Zero values mean "infer from the trace".
type Options struct {
	// RecordedGOGC is the GOGC of the recorded run; with RecordedGOGCSet
	// false it is read from the goals (100 unless they clearly say
	// otherwise).
	RecordedGOGC    int
	RecordedGOGCSet bool
	// RecordedLimit is the recorded run's memory limit in bytes; 0 infers
	// one when the goals sit flat below what GOGC gives.
	RecordedLimit int64
	// NonHeap is the memory the limit counts beyond the heap, in bytes;
	// 0 estimates it.
	NonHeap int64
}

// Model is a recorded run fitted for replay.
type Model struct {
	History *History

	// Recorded is the setting the run was recorded under, as given or
	// inferred (GOGCInferred, LimitInferred say which).
	Recorded      Setting
	GOGCInferred  bool
	LimitInferred bool
	// LimitBound counts the recorded cycles whose goal the memory limit
	// set rather than GOGC.
	LimitBound int
	// NonHeap is the non-heap memory the model counts against a limit;
	// NonHeapMeasured says it came from a known limit and the goals it left.
	NonHeap         int64
	NonHeapMeasured bool

	// Pacing is what the recorded cycles say of the pacer, when GOGC set
	// the goal ([0]) and when the limit did ([1]).
	Pacing [2]Pacing
	// CostBase and CostPerMiB are the GC CPU of a cycle: CostBase plus
	// CostPerMiB per MiB of live heap and roots marked.
	CostBase, CostPerMiB time.Duration

	// End is the span replayed: to the last cycle's end, plus the half
	// cycle's allocation the process is assumed to have run on after it (Tail).
	End, Tail time.Duration

	allocT []time.Duration // cumulative allocation, piecewise linear
	allocV []float64
	liveT  []time.Duration // each cycle's end, after a point at 0
	liveA  []float64       // bytes allocated by then
	liveV  []float64
	rootV  []float64
	procs  []int // GOMAXPROCS of each cycle, by index into liveT
	forced []time.Duration
}

// ErrNoCycles is returned for a process the model has no cycle of.
var ErrNoCycles = errors.New("no GC cycle of the concurrent collector (Go 1.5+) to replay")

// Fit prepares h for replay.
func Fit(h *History, opts Options) (*Model, error) {
	cs := h.Cycles
	if len(cs) == 0 {
		return nil, ErrNoCycles
	}
	m := &Model{History: h}
	m.Recorded.GOGC, m.GOGCInferred = opts.RecordedGOGC, false
	if !opts.RecordedGOGCSet {
		m.Recorded.GOGC, m.GOGCInferred = inferGOGC(h), true
	}
	bound, capGoal := m.limitBound()
	m.LimitBound = len(bound)
	switch {
	case opts.NonHeap > 0:
		m.NonHeap = opts.NonHeap
	case opts.RecordedLimit > 0 && capGoal > 0:
		m.NonHeap = max(opts.RecordedLimit-limitSpan(capGoal), 0)
		m.NonHeapMeasured = true
	default:
		var roots int64
		for _, c := range cs {
			roots = max(roots, c.Roots)
		}
		m.NonHeap = roots + DefaultOverhead
	}
	switch {
	case opts.RecordedLimit > 0:
		m.Recorded.MemoryLimit = opts.RecordedLimit
	case capGoal > 0:
		// Whole MiB: the goals it is read from are.
		m.Recorded.MemoryLimit = (limitSpan(capGoal) + m.NonHeap + mib/2) &^ (mib - 1)
		m.LimitInferred = true
	}
	m.fitPacing(bound)
	m.fitCost()
	m.buildSeries()
	return m, nil
}

// limitSpan inverts the runtime's headroom: the limit less non-heap memory
// that leaves a goal of goal.
func limitSpan(goal int64) int64 {
	if goal*3/97 < mib {
		return goal + mib
	}
	return int64(math.Round(float64(goal) / 0.97))
}

// gogcGoal is the goal GOGC alone sets after a cycle that marked live
// bytes with roots, or +Inf for GOGC=off.
func gogcGoal(gogc int, live, roots float64, withRoots bool) float64 {
	if gogc == Off {
		return math.Inf(1)
	}
	g := float64(gogc) / 100
	goal := live * (1 + g)
	if withRoots {
		goal = live + (live+roots)*g
	}
	return max(goal, heapMinimum*g)
}

// limitGoal is the goal a memory limit sets, as the runtime's
// memoryLimitHeapGoal computes it, or +Inf without a limit.
func limitGoal(limit, nonHeap int64, live float64) float64 {
	if limit <= 0 {
		return math.Inf(1)
	}
	span := float64(limit - nonHeap)
	if span <= 0 {
		return live
	}
	headroom := max(span*0.03, mib)
	goal := headroom
	if span-headroom >= headroom {
		goal = span - headroom
	}
	return max(goal, live)
}

// inferGOGC reads the recorded GOGC from the goals: the largest effective
// GOGC of cycles that followed a live heap large enough for the MiB
// truncation not to matter. It says 100 unless that is clearly off.
func inferGOGC(h *History) int {
	var best float64
	for _, floor := range []int64{16 * mib, 8 * mib} {
		for i := 1; i < len(h.Cycles); i++ {
			prev, c := h.Cycles[i-1], h.Cycles[i]
			if c.Forced || prev.HeapLive < floor || c.Goal <= prev.HeapLive {
				continue
			}
			base := float64(prev.HeapLive)
			if h.Roots {
				base += float64(prev.Roots)
			}
			best = max(best, float64(c.Goal-prev.HeapLive)/base*100)
		}
		if best > 0 {
			break
		}
	}
	if best == 0 || (best >= 80 && best <= 125) {
		return 100
	}
	// Two significant digits: the truncated sizes allow no more.
	p := math.Pow(10, math.Floor(math.Log10(best))-1)
	return int(math.Round(best/p) * p)
}

// limitBound returns the indices of the recorded cycles whose goal sits
// well below what the recorded GOGC gives, and their median goal, when
// they are enough to say a memory limit bound the run.
func (m *Model) limitBound() ([]int, int64) {
	cs := m.History.Cycles
	var idx []int
	var goals []int64
	eligible := 0
	for i := 1; i < len(cs); i++ {
		prev, c := cs[i-1], cs[i]
		if c.Forced {
			continue
		}
		want := gogcGoal(m.Recorded.GOGC, float64(prev.HeapLive), float64(prev.Roots), m.History.Roots)
		if want < 16*mib {
			continue
		}
		eligible++
		if float64(c.Goal) < 0.9*want {
			idx = append(idx, i)
			goals = append(goals, c.Goal)
		}
	}
	if len(idx) < 3 || len(idx)*4 < eligible {
		return nil, 0
	}
	slices.Sort(goals)
	return idx, goals[len(goals)/2]
}

// Pacing is how the recorded cycles ended against their goals.
type Pacing struct {
	// Slack is the median of goal − H1: how far under its goal a cycle
	// finished marking (negative: over it). PeakSlack is the 10th
	// percentile, the fullest cycles.
	Slack, PeakSlack float64
	// MarkAlloc is the mean of H1 − H0: what the program allocated while
	// a cycle marked.
	MarkAlloc float64
}

// The runtime's bounds on the trigger, as shares of goal − live
// (mgcpacer.go: minTriggerRatioNum/64 and maxTriggerRatioNum/64), and the
// distance below the goal a large heap may trigger at regardless.
const (
	minTrigger     = 45.0 / 64
	maxTrigger     = 61.0 / 64
	triggerMaxDist = heapMinimum
)

// heapAt is the heap at the mark end of a cycle that follows live bytes
// marked under goal: the runtime triggers the slack and the marking's
// allocation below the goal, within its bounds, and the cycle allocates
// that allocation while it marks. peak is the same for the fullest cycles.
func (p Pacing) heapAt(live, goal float64) (end, peak float64) {
	room := goal - live
	if room <= 0 {
		return live + p.MarkAlloc, live + p.MarkAlloc
	}
	hi := live + maxTrigger*room
	if goal > heapMinimum {
		hi = max(hi, goal-triggerMaxDist)
	}
	trigger := min(max(goal-p.Slack-p.MarkAlloc, live+minTrigger*room), hi)
	end = trigger + p.MarkAlloc
	return end, end + max(p.Slack-p.PeakSlack, 0)
}

// fitPacing measures how the recorded cycles ended against their goals,
// apart for those the limit bound.
func (m *Model) fitPacing(bound []int) {
	cs := m.History.Cycles
	isBound := make(map[int]bool, len(bound))
	for _, i := range bound {
		isBound[i] = true
	}
	var slack [2][]float64
	var markAlloc [2]float64
	for i, c := range cs {
		if c.Forced {
			continue
		}
		k := b2i(isBound[i])
		slack[k] = append(slack[k], float64(c.Goal-c.HeapEnd))
		markAlloc[k] += float64(max(c.HeapEnd-c.HeapStart, 0))
	}
	for k := range m.Pacing {
		if len(slack[k]) == 0 {
			continue
		}
		r := slack[k]
		slices.Sort(r)
		p := Pacing{Slack: r[len(r)/2], PeakSlack: r[len(r)/10], MarkAlloc: markAlloc[k] / float64(len(r))}
		// A slack within the trace's resolution is the truncation, not
		// the pacer: it leaves the trigger to the runtime's own bound.
		if math.Abs(p.Slack) <= halfMiB {
			p.PeakSlack -= p.Slack
			p.Slack = 0
		}
		m.Pacing[k] = p
	}
	switch {
	case len(slack[0]) == 0:
		m.Pacing[0] = m.Pacing[1]
	case len(slack[1]) == 0:
		m.Pacing[1] = m.Pacing[0]
	}
}

// fitCost regresses the GC CPU of each cycle on the live heap and roots it
// marked. Where the live heap hardly varies, or the fit makes no physical
// sense, the cost is the mean, or proportional to the bytes marked.
func (m *Model) fitCost() {
	cs := m.History.Cycles
	n := float64(len(cs))
	var sx, sy, sxx, sxy float64
	for _, c := range cs {
		x := float64(c.HeapLive+c.Roots) / mib
		y := float64(c.CPU)
		sx += x
		sy += y
		sxx += x * x
		sxy += x * y
	}
	mx, my := sx/n, sy/n
	varx := sxx/n - mx*mx
	base, slope := my, 0.0
	if len(cs) >= 3 && varx >= 1 {
		slope = (sxy/n - mx*my) / varx
		base = my - slope*mx
		switch {
		case slope < 0:
			base, slope = my, 0
		case base < 0:
			base, slope = 0, sxy/sxx
		}
	}
	m.CostBase, m.CostPerMiB = time.Duration(base), time.Duration(slope)
}

// cost is the predicted GC CPU of a cycle marking live bytes and roots.
func (m *Model) cost(live, roots float64) time.Duration {
	return m.CostBase + time.Duration(float64(m.CostPerMiB)*(live+roots)/mib)
}

// buildSeries lays out the recorded allocation, live heap and roots over
// time, and the tail after the last cycle.
func (m *Model) buildSeries() {
	cs := m.History.Cycles
	m.allocT, m.allocV = []time.Duration{0}, []float64{0}
	m.liveT, m.liveA, m.liveV = []time.Duration{0}, []float64{0}, []float64{0}
	m.rootV, m.procs = []float64{float64(cs[0].Roots)}, []int{cs[0].Procs}
	var a float64
	var t time.Duration
	for i, c := range cs {
		if i == 0 {
			a = float64(c.HeapStart)
		} else {
			a += float64(max(c.HeapStart-cs[i-1].HeapLive, 0))
		}
		t = max(t, c.Start)
		m.allocT, m.allocV = append(m.allocT, t), append(m.allocV, a)
		a += float64(max(c.HeapEnd-c.HeapStart, 0))
		t = max(t, c.End)
		m.allocT, m.allocV = append(m.allocT, t), append(m.allocV, a)
		m.liveT, m.liveA = append(m.liveT, t), append(m.liveA, a)
		m.liveV = append(m.liveV, float64(c.HeapLive))
		m.rootV = append(m.rootV, float64(c.Roots))
		m.procs = append(m.procs, c.Procs)
		if c.Forced {
			m.forced = append(m.forced, t)
		}
	}
	m.End = t
	// The tail: half what the recorded pacer let the program allocate
	// after the last cycle, at the allocation rate of the last cycle.
	last := cs[len(cs)-1]
	goal := min(gogcGoal(m.Recorded.GOGC, float64(last.HeapLive), float64(last.Roots), m.History.Roots),
		limitGoal(m.Recorded.MemoryLimit, m.NonHeap, float64(last.HeapLive)))
	if math.IsInf(goal, 1) {
		return
	}
	from := 0
	if len(cs) > 1 {
		from = len(m.allocT) - 3 // the end of the cycle before the last
	}
	da := m.allocV[len(m.allocV)-1] - m.allocV[from]
	dt := m.allocT[len(m.allocT)-1] - m.allocT[from]
	end, _ := m.Pacing[0].heapAt(float64(last.HeapLive), goal)
	tail := 0.5 * (end - float64(last.HeapLive))
	if da <= 0 || dt <= 0 || tail <= 0 {
		return
	}
	m.Tail = time.Duration(tail / da * float64(dt))
	m.End += m.Tail
	m.allocT, m.allocV = append(m.allocT, m.End), append(m.allocV, a+tail)
}

// allocAt is the bytes allocated by time t.
func (m *Model) allocAt(t time.Duration) float64 { return interp(m.allocT, m.allocV, t) }

// timeAt is the first time by which a bytes had been allocated, or false
// when the replayed span ends before.
func (m *Model) timeAt(a float64) (time.Duration, bool) {
	v := m.allocV
	i, _ := slices.BinarySearch(v, a)
	if i == len(v) {
		return 0, false
	}
	if i == 0 || v[i] == v[i-1] {
		return m.allocT[i], true
	}
	f := (a - v[i-1]) / (v[i] - v[i-1])
	return m.allocT[i-1] + time.Duration(f*float64(m.allocT[i]-m.allocT[i-1])), true
}

// liveAt is the live heap and roots once a bytes have been allocated.
// Between two cycles it moves with allocation, not time: what a leak or a
// load keeps is a share of what it allocates, and an idle program keeps
// what it had. Before the first cycle it rises from nothing; after the
// last it stays.
func (m *Model) liveAt(a float64) (live, roots float64) {
	i, _ := slices.BinarySearch(m.liveA, a)
	switch {
	case i == 0:
		return m.liveV[0], m.rootV[0]
	case i == len(m.liveA):
		return m.liveV[i-1], m.rootV[i-1]
	}
	f := 1.0
	if d := m.liveA[i] - m.liveA[i-1]; d > 0 {
		f = (a - m.liveA[i-1]) / d
	}
	return m.liveV[i-1] + f*(m.liveV[i]-m.liveV[i-1]), m.rootV[i-1] + f*(m.rootV[i]-m.rootV[i-1])
}

// procsAt is GOMAXPROCS at time t.
func (m *Model) procsAt(t time.Duration) int {
	i, _ := slices.BinarySearch(m.liveT, t)
	return m.procs[min(i, len(m.procs)-1)]
}

// interp reads the piecewise-linear function through (ts, vs) at t, flat
// beyond its ends. ts is sorted; where it steps (equal times), interp
// takes the value after the step, so that time moves on from it.
func interp(ts []time.Duration, vs []float64, t time.Duration) float64 {
	i := sort.Search(len(ts), func(i int) bool { return ts[i] > t })
	switch {
	case i == 0:
		return vs[0]
	case i == len(ts):
		return vs[len(vs)-1]
	}
	f := float64(t-ts[i-1]) / float64(ts[i]-ts[i-1])
	return vs[i-1] + f*(vs[i]-vs[i-1])
}
