package metrics

import (
	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/parser"
)

const mib = 1 << 20

// procKey identifies a process stream: the parser's id within one input.
type procKey struct {
	file    string
	process int
}

// findingKey is one rule at one severity, the labels of the finding series.
type findingKey struct {
	rule     string
	severity string
}

// proc is the state behind the series of one process label value.
type proc struct {
	label    string
	lastUsed int64 // for least-recently-used folding

	cycles, forced                       float64
	allocated                            float64 // bytes
	gcCPU, assist, pause                 float64 // seconds
	pauses                               hist
	heapLive, heapGoal, heapStart        float64
	stacks, globals, procs, gogc         float64
	hasLive, hasGoal, hasStacks, hasGOGC bool
	hasCycle                             bool

	// Follow-up of consecutive cycles, for the allocated bytes and GOGC.
	prevN    int
	prevLive int64 // -1 when unknown
	lastN    int   // the latest cycle number, to tell active findings

	fired  map[findingKey]float64
	active map[findingKey]bool
}

func newProc(label string) *proc {
	return &proc{label: label, prevLive: -1, fired: map[findingKey]float64{}, active: map[findingKey]bool{}}
}

// cycle adds one GC record. The figures are those of PRODUCT.md, as the
// analyzer computes them, so that the series agree with the report.
func (p *proc) cycle(g *parser.GC) {
	consecutive := p.hasCycle && g.N == p.prevN+1
	p.hasCycle = true
	p.cycles++
	if g.Forced && !g.LeakCheck {
		p.forced++
	}
	pause := g.Pause()
	p.pause += pause.Seconds()
	p.pauses.observe(pause.Seconds())

	// Before Go 1.9 a forced cycle stopped the world throughout, and its
	// assist and background CPU repeat the previous cycle's.
	stwForced := g.Forced && g.Format.Concurrent() && g.Format <= parser.FormatGo16 && g.Mark() == 0
	if stwForced {
		p.gcCPU += (g.CPU[0] + g.CPU[max(g.NCPU-1, 0)]).Seconds()
	} else {
		p.gcCPU += g.CPUTime().Seconds()
		p.assist += g.Assist().Seconds()
	}

	if consecutive && g.HeapLive >= 0 && p.prevLive >= 0 {
		p.allocated += float64(max(g.HeapEnd-p.prevLive, 0))
	}
	if consecutive && g.Format >= parser.FormatGo118 && p.prevLive >= 4<<20 && g.HeapGoal > 4<<20 && !stwForced {
		base := float64(p.prevLive + max(g.Stacks, 0) + max(g.Globals, 0))
		p.gogc, p.hasGOGC = float64(g.HeapGoal-p.prevLive)/base*100, true
	}

	p.heapStart = float64(g.HeapStart)
	p.hasLive = g.HeapLive >= 0
	p.heapLive = float64(g.HeapLive)
	p.hasGoal = g.HeapGoal >= 0
	p.heapGoal = float64(g.HeapGoal)
	p.hasStacks = g.Stacks >= 0
	p.stacks, p.globals = float64(g.Stacks), float64(g.Globals)
	p.procs = float64(g.Procs)

	p.prevN, p.lastN = g.N, g.N
	p.prevLive = g.HeapLive // Absent (-1) where not printed
}

// finding counts a finding fired (or fired again, more severe).
func (p *proc) finding(f *analyze.Finding) {
	k := findingKey{f.Rule, f.Severity.String()}
	p.fired[k]++
	for a := range p.active {
		if a.rule == f.Rule {
			p.active[a] = false
		}
	}
	p.active[k] = true
}

// fold adds the counters of q into p, which stands for the processes no
// longer shown one by one. Gauges describe one process and are not folded.
func (p *proc) fold(q *proc) {
	p.cycles += q.cycles
	p.forced += q.forced
	p.allocated += q.allocated
	p.gcCPU += q.gcCPU
	p.assist += q.assist
	p.pause += q.pause
	p.pauses.merge(&q.pauses)
	for k, n := range q.fired {
		p.fired[k] += n
		if _, ok := p.active[k]; !ok {
			p.active[k] = false
		}
	}
}
