package analyze

import (
	"math"
	"time"

	"github.com/gctrace/gctrace/parser"
)

const (
	// maxLive bounds the processes followed at once, as the parser does:
	// it never continues a stream it has forgotten, so a process evicted
	// here is finished and can be summarised.
	maxLive = 32
	// ringSize is how many cycles a window can hold. At 255 cycles the
	// millisecond truncation of the start times no longer matters for a
	// rate, so a window may be shorter than Config.Window when GCs come
	// faster than that.
	ringSize = 256
	// minWindowSpan is the shortest window the windowed rules judge:
	// shorter ones are dominated by the timestamp's millisecond truncation
	// and by start-up bursts.
	minWindowSpan = time.Second
	// maxUnparsed is how many unparsed positions a report lists.
	maxUnparsed = 10
	// blocks is how many pieces the live-heap fit keeps.
	blocks = 32
)

// procKey names a process stream: the parser numbers processes per input.
type procKey struct {
	file    string
	process int
}

// slot is one cycle in the window ring. The sums are cumulative since the
// process's first cycle, so a window's totals are the difference of two
// slots, whatever its length.
type slot struct {
	start  int64 // ns since process start
	line   int
	n      int
	cycles int64   // background (not user-forced) cycles
	cpu    int64   // GC CPU, ns
	capac  float64 // Σ Δt × P, ns: the CPU the process could have used
	alloc  int64   // bytes allocated
	assist int64   // ns
	bg     int64   // ns
	h0, h2 int64   // Σ heap at start and live heap, over cycles whose heap is above the minimum
	minh   int64   // cycles whose goal sits at the minimum heap
}

// window is the difference of two slots.
type window struct {
	span                      time.Duration
	cycles, all               int64
	cpu, alloc, assist, bg    int64
	capac                     float64
	h0, h2, minh              int64
	firstLine, firstN         int
	firstStart                int64
	cpuPct, gcRate, allocRate float64
	assistPct                 float64
}

// fitSums accumulates a least-squares line through (t, y).
type fitSums struct {
	n, t, y, tt, ty, yy float64
	t0, t1              float64 // first and last t
	y0, y1              float64 // first and last y
	maxStep             float64 // largest rise of y from one point to the next
	line0, line1        int
}

func (f *fitSums) add(t, y, step float64, line int) {
	if f.n == 0 {
		f.t0, f.y0, f.line0 = t, y, line
	}
	f.n++
	f.t += t
	f.y += y
	f.tt += t * t
	f.ty += t * y
	f.yy += y * y
	f.t1, f.y1, f.line1 = t, y, line
	if step > f.maxStep {
		f.maxStep = step
	}
}

func (f *fitSums) merge(g *fitSums) {
	if g.n == 0 {
		return
	}
	if f.n == 0 {
		*f = *g
		return
	}
	f.n += g.n
	f.t += g.t
	f.y += g.y
	f.tt += g.tt
	f.ty += g.ty
	f.yy += g.yy
	f.t1, f.y1, f.line1 = g.t1, g.y1, g.line1
	f.maxStep = math.Max(f.maxStep, g.maxStep)
}

// line returns the slope and intercept of the fit and its R², all 0 when
// the points do not determine a line.
func (f *fitSums) line() (slope, icept, r2 float64) {
	if f.n < 3 {
		return 0, 0, 0
	}
	vt := f.n*f.tt - f.t*f.t
	vy := f.n*f.yy - f.y*f.y
	if vt <= 0 {
		return 0, 0, 0
	}
	cov := f.n*f.ty - f.t*f.y
	slope = cov / vt
	icept = (f.y - slope*f.t) / f.n
	if vy > 0 {
		r2 = cov * cov / (vt * vy)
	}
	return finite(slope), finite(icept), math.Min(finite(r2), 1)
}

// sustain tracks how long a windowed condition has held without a break.
type sustain struct {
	on          bool
	since       int64 // process time it became true
	line, n     int
	worst       float64
	worstWindow window
}

// update records the condition at time t; it returns how long it has held.
func (s *sustain) update(cond bool, w *window, t int64) time.Duration {
	if !cond {
		s.on = false
		return -1
	}
	if !s.on {
		s.on, s.since, s.line, s.n = true, w.firstStart, w.firstLine, w.firstN
	}
	return time.Duration(t - s.since)
}

