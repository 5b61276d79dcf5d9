package analyze

import (
	"math"
	"time"
	"unsafe"

	"github.com/gctrace/gctrace/parser"
)

const (
	// maxLive bounds the processes followed at once, as the parser does:
	// it never continues a stream it has forgotten, so a process evicted
	// here is finished and can be summarised.
	maxLive = 32
	// ringSize is how many snapshots the window ring holds. Snapshots are
	// at least Config.Window/64 apart, so the ring always reaches a whole
	// window back.
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
	all    int64   // cycles
	cycles int64   // background (not user-forced) cycles
	cpu    int64   // GC CPU, ns
	capac  float64 // Σ Δt × P, ns: the CPU the process could have used
	alloc  int64   // bytes allocated
	assist int64   // ns
	bg     int64   // ns
	h0, h2 int64   // Σ heap at start and live heap, over background cycles
	minh   int64   // cycles whose goal sits at the minimum heap
}

// window holds the figures of the cycles in the window: the ring's
// newest slot minus its oldest.
type window struct {
	all               int64 // cycles, forced ones included
	forced            int64 // user-forced cycles
	minh              int64 // cycles at the minimum heap
	firstLine, firstN int   // the oldest cycle
	firstStart        int64
	gcRate, allocRate float64 // background cycles per second, bytes per second
	cpuPct, assistPct float64
	liveShare         float64 // Σ H2 / Σ H0 in percent over background cycles; -1 without any
}

// fitSums accumulates a least-squares line through (t, y).
type fitSums struct {
	n, t, y, tt, ty, yy float64
	t0, t1              float64 // first and last t
	y0, y1              float64 // first and last y
	maxStep             float64 // largest rise of y from one point to the next
	line0, line1        int     // lines of the first and last point
	n0, n1              int     // cycle numbers of the first and last point
}

// addSums adds a point to the sums alone: enough for line, which is all
// the whole-process fit is read for.
func (f *fitSums) addSums(t, y float64) {
	f.n++
	f.t += t
	f.y += y
	f.tt += t * t
	f.ty += t * y
	f.yy += y * y
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
	f.t1, f.y1, f.line1, f.n1 = g.t1, g.y1, g.line1, g.n1
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
	on    bool
	since int64 // process time of the cycle where it became true
	// The start of the window it first held over: where a finding begins.
	start   int64
	line, n int
	worst   float64 // the worst value while it has held
}

