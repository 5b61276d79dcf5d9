package analyze

import (
	"fmt"
	"strings"
	"time"
)

// MemoryUsage is where a process's memory went over a span of its run,
// read from its program's heap profile (two snapshots of it) and handed
// to Analyzer.AddUsage. The trace says how much is allocated and kept; the
// profile says by whom. Sizes are MiB, not truncated.
type MemoryUsage struct {
	Source string `json:"source"`
	// WindowS is the time between the two snapshots; 0 when there is one
	// profile, whose allocations count from the program's start.
	WindowS        float64 `json:"window_s"`
	AllocatedMiB   float64 `json:"allocated_mib"`
	InuseGrowthMiB float64 `json:"inuse_growth_mib"`
	// Allocators are the leading functions by bytes allocated, largest
	// first; Growth by bytes more in use at the end than at the start.
	Allocators []FuncUsage `json:"allocators"`
	Growth     []FuncUsage `json:"inuse_growth"`
}

// FuncUsage is one function's part of a MemoryUsage: what it allocated
// itself (flat) and how much more of it is in use.
type FuncUsage struct {
	Func             string  `json:"func"`            // (*Dog).Run
	Where            string  `json:"where,omitempty"` // bomb/zoo/dog.go:30
	AllocatedMiB     float64 `json:"allocated_mib"`
	AllocRateMiBPerS float64 `json:"alloc_rate_mib_per_s"` // 0 without a window
	InuseGrowthMiB   float64 `json:"inuse_growth_mib"`
	// SharePercent is the function's part of the allocation (allocators)
	// or of the growth (growth).
	SharePercent float64 `json:"share_percent"`
	// AllocationBytes is the size of one of its allocations, where the
	// profile says; 0 otherwise.
	AllocationBytes int64 `json:"allocation_bytes,omitempty"`
}

// KeptPercent is how much of what the function allocated is still in use
// at the end of the window, from 0 (all garbage) to 100 (all kept).
func (f *FuncUsage) KeptPercent() float64 {
	if f.AllocatedMiB <= 0 {
		return 0
	}
	return min(max(f.InuseGrowthMiB/f.AllocatedMiB*100, 0), 100)
}

// profileChurn is alloc-churn as the heap profile shows it: the function
// that allocates garbage and the figures behind it.
type profileChurn struct {
	fn        FuncUsage
	windowS   float64
	liveShare float64 // percent of the heap surviving a cycle, over the process so far
}

// AddUsage sets where the memory of a process goes, from its program's
// heap profile, and judges alloc-churn on it where the trace cannot: when
// more than alloc-churn.max-live-share of the heap survives its cycles (a
// large live heap kept elsewhere makes few, mostly live cycles, which hide
// any churn), a function that allocates at alloc-churn.min-rate or more
// over at least alloc-churn.min-duration, of which no more than
// max-live-share stays in use, churns.
//
// The process is the one of the input named file that printed the latest
// cycle, or with file "" that of any input; AddUsage reports whether
// there was one. A later usage replaces an earlier one.
func (a *Analyzer) AddUsage(file string, u MemoryUsage) bool {
	p := a.latest(file)
	if p == nil {
		return false
	}
	p.memory = &u
	cfg := &a.cfg
	if !a.on[ruleAllocChurn] || u.WindowS < cfg.AllocChurnMinDuration.Seconds() || u.WindowS <= 0 {
		return true
	}
	if f := p.findings[ruleAllocChurn]; f != nil && f.prof == nil {
		return true // the trace shows it already
	}
	if p.cum.h0 <= 0 {
		return true
	}
	live := float64(p.cum.h2) / float64(p.cum.h0) * 100
	if live <= cfg.AllocChurnMaxLiveShare {
		return true // the trace can see churn here, and judges it
	}
	for _, fn := range u.Allocators {
		if fn.AllocRateMiBPerS*mibF < cfg.AllocChurnMinRate || fn.KeptPercent() > cfg.AllocChurnMaxLiveShare {
			continue
		}
		f := a.finding(p, ruleAllocChurn, Warning, p.firstLine, p.firstN, p.firstStart)
		if f.prof == nil || fn.AllocRateMiBPerS > f.prof.fn.AllocRateMiBPerS {
			f.prof = &profileChurn{fn: fn, windowS: u.WindowS, liveShare: live}
			f.Attribution = fmt.Sprintf("%s (heap profile over %.1fs)", describeFunc(&fn), u.WindowS)
		}
		a.extend(p, f, p.lastLine, p.lastN, p.lastStart)
		break
	}
	return true
}

