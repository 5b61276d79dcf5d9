package analyze

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/gctrace/gctrace/parser"
)

// Rule IDs. They are stable: configuration files and CI scripts name them.
const (
	RuleGCFrequency         = "gc-frequency"
	RuleAllocChurn          = "alloc-churn"
	RuleHeapDoubling        = "heap-doubling"
	RuleLiveHeapGrowth      = "live-heap-growth"
	RuleHighGCCPU           = "high-gc-cpu"
	RuleLongPause           = "long-pause"
	RuleMarkAssist          = "mark-assist"
	RuleForcedGC            = "forced-gc"
	RuleHeapOvershoot       = "heap-overshoot"
	RuleMemoryLimitPressure = "memory-limit-pressure"
	RuleMinHeapThrash       = "min-heap-thrash"
	RulePeriodicGC          = "periodic-gc"
	RuleProcsChange         = "procs-change"
	RuleUnparsedLines       = "unparsed-lines"
	RuleLowResolution       = "low-resolution"
)

// Indexes of the per-process rules into proc.findings.
const (
	ruleGCFrequency = iota
	ruleAllocChurn
	ruleHeapDoubling
	ruleLiveHeapGrowth
	ruleHighGCCPU
	ruleLongPause
	ruleMarkAssist
	ruleForcedGC
	ruleHeapOvershoot
	ruleMemoryLimit
	ruleMinHeapThrash
	rulePeriodicGC
	ruleProcsChange
	ruleLowResolution
	numRules
)

var ruleIDs = [numRules]string{
	ruleGCFrequency:    RuleGCFrequency,
	ruleAllocChurn:     RuleAllocChurn,
	ruleHeapDoubling:   RuleHeapDoubling,
	ruleLiveHeapGrowth: RuleLiveHeapGrowth,
	ruleHighGCCPU:      RuleHighGCCPU,
	ruleLongPause:      RuleLongPause,
	ruleMarkAssist:     RuleMarkAssist,
	ruleForcedGC:       RuleForcedGC,
	ruleHeapOvershoot:  RuleHeapOvershoot,
	ruleMemoryLimit:    RuleMemoryLimitPressure,
	ruleMinHeapThrash:  RuleMinHeapThrash,
	rulePeriodicGC:     RulePeriodicGC,
	ruleProcsChange:    RuleProcsChange,
	ruleLowResolution:  RuleLowResolution,
}