// update records the condition at the newest cycle (time t) of window w;
// it returns how long it has held, or -1.
func (s *sustain) update(cond bool, w *window, t int64) time.Duration {
	if !cond {
		s.on = false
		return -1
	}
	if !s.on {
		s.on, s.since, s.start, s.line, s.n, s.worst = true, t, w.firstStart, w.firstLine, w.firstN, 0
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
	prevStart           int64 // the cycle before the last's; -1 before there is one

	prevOK    bool
	prevN     int
	prevLive  int64
	prevProcs int
	gogcMax   float64 // largest effective GOGC read from a live heap of 16 MiB or more

	interval, pause, mark, gogc hist

	// The totals of GC CPU, assist, background and capacity over the timed
	// span (second cycle on) are cum's: the window adds exactly those
	// cycles.
	allocated    int64
	allocCycles  int64
	maxWindowCPU float64
	printedPct   int

	liveMin, liveMax, peak int64
	goalMin, goalMax       int64
	hasLive, hasGoal       bool
	fit                    fitSums // t in s, live heap in MiB; sums only (addSums)
	nblk                   int     // blocks in use (blk); the last one is filling
	blkCycles, blkSize     int64   // cycles in the filling block, cycles per block

	overshoot, goalCycles              int64
	periodic                           int64
	pendingForced                      int64 // "GC forced" lines not yet followed by their cycle
	procsMin, procsMax, procsChanges   int
	floorHeap, floorPause, coarseClock int64

	head, tail int64 // absolute slot numbers in ring; head is the next to write
	cum        slot  // the running sums the next slot starts from
	snapStart  int64 // start of the newest slot, kept out of the ring

	gcFreq, churn, cpuWarn, cpuErr, assistS, thrash sustain

	doubling          int   // doublings in a row
	dblBase           int64 // the goal the next doubling is measured from; 0 when none
	dblSince          int   // cycles since the base
	dblLine, dblN     int   // where the first doubling of the run started
	dblStart          int64
	dblFrom           int64
	limitRun          int
	limitLine, limitN int
	limitStart        int64
	longPauses        occurrences // pauses at or above the warning level
	forced            occurrences // user-forced cycles
	overshootBig      occurrences // cycles over the goal by more than the excess
	maxPause          time.Duration
	maxPauseN         int

	findings [numRules]*finding
	memory   *MemoryUsage // from the program's heap profile (AddUsage); nil without

	// The arrays come last, so that the scalars every record reads and
	// writes share a few cache lines rather than lying on both sides of
	// 30 KiB.
	blk  [blocks]fitSums
	ring [ringSize]slot
}

// finding is a Finding while it is being built: the numbers behind its
// message are kept, and the message is written only when it is emitted
// or reported, so that extending a finding does not allocate.
type finding struct {
	Finding
	v       [8]float64
	emitted Severity      // the severity last emitted, -1 before
	prof    *profileChurn // alloc-churn from the heap profile (AddUsage); nil from the trace
}

type state struct {
	live  map[procKey]*proc
	last  *proc
	tick  int64
	files map[string]int

	done        []doneProc
	omitted     int64
	lines       int64
	gcLines     int64
	rtLines     int64
	textLines   int64
	unparsed    int64
	unparsedPos []string
	unparsedF   *finding
	orphanForce int64 // "GC forced" lines before any GC line: they belong to the next new process
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
	for i, id := range ruleIDs {
		a.on[i] = a.cfg.Enabled(id)
	}
	a.unparsedOn = a.cfg.Enabled(RuleUnparsedLines)
	w := a.cfg.Window
	if w <= 0 {
		w = 10 * time.Second
	}
	a.window, a.minSpan, a.step = int64(w), int64(min(w, minWindowSpan)), int64(w/64)
	a.overFactor = 1 + a.cfg.HeapOvershootMinExcess/100
	a.longOn = a.on[ruleLongPause] && a.cfg.LongPauseWarning > 0
	a.dblFactor = a.cfg.HeapDoublingMinFactor
	if a.dblFactor <= 0 {
		a.dblFactor = 2
	}
	a.dblMinHeap = max(a.cfg.HeapDoublingMinHeap, 1)
	a.dblStartup = int64(a.cfg.HeapDoublingStartup)
	a.dblWithin = max(a.cfg.HeapDoublingWithin, 1)
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
			a.addForced(r)
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

// addForced notes a "GC forced" line: the periodic GC helper found no GC
// for two minutes. From Go 1.4 on the line comes before the cycle it
// starts; before, the scavenger printed it after the cycle it forced.
func (a *Analyzer) addForced(r *parser.Runtime) {
	p := a.lookup(r.File, r.Process, false)
	switch {
	case p == nil:
		a.st.orphanForce++
	case p.cycles > 0 && p.format < parser.FormatGo14:
		p.periodic++
		a.periodicFinding(p, p.lastLine, p.lastN, p.lastStart)
	default:
		p.pendingForced++
	}
}

// sameString is a == b, settled without comparing bytes when both share
// their data, as names copied from one string do.
func sameString(a, b string) bool {
	return len(a) == len(b) && (unsafe.StringData(a) == unsafe.StringData(b) || a == b)
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
	a.st.done = append(a.st.done, a.summarise(p))
	limit := max(a.cfg.MaxProcesses, 1)
	for len(a.st.done) > limit {
		drop := 0
		for i := range a.st.done {
			if a.st.done[drop].moreInteresting(&a.st.done[i]) {
				drop = i
			}
		}
		a.st.done = append(a.st.done[:drop], a.st.done[drop+1:]...)
		a.st.omitted++
	}
}

func (a *Analyzer) summarise(p *proc) doneProc {
	d := doneProc{rep: a.processReport(p), fileIdx: p.fileIdx, worst: -1}
	d.findings = a.procFindings(p, &d.rep)
	for _, f := range d.findings {
		if f.Severity > d.worst {
			d.worst = f.Severity
		}
	}
	return d
}

// moreInteresting orders processes for keeping: worse findings first, then
// more cycles, then earlier in the input.
func (d *doneProc) moreInteresting(e *doneProc) bool {
	if d.worst != e.worst {
		return d.worst > e.worst
	}
	if d.rep.Cycles != e.rep.Cycles {
		return d.rep.Cycles > e.rep.Cycles
	}
	if d.fileIdx != e.fileIdx {
		return d.fileIdx < e.fileIdx
	}
	return d.rep.Process < e.rep.Process
}

func (a *Analyzer) addSyntaxError(e *parser.SyntaxError) {
	s := &a.st
	s.unparsed++
	if len(s.unparsedPos) < maxUnparsed {
		s.unparsedPos = append(s.unparsedPos, e.Error())
	}
	if !a.unparsedOn {
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

// cycle is what one GC record says, in the analyzer's terms.
type cycle struct {
	g           *parser.GC
	t           int64 // start, ns since process start; -1 when not printed
	timed       bool
	consecutive bool // follows the previous cycle of its process directly
	procs       int  // at least 1
	userForced  bool // runtime.GC or debug.FreeOSMemory
	stwForced   bool // forced and stop-the-world throughout (Go 1.5–1.8)

	pause, mark, cpu, assist, bg int64 // ns
	h0, h1, h2, goal, live       int64 // bytes; live is H2, or H1 where H2 is absent
	alloc                        int64 // bytes allocated since the previous cycle, -1 if unknown
	gogc                         float64
	// base is the previous live heap plus stacks and globals, what GOGC
	// is a percentage of; 0 unless consecutive, Go 1.18+ and a live heap
	// known.
	base float64
}

// addGC folds one cycle into its process.
func (a *Analyzer) addGC(g *parser.GC) {
	// Records mostly continue the process of the one before, and the
	// parser hands the same file name string along: checked here, that
	// costs neither a call nor a string comparison.
	p := a.st.last
	if p != nil && p.key.process == g.Process && sameString(p.key.file, g.File) {
		a.st.tick++
		p.lastUsed = a.st.tick
	} else {
		p = a.lookup(g.File, g.Process, true)
	}
	if p.cycles == 0 {
		p.format = g.Format
		p.firstLine, p.firstN = g.Line, g.N
		p.timed = g.Start >= 0
		p.firstStart = int64(g.Start)
		p.lastStart, p.prevStart = -1, -1
		p.procsMin, p.procsMax = g.Procs, g.Procs
		p.liveMin, p.goalMin = math.MaxInt64, math.MaxInt64
		p.pendingForced, a.st.orphanForce = a.st.orphanForce, 0
	}
	p.cycles++
	p.lastLine, p.lastN = g.Line, g.N

	// Filled field by field rather than from a literal: the literal is
	// built in a temporary and copied, and reading the copy back stalls
	// on the narrower stores that wrote it.
	var c cycle
	c.g = g
	c.timed = p.timed && g.Start >= 0
	c.t = -1
	if c.timed {
		c.t = int64(g.Start)
	}
	c.consecutive = p.prevOK && g.N == p.prevN+1
	c.procs = max(g.Procs, 1)
	c.userForced = g.Forced && !g.LeakCheck
	c.h0, c.h1, c.h2, c.goal = g.HeapStart, g.HeapEnd, g.HeapLive, g.HeapGoal
	c.alloc, c.gogc = -1, -1
	if g.CPUPercent >= 0 {
		p.printedPct = g.CPUPercent
	}
	// The usual shape (three clock and five CPU phases of the concurrent
	// collector) is summed directly: the same integer sums as the
	// parser's methods, without their loops.
	conc := g.Format.Concurrent()
	if conc && g.NClock == 3 {
		c.pause, c.mark = int64(g.Clock[0]+g.Clock[2]), int64(g.Clock[1])
	} else {
		c.pause, c.mark = int64(g.Pause()), int64(g.Mark())
	}
	// Before Go 1.9 a forced cycle stopped the world throughout, and its
	// assist and background CPU repeat the previous cycle's; its pause is
	// what runtime.GC asked for.
	c.stwForced = g.Forced && conc && g.Format <= parser.FormatGo16 && c.mark == 0
	switch {
	case c.stwForced:
		c.cpu = int64(g.CPU[0] + g.CPU[max(g.NCPU-1, 0)])
	case g.NCPU == 5:
		c.cpu = int64(g.CPU[0] + g.CPU[1] + g.CPU[2] + g.CPU[4])
		c.assist, c.bg = int64(g.CPU[1]), int64(g.CPU[2])
	default:
		c.cpu, c.assist, c.bg = int64(g.CPUTime()), int64(g.Assist()), int64(g.Background())
	}
	c.live = c.h2
	if c.live < 0 {
		c.live = c.h1
	}
	if c.consecutive && c.h2 >= 0 && p.prevLive >= 0 {
		c.alloc = max(c.h1-p.prevLive, 0)
	}
	// Effective GOGC: only where the goal is set by GOGC alone can it be
	// read back, so not at the 4 MiB minimum heap nor for forced cycles.
	if c.consecutive && g.Format >= parser.FormatGo118 && p.prevLive >= 0 {
		c.base = float64(p.prevLive + max(g.Stacks, 0) + max(g.Globals, 0))
		if c.goal > 4<<20 && p.prevLive >= 4<<20 && !c.stwForced {
			c.gogc = float64(c.goal-p.prevLive) / c.base * 100
		}
	}

	// The summary figures, the rules and the timed figures follow in the
	// order findings may see them. The figures are updated in this body
	// rather than in helpers: a call spills every live register, and
	// there would be a dozen calls per record.
	if p.cycles > 1 && g.Procs != p.prevProcs {
		p.procsChanges++
	}
	p.procsMin = min(p.procsMin, g.Procs)
	p.procsMax = max(p.procsMax, g.Procs)
	p.pause.addNS(c.pause)
	if conc {
		p.mark.addNS(c.mark)
	}
	if c.pause == 0 {
		p.floorPause++
	}
	if coarse(g) {
		p.coarseClock++
	}
	if c.h1 < 2<<20 && c.h0 < 2<<20 {
		p.floorHeap++
	}
	if c.live >= 0 {
		p.hasLive = true
		p.liveMin = min(p.liveMin, c.live)
		p.liveMax = max(p.liveMax, c.live)
	}
	p.peak = max(p.peak, c.h0, c.h1)
	if c.alloc >= 0 {
		p.allocated += c.alloc
		p.allocCycles++
	}
	if c.goal >= 0 {
		p.hasGoal = true
		p.goalMin = min(p.goalMin, c.goal)
		p.goalMax = max(p.goalMax, c.goal)
		if c.h1 > c.goal && !c.stwForced {
			p.overshoot++
		}
	}
	if c.gogc > 0 {
		p.gogc.add(c.gogc)
		if p.prevLive >= 16<<20 && c.gogc > p.gogcMax {
			p.gogcMax = c.gogc
		}
	}

	a.cycleRules(p, &c)

	if c.timed {
		var dt int64
		if p.cycles > 1 {
			dt = max(c.t-p.lastStart, 0)
			if c.consecutive {
				p.interval.addNS(dt)
			}
			// The process's totals of CPU and capacity are the window's
			// running sums, added once, here: the window adds every
			// timed cycle after its first snapshot, and a process with
			// timed cycles is timed from its first, which takes that
			// snapshot, so these are the same cycles (all but the
			// first).
			s := &p.cum
			s.cpu += c.cpu
			s.assist += c.assist
			s.bg += c.bg
			s.capac += float64(dt) * float64(c.procs)
		}
		p.prevStart, p.lastStart = p.lastStart, c.t
		if c.live >= 0 {
			var step float64
			if p.prevOK && p.prevLive >= 0 {
				step = float64(c.live-p.prevLive) / mibF
			}
			ts, y := float64(c.t)*1e-9, float64(c.live)/mibF
			p.fit.addSums(ts, y)
			// The filling block is read only once it is full, so its
			// last point is written then rather than at every point.
			if p.nblk == 0 {
				p.nblk = 1
			}
			b := &p.blk[p.nblk-1]
			if b.n == 0 {
				b.t0, b.y0, b.line0, b.n0 = ts, y, g.Line, g.N
			}
			b.addSums(ts, y)
			if step > b.maxStep {
				b.maxStep = step
			}
			p.blkCycles++
			if p.blkCycles >= p.blkSize {
				b.t1, b.y1, b.line1, b.n1 = ts, y, g.Line, g.N
				a.closeBlock(p)
			}
		}
		// The window's running sums; at most every window/64 of process
		// time a snapshot is taken into the ring and the windowed rules
		// judged. Between snapshots a cycle only costs these additions,
		// whatever the GC rate.
		s := &p.cum
		s.start, s.line, s.n = c.t, g.Line, g.N
		s.all++
		if !c.userForced {
			s.cycles++
		}
		if p.head > 0 && c.alloc > 0 {
			s.alloc += c.alloc
		}
		if c.h2 >= 0 && c.h0 > 0 && !c.userForced {
			s.h0 += c.h0
			s.h2 += c.h2
		}
		if c.goal >= 0 && c.goal <= a.cfg.MinHeapThrashMaxGoal {
			s.minh++
		}
		if p.head == 0 || c.t-p.snapStart >= a.step {
			a.snapshot(p, &c)
		}
	}

	p.prevOK = true
	p.prevN = g.N
	p.prevLive = c.live
	if c.h2 < 0 {
		p.prevLive = -1
	}
	p.prevProcs = g.Procs
}

// coarse reports whether every clock phase is a whole number of
// milliseconds below 10 ms (or zero): the mark of a clock that ticks in
// milliseconds, as on Windows and some VMs.
func coarse(g *parser.GC) bool {
	if !g.Format.Concurrent() || g.NClock == 0 {
		return false
	}
	for _, c := range g.Clock[:g.NClock] {
		if c%time.Millisecond != 0 || c >= 10*time.Millisecond {
			return false
		}
	}
	return true
}

// snapshot writes the running sums into the ring and judges the windowed
// rules over the window that ends with them. A window is the newest
// snapshot minus the oldest one that still lies a whole window back.
func (a *Analyzer) snapshot(p *proc, c *cycle) {
	s := &p.cum
	p.snapStart = s.start
	h := p.head
	p.ring[h&(ringSize-1)] = *s
	p.head++
	if p.tail < h-(ringSize-1) {
		p.tail = h - (ringSize - 1)
	}
	for p.tail+1 < h && c.t-p.ring[(p.tail+1)&(ringSize-1)].start >= a.window {
		p.tail++
	}
	if h == p.tail {
		return
	}
	r := &p.ring[p.tail&(ringSize-1)]
	span := c.t - r.start
	if span <= 0 || span < a.minSpan {
		return
	}
	sec := float64(span) * 1e-9
	// Field by field, as the cycle in addGC, to write w in place.
	var w window
	w.all = s.all - r.all
	w.forced = (s.all - s.cycles) - (r.all - r.cycles)
	w.firstStart, w.firstLine, w.firstN = r.start, r.line, r.n
	w.gcRate = float64(s.cycles-r.cycles) / sec
	w.allocRate = float64(s.alloc-r.alloc) / sec
	w.liveShare = -1
	w.minh = s.minh - r.minh
	if capac := s.capac - r.capac; capac > 0 {
		w.cpuPct = min(float64(s.cpu-r.cpu)/capac*100, 100)
	}
	if as, bg := s.assist-r.assist, s.bg-r.bg; as > 0 {
		w.assistPct = float64(as) / float64(as+bg) * 100
	}
	if h0 := s.h0 - r.h0; h0 > 0 {
		w.liveShare = float64(s.h2-r.h2) / float64(h0) * 100
	}
	if w.cpuPct > p.maxWindowCPU {
		p.maxWindowCPU = w.cpuPct
	}
	a.windowRules(p, c, &w)
}