// ProfiledTo returns how far into the run of a process its program's
// heap profile holds the allocations: the runtime publishes what was
// allocated before a cycle only once the cycle after it completes, so up
// to the start of the second latest cycle (0 before there are two). The
// span a delta of two profiles covers is the time between these at the
// two pulls, not between the pulls, which under a large heap can be
// seconds more. The process is the one AddUsage would give a usage to;
// ok is false before it has a timed cycle.
func (a *Analyzer) ProfiledTo(file string) (process int, at time.Duration, ok bool) {
	p := a.latest(file)
	if p == nil || !p.timed || p.lastStart < 0 {
		return 0, 0, false
	}
	return p.key.process, time.Duration(max(p.prevStart, 0)), true
}

// latest returns the live process of file (any file for "") that
// printed the latest cycle.
func (a *Analyzer) latest(file string) *proc {
	if p := a.st.last; p != nil && (file == "" || p.key.file == file) {
		return p
	}
	var best *proc
	for _, p := range a.st.live {
		if (file == "" || p.key.file == file) && (best == nil || p.lastUsed > best.lastUsed) {
			best = p
		}
	}
	return best
}

// describeProfileChurn is the message and evidence of an alloc-churn the
// heap profile shows and the trace does not.
func describeProfileChurn(c *profileChurn, rep *ProcessReport) (string, []Figure) {
	fn := &c.fn
	msg := fmt.Sprintf("%s allocates %.1f MiB/s of which %.0f%% stays in use, over %.1fs of the heap profile",
		fn.Func, fn.AllocRateMiBPerS, fn.KeptPercent(), c.windowS)
	msg += fmt.Sprintf("; the trace cannot show it, %.0f%% of the heap surviving each cycle (live heap up to %.0f MB)", c.liveShare, rep.HeapLiveMiB.Max)
	return msg, []Figure{
		{"func_alloc_rate_mib_per_s", fn.AllocRateMiBPerS, "MiB/s"},
		{"func_kept_percent", fn.KeptPercent(), "%"},
		{"live_share_percent", c.liveShare, "%"},
		{"profile_window_s", c.windowS, "s"},
		{"alloc_rate_mib_per_s", rep.AllocRateMiBPerS, "MiB/s"},
		{"heap_live_max_mib", rep.HeapLiveMiB.Max, "MiB"},
	}
}

// describeFunc says what one function does with memory, in a line:
// "(*Dog).Run (bomb/zoo/dog.go:30, 32.0 KiB per allocation): 16.0 MiB/s,
// 12% of all allocation, 0% of it kept".
func describeFunc(f *FuncUsage) string {
	var b strings.Builder
	b.WriteString(f.Func)
	var detail []string
	if f.Where != "" {
		detail = append(detail, f.Where)
	}
	if f.AllocationBytes > 0 {
		detail = append(detail, formatBytes(f.AllocationBytes)+" per allocation")
	}
	if len(detail) > 0 {
		b.WriteString(" (" + strings.Join(detail, ", ") + ")")
	}
	if f.AllocRateMiBPerS > 0 {
		fmt.Fprintf(&b, ": %.1f MiB/s, %.0f%% of all allocation, %.0f%% of it kept", f.AllocRateMiBPerS, f.SharePercent, f.KeptPercent())
	} else {
		fmt.Fprintf(&b, ": %.1f MiB, %.0f%% of all allocation, %.0f%% of it kept", f.AllocatedMiB, f.SharePercent, f.KeptPercent())
	}
	return b.String()
}

// formatBytes prints n in binary units with three significant digits.
func formatBytes(n int64) string {
	v := float64(n)
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	u := 0
	for v >= 1023.5 && u < len(units)-1 {
		v /= 1024
		u++
	}
	switch {
	case u == 0:
		return fmt.Sprintf("%.0f B", v)
	case v >= 100:
		return fmt.Sprintf("%.0f %s", v, units[u])
	case v >= 10:
		return fmt.Sprintf("%.1f %s", v, units[u])
	}
	return fmt.Sprintf("%.2f %s", v, units[u])
}