// proc is the state of one process stream.
type proc struct {
	key      procKey
	fileIdx  int
	lastUsed int64

	format              parser.Format
	firstLine, lastLine int
	cycles              int64
	firstN, lastN       int
	timed               bool // the format prints start times
	firstStart          int64
	lastStart           int64

	prevOK    bool
	prevN     int
	prevLive  int64
	prevGoal  int64
	prevProcs int
	prevLine  int
	prevStart int64
	gogcMax   float64 // largest effective GOGC read from a live heap of 16 MiB or more

	interval, pause, mark, gogc hist

	cpu, assist, bg int64   // totals over the timed span (second cycle on)
	capac           float64 // Σ Δt × P over the same span
	allocated       int64
	allocCycles     int64
	maxWindowCPU    float64
	printedPct      int

	liveMin, liveMax, peak int64
	goalMin, goalMax       int64
	hasLive, hasGoal       bool
	fit                    fitSums // t in s, live heap in MiB
	blk                    [blocks]fitSums
	nblk                   int   // blocks in use; the last one is filling
	blkCycles, blkSize     int64 // cycles in the filling block, cycles per block

	overshoot, goalCycles, overshootBig int64
	forced, leakCheck, periodic         int64
	pendingForced                       int64 // "GC forced" lines not yet followed by their cycle
	procsMin, procsMax, procsChanges    int
	floorHeap, floorPause, coarseClock  int64

	ring       [ringSize]slot
	head, tail int64 // absolute slot numbers; head is the next to write

	gcFreq, churn, cpuWarn, cpuErr, assistS, thrash sustain

	doubling                int // consecutive doubling cycles
	dblLine, dblN           int
	dblStart                int64
	dblFrom                 int64
	limitRun                int
	limitLine, limitN       int
	limitStart              int64
	limitGoal, limitImplied int64
	longPauses              int64
	maxPause                time.Duration
	maxPauseLine, maxPauseN int
	maxPauseStart           int64

	findings [numRules]*finding
}

// finding is a Finding while it is being built: the numbers behind its
// message are kept, and the message is written only when it is emitted
// or reported, so that extending a finding does not allocate.
type finding struct {
	Finding
	v       [8]float64
	emitted Severity // the severity last emitted, -1 before
}

type state struct {
	live  map[procKey]*proc
	last  *proc
	tick  int64
	files map[string]int

	done        []doneProc
	omitted     int64
	doneByFile  int
	lines       int64
	gcLines     int64
	rtLines     int64
	textLines   int64
	unparsed    int64
	unparsedPos []string
	unparsedF   *finding
	orphanForce int64 // "GC forced" before any GC line
}

// doneProc is a finished process: its summary and findings.
type doneProc struct {
	rep      ProcessReport
	fileIdx  int
	findings []Finding
	worst    Severity
}

func (a *Analyzer) init() {
	a.st.live = make(map[procKey]*proc)
	a.st.files = make(map[string]int)
}

// Add takes the next record of the input: *parser.GC records are
// analysed, "GC forced" lines count as periodic GCs, syntax errors are
// counted and the first few kept, other lines are counted. The record is
// not retained.
func (a *Analyzer) Add(rec parser.Record) {
	switch r := rec.(type) {
	case *parser.GC:
		a.st.lines++
		a.st.gcLines++
		a.addGC(r)
	case *parser.Runtime:
		a.st.lines++
		a.st.rtLines++
		if r.Kind == parser.KindForced {
			if p := a.lookup(r.File, r.Process, false); p != nil {
				p.pendingForced++
			} else {
				a.st.orphanForce++
			}
		}
	case *parser.Text:
		if !r.Partial {
			a.st.lines++
			a.st.textLines++
		}
	case *parser.SyntaxError:
		a.st.lines++
		a.addSyntaxError(r)
	}
}

// lookup returns the state of a process, creating it if asked.
func (a *Analyzer) lookup(file string, process int, create bool) *proc {
	a.st.tick++
	if p := a.st.last; p != nil && p.key.process == process && p.key.file == file {
		p.lastUsed = a.st.tick
		return p
	}
	k := procKey{file, process}
	p := a.st.live[k]
	if p == nil {
		if !create {
			return nil
		}
		if len(a.st.live) >= maxLive {
			a.evictOldest()
		}
		p = a.newProc(k)
		a.st.live[k] = p
	}
	p.lastUsed = a.st.tick
	a.st.last = p
	return p
}

func (a *Analyzer) newProc(k procKey) *proc {
	idx, ok := a.st.files[k.file]
	if !ok {
		idx = len(a.st.files)
		a.st.files[k.file] = idx
	}
	return &proc{
		key:     k,
		fileIdx: idx,
		// Durations in ns from 512 ns to ~5 hours; a pause or an interval
		// outside that is clamped into the end buckets (max stays exact).
		interval: newHist(9, 44),
		pause:    newHist(9, 44),
		mark:     newHist(9, 44),
		gogc:     newHist(-4, 20),
		blkSize:  1,
	}
}

