package analyze

import (
	"sort"
	"time"
)

const mibF = 1 << 20

// Report returns the analysis so far. It may be called at any time (at the
// end of the input, on an interrupt) and more than once; it does not
// change the Analyzer, and later Adds do not change a returned Report.
func (a *Analyzer) Report() *Report {
	s := &a.st
	r := &Report{
		Version:          ReportVersion,
		Processes:        []ProcessReport{},
		Findings:         []Finding{},
		OmittedProcesses: s.omitted,
		UnparsedLines:    s.unparsed,
		Unparsed:         append([]string(nil), s.unparsedPos...),
		Lines:            s.lines,
		GCLines:          s.gcLines,
		RuntimeLines:     s.rtLines,
		TextLines:        s.textLines,
	}
	procs := append([]doneProc(nil), s.done...)
	for _, p := range s.live {
		procs = append(procs, a.summarise(p))
	}
	// The same bound as for finished processes, over all of them.
	if limit := max(a.cfg.MaxProcesses, 1); len(procs) > limit {
		sort.SliceStable(procs, func(i, j int) bool { return procs[i].moreInteresting(&procs[j]) })
		r.OmittedProcesses += int64(len(procs) - limit)
		procs = procs[:limit]
	}
	sort.Slice(procs, func(i, j int) bool {
		if procs[i].fileIdx != procs[j].fileIdx {
			return procs[i].fileIdx < procs[j].fileIdx
		}
		return procs[i].rep.Process < procs[j].rep.Process
	})
	for _, p := range procs {
		r.Processes = append(r.Processes, p.rep)
		r.Findings = append(r.Findings, p.findings...)
	}
	if f := s.unparsedF; f != nil && f.emitted >= 0 {
		r.Findings = append(r.Findings, a.render(nil, nil, f))
	}
	r.SortFindings()
	return r
}

// SortFindings orders the findings worst first, then by input (in the
// order the inputs' processes appear), process, first line and rule. Report
// returns them so; a caller that adds findings of its own sorts again.
func (r *Report) SortFindings() {
	fileIdx := map[string]int{}
	for _, p := range r.Processes {
		if _, ok := fileIdx[p.File]; !ok {
			fileIdx[p.File] = len(fileIdx)
		}
	}
	idx := func(f string) int {
		if i, ok := fileIdx[f]; ok {
			return i
		}
		return len(fileIdx)
	}
	sort.SliceStable(r.Findings, func(i, j int) bool {
		x, y := &r.Findings[i], &r.Findings[j]
		if x.Severity != y.Severity {
			return x.Severity > y.Severity
		}
		if fx, fy := idx(x.File), idx(y.File); fx != fy {
			return fx < fy
		}
		if x.Process != y.Process {
			return x.Process < y.Process
		}
		if x.FirstLine != y.FirstLine {
			return x.FirstLine < y.FirstLine
		}
		return x.Rule < y.Rule
	})
}

// procFindings renders a process's findings with their current numbers.
func (a *Analyzer) procFindings(p *proc, rep *ProcessReport) []Finding {
	var out []Finding
	for _, f := range p.findings {
		if f == nil || f.emitted < 0 {
			continue
		}
		if f.Rule == RuleLowResolution && len(a.floors(p)) == 0 {
			continue // no longer true of the whole process
		}
		r := a.render(p, rep, f)
		if f.Rule == RuleLowResolution { // about the whole process
			r.LastLine, r.LastCycle = p.lastLine, p.lastN
			if p.timed {
				r.End = time.Duration(p.lastStart)
			}
		}
		out = append(out, r)
	}
	return out
}

// processReport summarises one process.
func (a *Analyzer) processReport(p *proc) ProcessReport {
	r := ProcessReport{
		File:                p.key.file,
		Process:             p.key.process,
		Format:              p.format.String(),
		FirstLine:           p.firstLine,
		LastLine:            p.lastLine,
		Cycles:              p.cycles,
		FirstCycle:          p.firstN,
		LastCycle:           p.lastN,
		PauseMS:             p.pause.quantiles(1e6),
		MarkMS:              p.mark.quantiles(1e6),
		IntervalMS:          p.interval.quantiles(1e6),
		PrintedGCCPUPercent: p.printedPct,
		OvershootCycles:     p.overshoot,
		ForcedCycles:        p.forced.n,
		PeriodicCycles:      p.periodic,
		Procs:               ProcsReport{Min: p.procsMin, Max: p.procsMax, Changes: p.procsChanges},
		AtResolutionFloor:   a.floors(p),
		Memory:              p.memory,
	}
	if r.AtResolutionFloor == nil {
		r.AtResolutionFloor = []string{}
	}
	if p.timed {
		r.StartS = round3(time.Duration(p.firstStart).Seconds())
		span := time.Duration(p.lastStart - p.firstStart).Seconds()
		r.DurationS = finite(span)
		if span > 0 {
			r.GCPerSecond = round3(float64(p.cycles-1) / span)
			r.AllocRateMiBPerS = round3(float64(p.allocated) / mibF / span)
		}
		if p.cum.capac > 0 {
			r.GCCPUPercent = round3(float64(p.cum.cpu) / p.cum.capac * 100)
		}
		r.GCCPUPercentMaxWindow = round3(p.maxWindowCPU)
		slope, _, r2 := p.fit.line()
		r.HeapLiveSlopeMiBPerS = round3(slope)
		r.HeapLiveFitR2 = round3(r2)
	}
	if as, bg := p.cum.assist, p.cum.bg; as+bg > 0 {
		r.AssistPercent = round3(float64(as) / float64(as+bg) * 100)
	}
	r.AllocatedMiB = finite(float64(p.allocated) / mibF)
	if p.allocCycles > 0 {
		r.AllocMiBPerCycle = round3(float64(p.allocated) / mibF / float64(p.allocCycles))
	}
	if p.hasLive {
		r.HeapLiveMiB = Range{Min: float64(p.liveMin) / mibF, Max: float64(p.liveMax) / mibF}
	}
	r.HeapPeakMiB = float64(p.peak) / mibF
	if p.hasGoal {
		r.HeapGoalMiB = Range{Min: float64(p.goalMin) / mibF, Max: float64(p.goalMax) / mibF}
	}
	if p.gogc.n > 0 {
		r.EffectiveGOGC = round3(p.gogc.quantile(0.5))
	}
	return r
}