// catalogue documents every rule; Rules adds the thresholds from settings.
var catalogue = []RuleInfo{
	{ID: RuleGCFrequency, Severity: Warning,
		Summary: "the GC runs many times a second, for seconds on end",
		Advice:  "Each cycle costs a fixed overhead; allocate less (see the allocs profile) or give the heap more room with GOGC or GOMEMLIMIT: gctrace tune predicts what a setting would do (https://go.dev/doc/gc-guide)."},
	{ID: RuleAllocChurn, Severity: Warning,
		Summary: "a high allocation rate of memory that is garbage by the next cycle",
		FiresOn: "the trace: an allocation rate of min-rate or more over the window, with at most max-live-share of the heap surviving each cycle, for min-duration; " +
			"or, with --pprof, when more than max-live-share of the heap survives the cycles (a large live heap kept elsewhere, which makes them rare and hides the churn), " +
			"the heap profile: one function allocating at min-rate or more over at least min-duration of the run, of which at most max-live-share stays in use",
		Advice: "Find the allocating code in the allocs profile (alloc_space) and reuse buffers (sync.Pool, preallocated slices) or avoid the allocation."},
	{ID: RuleHeapDoubling, Severity: Warning,
		Summary: "the heap goal doubles several cycles in a row: something loads a lot into memory at once",
		Advice:  "Look for what loads whole data sets or grows an unbounded buffer (heap profile, inuse_space); stream or bound it."},
	{ID: RuleLiveHeapGrowth, Severity: Warning,
		Summary: "the live heap after GC climbs steadily: a leak or an unbounded cache",
		Advice:  "Compare two heap profiles (inuse_space) taken a while apart to find what keeps growing; bound or evict it."},
	{ID: RuleHighGCCPU, Severity: Warning,
		Summary: "the GC uses a large share of the available CPU (from the cpu fields, over a sliding window)",
		Advice:  "Allocate less, or trade memory for CPU by raising GOGC or setting GOMEMLIMIT; gctrace tune --budget SIZE picks them for the memory you have (https://go.dev/doc/gc-guide)."},
	{ID: RuleLongPause, Severity: Warning,
		Summary: "a stop-the-world pause (first plus last clock phase) is long",
		Advice:  "Long pauses usually come from an overloaded machine (GOMAXPROCS above the CPUs you get), very many goroutines, or an old Go release; check CPU limits and upgrade Go."},
	{ID: RuleMarkAssist, Severity: Warning,
		Summary: "goroutines spend much of the marking CPU assisting the GC instead of running: allocation outpaces marking",
		Advice:  "Assists are latency paid by your goroutines; allocate less in hot paths, or raise GOGC so marking starts earlier relative to the heap."},
	{ID: RuleForcedGC, Severity: Warning,
		Summary: "the program calls runtime.GC or debug.FreeOSMemory itself",
		Advice:  "Explicit collections are rarely needed and cost a full cycle each; remove runtime.GC / debug.FreeOSMemory calls or use GOMEMLIMIT instead."},
	{ID: RuleHeapOvershoot, Severity: Warning,
		Summary: "the heap at mark end exceeds the goal in many cycles: the GC starts too late for the allocation rate",
		Advice:  "The heap peaks above what GOGC/GOMEMLIMIT promise; allocate less during marking, or leave headroom in memory limits."},
	{ID: RuleMemoryLimitPressure, Severity: Warning,
		Summary: "the heap goal sits well below what GOGC alone would give: the memory limit binds",
		Advice:  "The live heap is close to GOMEMLIMIT, so the GC runs ever more often; raise the limit or shrink the live heap before the GC CPU climbs further (gctrace tune --memlimit SIZE predicts a higher limit)."},
	{ID: RuleMinHeapThrash, Severity: Warning,
		Summary: "the heap goal is pinned at the 4 MiB minimum while GCs come many times a second",
		Advice:  "The live heap is tiny but allocation is fast; raise GOGC or set GOMEMLIMIT so the heap may grow, or allocate less."},
	{ID: RulePeriodicGC, Severity: Info,
		Summary: "the runtime forced a GC because none ran for 2 minutes (GC forced)",
		Advice:  "Nothing to do: the program is mostly idle between these cycles."},
	{ID: RuleProcsChange, Severity: Info,
		Summary: "GOMAXPROCS changed within a process",
		Advice:  "Go 1.25+ follows CPU limits; otherwise runtime.GOMAXPROCS was called. Per-cycle CPU figures use each cycle's P."},
	{ID: RuleUnparsedLines, Severity: Warning,
		Summary: "lines that look like GC trace lines but could not be read (the program's output broke them, or a new format)",
		Advice:  "Send the program's own output elsewhere (stdout), or report the lines if the Go release is new."},
	{ID: RuleLowResolution, Severity: Info,
		Summary: "most figures sit at the trace's print floor (0–1 MB heaps, pauses printed as 0, a clock that ticks in ms)",
		Advice:  "The trace truncates MB and times; figures this small are rounded to nothing, so read them as upper bounds."},
}