func (a *Analyzer) evictOldest() {
	var old *proc
	for _, p := range a.st.live {
		if old == nil || p.lastUsed < old.lastUsed {
			old = p
		}
	}
	if old == nil {
		return
	}
	delete(a.st.live, old.key)
	if a.st.last == old {
		a.st.last = nil
	}
	a.retire(old)
}

// retire moves a finished process into the report's summaries, keeping at
// most Config.MaxProcesses: the least interesting (lowest worst severity,
// then fewest cycles) is dropped.
func (a *Analyzer) retire(p *proc) {
	d := doneProc{rep: a.processReport(p), fileIdx: p.fileIdx, findings: a.procFindings(p), worst: -1}
	for _, f := range d.findings {
		if f.Severity > d.worst {
			d.worst = f.Severity
		}
	}
	a.st.done = append(a.st.done, d)
	limit := a.cfg.MaxProcesses
	if limit < 1 {
		limit = 1
	}
	for len(a.st.done) > limit {
		drop := 0
		for i, x := range a.st.done {
			y := a.st.done[drop]
			if x.worst < y.worst || (x.worst == y.worst && x.rep.Cycles < y.rep.Cycles) {
				drop = i
			}
		}
		a.st.done = append(a.st.done[:drop], a.st.done[drop+1:]...)
		a.st.omitted++
	}
}

func (a *Analyzer) addSyntaxError(e *parser.SyntaxError) {
	s := &a.st
	s.unparsed++
	if len(s.unparsedPos) < maxUnparsed {
		s.unparsedPos = append(s.unparsedPos, e.Error())
	}
	if !a.cfg.Enabled(RuleUnparsedLines) {
		return
	}
	f := s.unparsedF
	if f == nil {
		f = &finding{emitted: -1}
		f.Rule, f.Severity, f.File = RuleUnparsedLines, Warning, e.File
		f.FirstLine, f.Start, f.End = e.Line, -1, -1
		s.unparsedF = f
	}
	if e.File == f.File {
		f.LastLine = e.Line
	}
	if f.emitted < 0 && s.unparsed >= max(a.cfg.UnparsedLinesMin, 1) {
		a.emit(nil, f)
	}
}