// Rules returns the rule catalogue, sorted by ID, with each rule's
// thresholds and their defaults.
func Rules() []RuleInfo {
	out := make([]RuleInfo, len(catalogue))
	copy(out, catalogue)
	def := DefaultConfig()
	for i := range out {
		for _, s := range settings {
			if s.rule == out[i].ID {
				out[i].Thresholds = append(out[i].Thresholds, Threshold{Name: s.name, Default: s.get(&def), Doc: s.doc})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func ruleIndex(id string) int {
	for i, r := range ruleIDs {
		if r == id {
			return i
		}
	}
	return -1
}

func adviceOf(id string) string {
	for _, r := range catalogue {
		if r.ID == id {
			return r.Advice
		}
	}
	return ""
}

// finding returns the process's finding for a rule, starting it at the
// given cycle if it is new.
func (a *Analyzer) finding(p *proc, rule int, sev Severity, line, n int, t int64) *finding {
	f := p.findings[rule]
	if f == nil {
		f = &finding{emitted: -1}
		f.Rule, f.Severity, f.Process, f.File = ruleIDs[rule], sev, p.key.process, p.key.file
		f.FirstLine, f.LastLine, f.FirstCycle, f.LastCycle = line, line, n, n
		f.Start, f.End = -1, -1
		if t >= 0 && p.timed {
			f.Start, f.End = time.Duration(t), time.Duration(t)
		}
		f.Advice = adviceOf(f.Rule)
		p.findings[rule] = f
	}
	if sev > f.Severity {
		f.Severity = sev
	}
	return f
}

// extend stretches a finding to the given cycle and emits it if it is new
// or has become more severe.
func (a *Analyzer) extend(p *proc, f *finding, line, n int, t int64) {
	if line > f.LastLine {
		f.LastLine, f.LastCycle = line, n
	}
	if t >= 0 && p.timed && time.Duration(t) > f.End {
		f.End = time.Duration(t)
	}
	if f.Severity > f.emitted {
		a.emit(p, f)
	}
}

// emit writes the finding's message and hands a copy to the callback.
func (a *Analyzer) emit(p *proc, f *finding) {
	f.emitted = f.Severity
	if a.onFinding == nil {
		return
	}
	var rep *ProcessReport
	if p != nil {
		r := a.processReport(p)
		rep = &r
	}
	a.onFinding(a.render(p, rep, f))
}

// render returns the finding with its message and evidence written from
// the current numbers.
func (a *Analyzer) render(p *proc, rep *ProcessReport, f *finding) Finding {
	out := f.Finding
	msg, ev := a.describe(p, rep, f)
	out.Message = msg
	sort.Slice(ev, func(i, j int) bool { return ev[i].Name < ev[j].Name })
	for i := range ev {
		ev[i].Value = roundFigure(ev[i].Value)
	}
	out.Evidence = ev
	return out
}

// sustained judges a windowed condition that must hold for need before it
// is a finding.
func (a *Analyzer) sustained(p *proc, s *sustain, rule int, sev Severity, cond bool, value float64, need time.Duration, w *window, t int64) *finding {
	// Small enough to inline: at most judging points the condition is
	// false, and that needs no call.
	if !cond {
		s.on = false
		return nil
	}
	return a.held(p, s, rule, sev, value, need, w, t)
}

// held is sustained where the condition holds.
func (a *Analyzer) held(p *proc, s *sustain, rule int, sev Severity, value float64, need time.Duration, w *window, t int64) *finding {
	held := s.update(true, w, t)
	if held < 0 {
		return nil
	}
	if value > s.worst {
		s.worst = value
	}
	if held < need {
		return nil
	}
	f := a.finding(p, rule, sev, s.line, s.n, s.start)
	f.v[0] = max(f.v[0], s.worst)
	f.v[1] = max(f.v[1], held.Seconds())
	return f
}

// windowRules judges the rules that look at the sliding window.
func (a *Analyzer) windowRules(p *proc, c *cycle, w *window) {
	cfg := &a.cfg
	g, t := c.g, c.t
	if a.on[ruleGCFrequency] {
		cond := w.gcRate > cfg.GCFrequencyMaxPerSecond
		if f := a.sustained(p, &p.gcFreq, ruleGCFrequency, Warning, cond, w.gcRate, cfg.GCFrequencyMinDuration, w, t); f != nil {
			a.extend(p, f, g.Line, g.N, t)
		}
	}
	// Pinned: three quarters of the window's cycles at the minimum heap.
	thrash := w.gcRate >= cfg.MinHeapThrashMinPerSec && w.minh*4 >= w.all*3
	if a.on[ruleAllocChurn] {
		// Garbage is churn where it, not the minimum heap (min-heap-thrash)
		// or runtime.GC (forced-gc, a quarter of the cycles or more),
		// makes the cycles.
		cond := w.allocRate >= cfg.AllocChurnMinRate && w.liveShare >= 0 && w.liveShare <= cfg.AllocChurnMaxLiveShare &&
			!thrash && w.forced*4 < w.all
		if f := a.sustained(p, &p.churn, ruleAllocChurn, Warning, cond, w.allocRate, cfg.AllocChurnMinDuration, w, t); f != nil {
			if f.v[5] == 0 || w.liveShare < f.v[2] {
				f.v[2], f.v[5] = w.liveShare, 1
			}
			a.extend(p, f, g.Line, g.N, t)
		}
	}
	if a.on[ruleHighGCCPU] {
		cond := w.cpuPct >= cfg.HighGCCPUWarning
		f := a.sustained(p, &p.cpuWarn, ruleHighGCCPU, Warning, cond, w.cpuPct, cfg.HighGCCPUMinDuration, w, t)
		errHeld := p.cpuErr.update(cfg.HighGCCPUError > 0 && w.cpuPct >= cfg.HighGCCPUError, w, t)
		if f != nil {
			if errHeld >= cfg.HighGCCPUMinDuration {
				f.Severity = Error
			}
			a.extend(p, f, g.Line, g.N, t)
		}
	}
	if a.on[ruleMarkAssist] {
		cond := w.assistPct >= cfg.MarkAssistMaxShare && w.assistPct > 0 && w.cpuPct >= cfg.MarkAssistMinGCCPU
		if f := a.sustained(p, &p.assistS, ruleMarkAssist, Warning, cond, w.assistPct, cfg.MarkAssistMinDuration, w, t); f != nil {
			f.v[2] = max(f.v[2], w.cpuPct)
			a.extend(p, f, g.Line, g.N, t)
		}
	}
	if a.on[ruleMinHeapThrash] {
		if f := a.sustained(p, &p.thrash, ruleMinHeapThrash, Warning, thrash, w.gcRate, cfg.MinHeapThrashMinDuration, w, t); f != nil {
			a.extend(p, f, g.Line, g.N, t)
		}
	}
}

// cycleRules judges the rules that look at single cycles or runs of them.
// The common outcome, nothing to report, is reached without a call; the
// thresholds come precomputed from init.
func (a *Analyzer) cycleRules(p *proc, c *cycle) {
	cfg := &a.cfg
	g, t := c.g, c.t

	if p.cycles > 1 && g.Procs != p.prevProcs && a.on[ruleProcsChange] {
		f := a.finding(p, ruleProcsChange, Info, g.Line, g.N, t)
		a.extend(p, f, g.Line, g.N, t)
	}

	if c.userForced {
		a.forcedCycle(p, c)
	} else if p.pendingForced > 0 {
		// The cycle the periodic GC helper started: "GC forced" comes
		// first, and the cycle is not marked (forced) from Go 1.9 on.
		p.pendingForced = 0
		p.periodic++
		a.periodicFinding(p, g.Line, g.N, t)
	}

	if !c.stwForced {
		pause := time.Duration(c.pause)
		if pause > p.maxPause {
			p.maxPause, p.maxPauseN = pause, g.N
		}
		if a.longOn && pause >= cfg.LongPauseWarning {
			a.longPause(p, c)
		}
		if c.goal >= cfg.HeapOvershootMinHeap && c.goal > 0 {
			p.goalCycles++
			if float64(c.h1) > float64(c.goal)*a.overFactor {
				a.overshootCycle(p, c)
			}
		}
	}

	if a.on[ruleHeapDoubling] {
		// heap-doubling: runs of doublings of the goal (or, without a
		// goal, the live heap), each measured from the goal the previous
		// one reached and taking at most HeapDoublingWithin cycles. In
		// the start-up, when every program grows from the 4 MiB minimum
		// to its working set in a few cycles, only doublings from a goal
		// of HeapDoublingMinHeap or more count; after it, a heap that
		// keeps doubling is a fault from whatever goal it starts.
		v := c.goal
		if v < 0 {
			v = c.live
		}
		switch {
		case !c.consecutive || v < 0 || p.dblBase == 0 || v < p.dblBase:
			a.restartDoubling(p, c, v)
		case float64(v) < a.dblFactor*float64(p.dblBase):
			p.dblSince++
			if p.dblSince >= a.dblWithin {
				a.restartDoubling(p, c, v)
			}
		case p.dblBase < a.dblMinHeap && (c.t < 0 || c.t < a.dblStartup):
			a.restartDoubling(p, c, v) // start-up growth
		default:
			p.dblSince++
			a.doubled(p, c, v)
		}
	}
	if a.on[ruleMemoryLimit] {
		// memory-limit-pressure compares each goal with the one GOGC
		// alone would set from the previous live heap. GOGC is read back
		// from the cycles the limit did not bind: the largest effective
		// GOGC seen from a live heap of 16 MiB or more (where truncation
		// costs at most 6%), or 100 when there is none yet.
		if g.Format < parser.FormatGo118 || c.goal < 0 || !c.consecutive || p.prevLive < 0 || g.Forced {
			p.limitRun = 0
		} else {
			est := p.gogcMax
			if est <= 0 {
				est = 100
			}
			implied := float64(p.prevLive) + c.base*est*0.01
			if implied < float64(cfg.MemoryLimitMinHeap) || float64(c.goal)*100 >= cfg.MemoryLimitMaxGoalShare*implied {
				p.limitRun = 0
			} else {
				a.limitBinds(p, c, est, implied)
			}
		}
	}
	if a.on[ruleLowResolution] && p.cycles >= 8 && p.findings[ruleLowResolution] == nil &&
		p.coarseClock|p.floorHeap|p.floorPause != 0 && a.atFloor(p) {
		f := a.finding(p, ruleLowResolution, Info, p.firstLine, p.firstN, p.firstStart)
		a.extend(p, f, g.Line, g.N, t)
	}
}

// occurrences counts the cycles of one kind in a process and remembers
// the first, where a finding about them starts.
type occurrences struct {
	n           int64
	line, cycle int
	start       int64
}

func (o *occurrences) add(c *cycle) {
	o.n++
	if o.n == 1 {
		o.line, o.cycle, o.start = c.g.Line, c.g.N, c.t
	}
}

// raise raises the finding about the occurrences, or extends it to the
// cycle c.
func (a *Analyzer) raise(p *proc, rule int, sev Severity, o *occurrences, c *cycle) {
	f := a.finding(p, rule, sev, o.line, o.cycle, o.start)
	a.extend(p, f, c.g.Line, c.g.N, c.t)
}

// forcedCycle counts a user-forced cycle and judges forced-gc.
func (a *Analyzer) forcedCycle(p *proc, c *cycle) {
	cfg := &a.cfg
	p.forced.add(c)
	if a.on[ruleForcedGC] && p.forced.n >= int64(max(cfg.ForcedGCMinCycles, 1)) &&
		float64(p.forced.n)*100 >= cfg.ForcedGCMinShare*float64(p.cycles) {
		a.raise(p, ruleForcedGC, Warning, &p.forced, c)
	}
}

// longPause counts a pause at or above the warning level.
func (a *Analyzer) longPause(p *proc, c *cycle) {
	cfg := &a.cfg
	p.longPauses.add(c)
	sev := Warning
	if cfg.LongPauseError > 0 && time.Duration(c.pause) >= cfg.LongPauseError {
		sev = Error
	}
	if sev == Error || p.longPauses.n >= int64(max(cfg.LongPauseMinCycles, 1)) || p.findings[ruleLongPause] != nil {
		a.raise(p, ruleLongPause, sev, &p.longPauses, c)
	}
}

// overshootCycle counts a cycle whose heap exceeded the goal by more than
// the excess and judges heap-overshoot.
func (a *Analyzer) overshootCycle(p *proc, c *cycle) {
	cfg := &a.cfg
	p.overshootBig.add(c)
	if a.on[ruleHeapOvershoot] && p.overshootBig.n >= int64(max(cfg.HeapOvershootMinCycles, 1)) &&
		float64(p.overshootBig.n)*100 >= cfg.HeapOvershootMinShare*float64(p.goalCycles) {
		a.raise(p, ruleHeapOvershoot, Warning, &p.overshootBig, c)
	}
}

func (a *Analyzer) periodicFinding(p *proc, line, n int, t int64) {
	if a.on[rulePeriodicGC] && p.periodic >= int64(max(a.cfg.PeriodicGCMinCycles, 1)) {
		f := a.finding(p, rulePeriodicGC, Info, line, n, t)
		a.extend(p, f, line, n, t)
	}
}

// restartDoubling ends any run of doublings; the next is measured from v.
func (a *Analyzer) restartDoubling(p *proc, c *cycle, v int64) {
	p.doubling, p.dblSince, p.dblBase = 0, 0, 0
	if v > 0 {
		p.dblBase = v
		p.dblLine, p.dblN, p.dblStart = c.g.Line, c.g.N, c.t
	}
}

// doubled extends the run of doublings with v, which reached the factor.
func (a *Analyzer) doubled(p *proc, c *cycle, v int64) {
	if p.doubling == 0 {
		p.dblFrom = p.dblBase
	}
	p.doubling++
	p.dblBase, p.dblSince = v, 0
	if p.doubling < max(a.cfg.HeapDoublingCycles, 1) {
		return
	}
	f := a.finding(p, ruleHeapDoubling, Warning, p.dblLine, p.dblN, p.dblStart)
	if float64(p.doubling) > f.v[2] { // the longest run is the evidence
		f.v[0] = float64(p.dblFrom) / mibF
		f.v[1] = float64(v) / mibF
		f.v[2] = float64(p.doubling)
		f.v[3] = -1
		if c.t >= 0 && p.dblStart >= 0 {
			f.v[3] = float64(c.t-p.dblStart) / 1e9
		}
		f.v[4] = float64(c.g.N - p.dblN)
	}
	a.extend(p, f, c.g.Line, c.g.N, c.t)
}

// limitBinds extends the run of cycles whose goal sits well below the
// GOGC-implied one and judges memory-limit-pressure.
func (a *Analyzer) limitBinds(p *proc, c *cycle, est, implied float64) {
	cfg := &a.cfg
	g := c.g
	if p.limitRun == 0 {
		p.limitLine, p.limitN, p.limitStart = g.Line, g.N, c.t
	}
	p.limitRun++
	if p.limitRun < max(cfg.MemoryLimitMinCycles, 1) {
		return
	}
	f := a.finding(p, ruleMemoryLimit, Warning, p.limitLine, p.limitN, p.limitStart)
	share := float64(c.goal) / implied * 100
	if f.v[3] == 0 || share < f.v[2] {
		f.v[0] = float64(c.goal) / mibF
		f.v[1] = implied / mibF
		f.v[2] = share
		f.v[4] = est
	}
	f.v[3] = max(f.v[3], float64(p.limitRun))
	a.extend(p, f, g.Line, g.N, c.t)
}

// closeBlock judges live-heap-growth when a block of the live-heap fit
// has filled (addGC adds the points), and starts the next block. Blocks
// double in size when all are full, so the fit over any suffix of blocks
// is available in constant memory.
func (a *Analyzer) closeBlock(p *proc) {
	a.liveGrowth(p)
	if p.nblk == blocks {
		for i := 0; i < blocks/2; i++ {
			m := p.blk[2*i]
			m.merge(&p.blk[2*i+1])
			p.blk[i] = m
		}
		for i := blocks / 2; i < blocks; i++ {
			p.blk[i] = fitSums{}
		}
		p.nblk = blocks / 2
		p.blkSize *= 2
	}
	p.nblk++
	p.blkCycles = 0
}

// liveGrowth fits the live heap over all closed blocks and over their
// later half (so that a leak after a long flat start is seen too).
func (a *Analyzer) liveGrowth(p *proc) {
	cfg := &a.cfg
	if !a.on[ruleLiveHeapGrowth] {
		return
	}
	for _, from := range [2]int{0, p.nblk / 2} {
		var fit fitSums
		for i := from; i < p.nblk; i++ {
			fit.merge(&p.blk[i])
		}
		span := fit.t1 - fit.t0
		if span*1e9 < float64(cfg.LiveHeapGrowthMinDuration) || span <= 0 {
			continue
		}
		slope, icept, r2 := fit.line()
		growth := slope * span
		start := icept + slope*fit.t0
		pct := growth / math.Max(start, 1) * 100
		if r2 < cfg.LiveHeapGrowthMinR2 || growth*(1<<20) < float64(cfg.LiveHeapGrowthMinGrowth) || growth <= 0 ||
			pct < cfg.LiveHeapGrowthMinPercent || fit.maxStep > growth*cfg.LiveHeapGrowthMaxStep/100 {
			continue
		}
		f := a.finding(p, ruleLiveHeapGrowth, Warning, fit.line0, fit.n0, int64(fit.t0*1e9))
		if f.emitted < 0 || fit.t1-fit.t0 >= f.v[4] {
			f.FirstLine, f.FirstCycle, f.Start = fit.line0, fit.n0, time.Duration(fit.t0*1e9)
			f.v[0], f.v[1], f.v[2], f.v[3], f.v[4] = growth, pct, slope, r2, span
			f.v[5], f.v[6] = start, start+growth
		}
		a.extend(p, f, fit.line1, fit.n1, int64(fit.t1*1e9))
		return
	}
}

// atFloor reports whether any figure sits at the print floor in most cycles.
func (a *Analyzer) atFloor(p *proc) bool {
	lim := a.cfg.LowResolutionMinShare * float64(p.cycles)
	return float64(p.coarseClock)*100 >= lim && p.coarseClock > 0 ||
		float64(p.floorHeap)*100 >= lim && p.floorHeap > 0 ||
		float64(p.floorPause)*100 >= lim && p.floorPause > 0
}

// floors lists the figures most of whose values sit at the print floor.
func (a *Analyzer) floors(p *proc) []string {
	var out []string
	if p.cycles == 0 {
		return nil
	}
	share := func(n int64) bool { return float64(n)*100 >= a.cfg.LowResolutionMinShare*float64(p.cycles) && n > 0 }
	if share(p.coarseClock) {
		out = append(out, "clock")
	}
	if share(p.floorHeap) {
		out = append(out, "heap")
	}
	if share(p.floorPause) {
		out = append(out, "pause")
	}
	return out
}

// describe writes a finding's one-line evidence and its figures.
func (a *Analyzer) describe(p *proc, rep *ProcessReport, f *finding) (string, []Figure) {
	v := f.v
	switch f.Rule {
	case RuleUnparsedLines:
		n := a.st.unparsed
		first := ""
		if len(a.st.unparsedPos) > 0 {
			first = "; first: " + a.st.unparsedPos[0]
		}
		return fmt.Sprintf("%d GC-like line(s) could not be read%s", n, first),
			[]Figure{{Name: "unparsed_lines", Value: float64(n), Unit: "lines"}}
	}
	if p == nil || rep == nil {
		return "", nil
	}
	switch f.Rule {
	case RuleGCFrequency:
		return fmt.Sprintf("up to %.1f GCs/s over %s windows, above %g for %.1fs; %.1f GCs/s overall",
				v[0], a.windowName(), a.cfg.GCFrequencyMaxPerSecond, v[1], rep.GCPerSecond),
			[]Figure{{"max_gc_per_second", v[0], "1/s"}, {"held_s", v[1], "s"}, {"gc_per_second", rep.GCPerSecond, "1/s"}}
	case RuleAllocChurn:
		if f.prof != nil && v[1] == 0 {
			return describeProfileChurn(f.prof, rep)
		}
		mib := v[0] / (1 << 20)
		return fmt.Sprintf("allocating up to %.0f MiB/s over %s windows with %.0f%% of the heap surviving each cycle, for %.1fs; %.1f MiB allocated per cycle",
				mib, a.windowName(), v[2], v[1], rep.AllocMiBPerCycle),
			[]Figure{{"max_alloc_rate_mib_per_s", mib, "MiB/s"}, {"live_share_percent", v[2], "%"}, {"held_s", v[1], "s"},
				{"alloc_rate_mib_per_s", rep.AllocRateMiBPerS, "MiB/s"}, {"alloc_mib_per_cycle", rep.AllocMiBPerCycle, "MiB"}}
	case RuleHeapDoubling:
		over := fmt.Sprintf("%d cycles", int(v[4]))
		if v[3] >= 0 {
			over += fmt.Sprintf(" and %.2fs", v[3])
		}
		return fmt.Sprintf("heap goal doubled %d times in a row, %.0f → %.0f MB over %s; peak heap %.0f MB",
				int(v[2]), v[0], v[1], over, rep.HeapPeakMiB),
			[]Figure{{"doublings", v[2], ""}, {"cycles", v[4], "cycles"}, {"from_mib", v[0], "MiB"}, {"to_mib", v[1], "MiB"}, {"heap_peak_mib", rep.HeapPeakMiB, "MiB"}}
	case RuleLiveHeapGrowth:
		pct := ""
		if v[5] >= 1 { // a percentage of next to nothing says nothing
			pct = fmt.Sprintf(", +%.0f%%", v[1])
		}
		return fmt.Sprintf("live heap grew %.0f → %.0f MB (+%.0f MB%s) over %.0fs, %.2f MB/s, R² %.2f",
				max(v[5], 0), v[6], v[0], pct, v[4], v[2], v[3]),
			[]Figure{{"growth_mib", v[0], "MiB"}, {"growth_percent", v[1], "%"}, {"slope_mib_per_s", v[2], "MiB/s"}, {"fit_r2", v[3], ""}, {"span_s", v[4], "s"}}
	case RuleHighGCCPU:
		return fmt.Sprintf("GC used up to %.0f%% of CPU over %s windows, above %g%% for %.1fs; %.1f%% overall",
				v[0], a.windowName(), a.cfg.HighGCCPUWarning, v[1], rep.GCCPUPercent),
			[]Figure{{"max_gc_cpu_percent", v[0], "%"}, {"held_s", v[1], "s"}, {"gc_cpu_percent", rep.GCCPUPercent, "%"}}
	case RuleLongPause:
		return fmt.Sprintf("%d pause(s) of %s or more, longest %s (gc %d); p99 %.3g ms",
				p.longPauses.n, a.cfg.LongPauseWarning, p.maxPause, p.maxPauseN, rep.PauseMS.P99),
			[]Figure{{"long_pauses", float64(p.longPauses.n), "cycles"}, {"max_pause_ms", float64(p.maxPause) / 1e6, "ms"}, {"pause_p99_ms", rep.PauseMS.P99, "ms"}}
	case RuleMarkAssist:
		return fmt.Sprintf("assists did up to %.0f%% of mark work over %s windows, with GC CPU up to %.0f%%, for %.1fs; %.0f%% overall",
				v[0], a.windowName(), v[2], v[1], rep.AssistPercent),
			[]Figure{{"max_assist_percent", v[0], "%"}, {"max_gc_cpu_percent", v[2], "%"}, {"held_s", v[1], "s"}, {"assist_percent", rep.AssistPercent, "%"}}
	case RuleForcedGC:
		return fmt.Sprintf("%d of %d cycles were forced (runtime.GC or debug.FreeOSMemory)", p.forced.n, p.cycles),
			[]Figure{{"forced_cycles", float64(p.forced.n), "cycles"}, {"cycles", float64(p.cycles), "cycles"}}
	case RuleHeapOvershoot:
		return fmt.Sprintf("heap at mark end exceeded the goal by more than %.0f%% in %d of %d cycles (goal ≥ %s)",
				a.cfg.HeapOvershootMinExcess, p.overshootBig.n, p.goalCycles, formatSize(float64(a.cfg.HeapOvershootMinHeap))),
			[]Figure{{"overshoot_cycles", float64(p.overshootBig.n), "cycles"}, {"cycles", float64(p.goalCycles), "cycles"}}
	case RuleMemoryLimitPressure:
		return fmt.Sprintf("heap goal %.0f MB is %.0f%% of the %.0f MB GOGC=%.0f would set, %d cycles in a row; %.1f GCs/s, GC CPU up to %.0f%%",
				v[0], v[2], v[1], v[4], int(v[3]), rep.GCPerSecond, rep.GCCPUPercentMaxWindow),
			[]Figure{{"goal_mib", v[0], "MiB"}, {"gogc_goal_mib", v[1], "MiB"}, {"goal_percent", v[2], "%"}, {"cycles", v[3], "cycles"},
				{"gogc", v[4], ""}, {"gc_per_second", rep.GCPerSecond, "1/s"}}
	case RuleMinHeapThrash:
		return fmt.Sprintf("heap goal at the %s minimum while up to %.0f GCs/s ran over %s windows, for %.1fs; live heap at most %g MB",
				formatSize(float64(a.cfg.MinHeapThrashMaxGoal)), v[0], a.windowName(), v[1], rep.HeapLiveMiB.Max),
			[]Figure{{"max_gc_per_second", v[0], "1/s"}, {"held_s", v[1], "s"}, {"heap_goal_max_mib", rep.HeapGoalMiB.Max, "MiB"}}
	case RulePeriodicGC:
		return fmt.Sprintf("%d periodic GC(s) after 2 minutes without one", p.periodic),
			[]Figure{{"periodic_cycles", float64(p.periodic), "cycles"}}
	case RuleProcsChange:
		return fmt.Sprintf("GOMAXPROCS changed %d time(s), between %d and %d", p.procsChanges, p.procsMin, p.procsMax),
			[]Figure{{"changes", float64(p.procsChanges), ""}, {"procs_min", float64(p.procsMin), "P"}, {"procs_max", float64(p.procsMax), "P"}}
	case RuleLowResolution:
		fl := a.floors(p)
		var parts []string
		var ev []Figure
		for _, x := range fl {
			var n int64
			switch x {
			case "clock":
				n = p.coarseClock
				parts = append(parts, fmt.Sprintf("%d of %d cycles have a millisecond clock", n, p.cycles))
			case "heap":
				n = p.floorHeap
				parts = append(parts, fmt.Sprintf("%d of %d cycles have heaps of 0–1 MB", n, p.cycles))
			case "pause":
				n = p.floorPause
				parts = append(parts, fmt.Sprintf("%d of %d pauses print as 0", n, p.cycles))
			}
			ev = append(ev, Figure{x + "_cycles", float64(n), "cycles"})
		}
		return strings.Join(parts, "; "), ev
	}
	return "", nil
}

func (a *Analyzer) windowName() string {
	w := a.cfg.Window
	if w <= 0 {
		w = 10 * time.Second
	}
	return w.String()
}