// addGC folds one cycle into its process.
func (a *Analyzer) addGC(g *parser.GC) {
	p := a.lookup(g.File, g.Process, true)
	cfg := &a.cfg

	if p.cycles == 0 {
		p.format = g.Format
		p.firstLine, p.firstN = g.Line, g.N
		p.timed = g.Start >= 0
		p.firstStart = int64(g.Start)
		p.procsMin, p.procsMax = g.Procs, g.Procs
		p.liveMin, p.goalMin = math.MaxInt64, math.MaxInt64
	}
	p.cycles++
	p.lastLine, p.lastN = g.Line, g.N
	consecutive := p.prevOK && g.N == p.prevN+1
	timed := p.timed && g.Start >= 0
	t := int64(g.Start)
	procs := g.Procs
	if procs < 1 {
		procs = 1
	}
	if g.CPUPercent >= 0 {
		p.printedPct = g.CPUPercent
	}

	// GOMAXPROCS changes.
	if p.cycles > 1 && g.Procs != p.prevProcs {
		p.procsChanges++
		if cfg.Enabled(RuleProcsChange) {
			f := a.fire(p, ruleProcsChange, Info, g.Line, g.N, t)
			f.v[0] = float64(p.procsChanges)
			a.extend(p, f, g.Line, g.N, t)
		}
	}
	p.procsMin = min(p.procsMin, g.Procs)
	p.procsMax = max(p.procsMax, g.Procs)

	// Forced cycles. Before Go 1.9 a forced cycle stopped the world for
	// all of it, and its assist and background CPU repeat the previous
	// cycle's; its pause is what runtime.GC asked for.
	userForced := g.Forced && !g.LeakCheck
	stwForced := g.Forced && g.Format.Concurrent() && g.Format <= parser.FormatGo16 && g.Mark() == 0
	if g.LeakCheck {
		p.leakCheck++
	}
	if userForced {
		p.forced++
		if cfg.Enabled(RuleForcedGC) && p.forced >= int64(max(cfg.ForcedGCMinCycles, 1)) &&
			float64(p.forced)*100 >= cfg.ForcedGCMinShare*float64(p.cycles) {
			f := a.fire(p, ruleForcedGC, Warning, g.Line, g.N, t)
			a.extend(p, f, g.Line, g.N, t)
		}
	} else if p.pendingForced > 0 {
		// The cycle the periodic GC helper started ("GC forced" comes
		// first); it is not marked (forced) from Go 1.9 on.
		p.pendingForced = 0
		p.periodic++
		if cfg.Enabled(RulePeriodicGC) && p.periodic >= int64(max(cfg.PeriodicGCMinCycles, 1)) {
			f := a.fire(p, rulePeriodicGC, Info, g.Line, g.N, t)
			a.extend(p, f, g.Line, g.N, t)
		}
	}

	// Times.
	pause, mark := g.Pause(), g.Mark()
	p.pause.add(float64(pause))
	if g.Format.Concurrent() {
		p.mark.add(float64(mark))
	}
	if pause == 0 {
		p.floorPause++
	}
	if coarse(g) {
		p.coarseClock++
	}
	if !stwForced && pause > p.maxPause {
		p.maxPause, p.maxPauseLine, p.maxPauseN, p.maxPauseStart = pause, g.Line, g.N, t
	}
	if !stwForced && cfg.Enabled(RuleLongPause) && pause >= cfg.LongPauseWarning && cfg.LongPauseWarning > 0 {
		p.longPauses++
		sev := Warning
		if cfg.LongPauseError > 0 && pause >= cfg.LongPauseError {
			sev = Error
		}
		f := a.fire(p, ruleLongPause, sev, g.Line, g.N, t)
		a.extend(p, f, g.Line, g.N, t)
	}

	// CPU.
	cpu, assist, bg := g.CPUTime(), g.Assist(), g.Background()
	if stwForced {
		cpu, assist, bg = g.CPU[0]+g.CPU[max(g.NCPU-1, 0)], 0, 0
	}

	// Heap.
	h0, h1, h2, goal := g.HeapStart, g.HeapEnd, g.HeapLive, g.HeapGoal
	live := h2
	if live < 0 {
		live = h1
	}
	if live >= 0 {
		p.hasLive = true
		p.liveMin = min(p.liveMin, live)
		p.liveMax = max(p.liveMax, live)
	}
	p.peak = max(p.peak, h0, h1)
	if h1 < 2<<20 && h0 < 2<<20 {
		p.floorHeap++
	}
	var alloc int64 = -1
	if consecutive && h2 >= 0 && p.prevLive >= 0 {
		alloc = max(h1-p.prevLive, 0)
		p.allocated += alloc
		p.allocCycles++
	}
	if goal >= 0 {
		p.hasGoal = true
		p.goalMin = min(p.goalMin, goal)
		p.goalMax = max(p.goalMax, goal)
		if !stwForced {
			if h1 > goal {
				p.overshoot++
			}
			if goal >= cfg.HeapOvershootMinHeap && goal > 0 {
				p.goalCycles++
				if float64(h1) > float64(goal)*(1+cfg.HeapOvershootMinExcess/100) {
					p.overshootBig++
				}
				if cfg.Enabled(RuleHeapOvershoot) && p.overshootBig >= int64(max(cfg.HeapOvershootMinCycles, 1)) &&
					float64(p.overshootBig)*100 >= cfg.HeapOvershootMinShare*float64(p.goalCycles) {
					f := a.fire(p, ruleHeapOvershoot, Warning, g.Line, g.N, t)
					a.extend(p, f, g.Line, g.N, t)
				}
			}
		}
	}

	// Effective GOGC: only where the goal is set by GOGC alone can it be
	// read back, so not below the 4 MiB minimum heap nor for forced cycles.
	gogc := -1.0
	if consecutive && g.Format >= parser.FormatGo118 && goal >= 0 && p.prevLive >= 4<<20 && goal > 4<<20 && !stwForced {
		base := float64(p.prevLive + max(g.Stacks, 0) + max(g.Globals, 0))
		gogc = float64(goal-p.prevLive) / base * 100
		if gogc > 0 {
			p.gogc.add(gogc)
		}
	}

	a.heapDoubling(p, g, goal, live, t)
	a.memoryLimit(p, g, goal, gogc, consecutive, t)

	// Timed figures: intervals, rates, windows.
	if timed {
		dt := int64(0)
		if p.cycles > 1 {
			dt = max(t-p.lastStart, 0)
			if consecutive {
				p.interval.add(float64(dt))
			}
			p.cpu += int64(cpu)
			p.assist += int64(assist)
			p.bg += int64(bg)
			p.capac += float64(dt) * float64(procs)
		}
		p.lastStart = t
		if live >= 0 {
			var step float64
			if p.prevOK && p.prevLive >= 0 {
				step = float64(live-p.prevLive) / (1 << 20)
			}
			y := float64(live) / (1 << 20)
			ts := float64(t) / 1e9
			p.fit.add(ts, y, step, g.Line)
			a.addBlock(p, ts, y, step, g.Line)
		}
		a.push(p, g, t, dt, procs, cpu, assist, bg, alloc, h0, h2, goal, userForced)
	}

	p.prevOK = true
	p.prevN = g.N
	p.prevLive = live
	if h2 < 0 {
		p.prevLive = -1
	}
	p.prevGoal = goal
	p.prevProcs = g.Procs
	p.prevLine = g.Line
	p.prevStart = t

	a.lowResolution(p, g, t)
}

// coarse reports whether every clock phase is a whole number of
// milliseconds below 10 ms (or zero): the mark of a clock that ticks in
// milliseconds, as on Windows and some VMs.
func coarse(g *parser.GC) bool {
	if !g.Format.Concurrent() {
		return false
	}
	any := false
	for _, c := range g.Clock[:g.NClock] {
		if c%time.Millisecond != 0 || c >= 10*time.Millisecond {
			return false
		}
		if c != 0 {
			any = true
		}
	}
	return any || g.NClock > 0
}

// push adds a cycle to the window ring and judges the windowed rules.
func (a *Analyzer) push(p *proc, g *parser.GC, t, dt int64, procs int, cpu, assist, bg time.Duration, alloc, h0, h2, goal int64, forced bool) {
	cfg := &a.cfg
	var prev slot
	if p.head > 0 {
		prev = p.ring[(p.head-1)%ringSize]
	}
	s := slot{start: t, line: g.Line, n: g.N}
	s.cycles = prev.cycles
	if !forced {
		s.cycles++
	}
	s.cpu, s.assist, s.bg, s.capac = prev.cpu, prev.assist, prev.bg, prev.capac
	s.alloc, s.h0, s.h2, s.minh = prev.alloc, prev.h0, prev.h2, prev.minh
	if p.head > 0 {
		s.cpu += int64(cpu)
		s.assist += int64(assist)
		s.bg += int64(bg)
		s.capac += float64(dt) * float64(procs)
		if alloc > 0 {
			s.alloc += alloc
		}
	}
	if h2 >= 0 && h0 >= cfg.AllocChurnMinHeap && h0 > 0 {
		s.h0 += h0
		s.h2 += h2
	}
	if goal >= 0 && goal <= cfg.MinHeapThrashMaxGoal {
		s.minh++
	}
	h := p.head
	p.ring[h%ringSize] = s
	p.head++
	if p.tail < h-(ringSize-1) {
		p.tail = h - (ringSize - 1)
	}
	win := cfg.Window
	if win <= 0 {
		win = 10 * time.Second
	}
	for p.tail+1 < h && t-p.ring[(p.tail+1)%ringSize].start >= int64(win) {
		p.tail++
	}
	if h == p.tail {
		return
	}
	r := &p.ring[p.tail%ringSize]
	w := window{
		span:       time.Duration(t - r.start),
		all:        h - p.tail,
		cycles:     s.cycles - r.cycles,
		cpu:        s.cpu - r.cpu,
		alloc:      s.alloc - r.alloc,
		assist:     s.assist - r.assist,
		bg:         s.bg - r.bg,
		capac:      s.capac - r.capac,
		h0:         s.h0 - r.h0,
		h2:         s.h2 - r.h2,
		minh:       s.minh - r.minh,
		firstStart: r.start,
		firstLine:  p.ring[(p.tail+1)%ringSize].line,
		firstN:     p.ring[(p.tail+1)%ringSize].n,
	}
	if w.span < min(minWindowSpan, win) && w.all < ringSize-1 || w.span <= 0 {
		return
	}
	sec := w.span.Seconds()
	w.gcRate = float64(w.cycles) / sec
	w.allocRate = float64(w.alloc) / sec
	if w.capac > 0 {
		w.cpuPct = math.Min(float64(w.cpu)/w.capac*100, 100)
	}
	if w.assist+w.bg > 0 {
		w.assistPct = float64(w.assist) / float64(w.assist+w.bg) * 100
	}
	p.maxWindowCPU = math.Max(p.maxWindowCPU, w.cpuPct)
	a.windowRules(p, g, &w, t)
}
