// Package attribute pulls a Go program's allocation and heap profiles and
// names the functions behind the churn and growth its GC trace shows.
package attribute

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/google/pprof/profile"
)

// Kind is what Attribute pulls, chosen by the finding it explains.
type Kind int

const (
	// Allocs is churn: a delta of the allocs profile over a window,
	// ranked by alloc_space. It explains alloc-churn, gc-frequency,
	// high-gc-cpu and mark-assist.
	Allocs Kind = iota + 1
	// Heap is growth: the heap profile as it stands, ranked by
	// inuse_space. It explains heap-doubling and live-heap-growth.
	Heap
)

func (k Kind) String() string {
	switch k {
	case Allocs:
		return "allocs"
	case Heap:
		return "heap"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// KindFor returns the kind of profile that explains a finding, by rule
// ID, and false for rules no profile explains.
func KindFor(rule string) (Kind, bool) {
	switch rule {
	case "alloc-churn", "gc-frequency", "high-gc-cpu", "mark-assist":
		return Allocs, true
	case "heap-doubling", "live-heap-growth":
		return Heap, true
	}
	return 0, false
}

// Attribution names the functions behind a profile's total.
type Attribution struct {
	Kind   Kind
	Source string // the file or URL read
	Sample string // alloc_space for Allocs, inuse_space for Heap
	// Window is the span the allocation delta covers; zero for a
	// cumulative profile or a heap snapshot.
	Window time.Duration
	// Total is the bytes allocated in the window (Allocs) or in use at
	// the last completed GC (Heap), the profiler's own included.
	Total int64
	// Top are the leading functions by flat: at most three, each with
	// at least 5% of Total, and always the first.
	Top []Share
	// Summary says it in one line for a finding, such as
	// "98% by (*Dog).Run (bomb/zoo/dog.go:43, 16 MiB per allocation)".
	Summary string
	// Ranking is the ranking behind Top, its first ten functions.
	Ranking *Ranking
}

// Share is one function's part of an Attribution.
type Share struct {
	Func
	Short string  // the name without package path: (*Dog).Run
	Where string  // short file:line: bomb/zoo/dog.go:43
	Share float64 // Flat / Total, from 0 to 1
	// Size is the size in bytes of one allocation in the sample that
	// holds most of the function's bytes: the allocation that matters,
	// where an average would mix it with the small ones around it.
	// Zero when the profile does not say.
	Size int64
}

// Attribute pulls the profile kind calls for from src and names the
// functions behind it: for Allocs, what was allocated over the next
// window (the whole run when window is zero); for Heap, what is in use.
// It blocks for the window plus the time to fetch; run it in its own
// goroutine and cancel ctx to give up. A window is rounded up to whole
// seconds, the resolution of net/http/pprof; window decides, a ?seconds=N
// in the source URL is ignored.
func Attribute(ctx context.Context, src Source, kind Kind, window time.Duration) (*Attribution, error) {
	src.Seconds = 0
	opt := FetchOptions{}
	var sample, objects string
	switch kind {
	case Allocs:
		opt.Profile, sample, objects = "allocs", AllocSpace, AllocObjects
		if window > 0 {
			opt.Seconds = int(math.Ceil(window.Seconds()))
		}
	case Heap:
		opt.Profile, sample, objects = "heap", InuseSpace, InuseObjects
		if window > 0 {
			return nil, fmt.Errorf("a heap attribution is a snapshot and takes no window")
		}
	default:
		return nil, fmt.Errorf("unknown attribution kind %v", kind)
	}
	p, err := Fetch(ctx, src, opt)
	if err != nil {
		return nil, err
	}
	r, err := Rank(p, sample, RankOptions{Top: 10})
	if err != nil {
		return nil, withSource(err, src.String())
	}
	sizes := allocationSizes(p, sample, objects)
	a := &Attribution{Kind: kind, Source: src.String(), Sample: r.Sample, Window: r.Window, Total: r.Total, Ranking: r}
	for i, f := range r.Functions {
		share := float64(f.Flat) / float64(r.Total)
		if i >= 3 || (i > 0 && share < 0.05) {
			break
		}
		a.Top = append(a.Top, Share{Func: f, Short: ShortName(f.Name), Where: where(f), Share: share, Size: sizes[f.Name]})
	}
	a.Summary = summary(a.Top)
	return a, nil
}

// allocationSizes returns, per leaf function, the size of one allocation
// in its largest sample by the space column. The runtime labels each
// sample with its block size ("bytes"); without the label the size is
// the sample's space over its objects.
func allocationSizes(p *profile.Profile, space, objects string) map[string]int64 {
	si, err := sampleIndex(p, space)
	if err != nil {
		return nil
	}
	oi, err := sampleIndex(p, objects)
	if err != nil {
		oi = -1
	}
	best := map[string]int64{}
	sizes := map[string]int64{}
	for _, s := range p.Sample {
		if len(s.Location) == 0 || si >= len(s.Value) || oi >= len(s.Value) {
			continue
		}
		v := s.Value[si]
		name := leafName(s)
		if v <= 0 || v <= best[name] {
			continue
		}
		var size int64
		if b := s.NumLabel["bytes"]; len(b) > 0 {
			size = b[0]
		} else if oi >= 0 && s.Value[oi] > 0 {
			size = v / s.Value[oi]
		}
		if size > 0 {
			best[name], sizes[name] = v, size
		}
	}
	return sizes
}

func where(f Func) string {
	if f.File == "" {
		return ""
	}
	w := ShortFile(f.File)
	if f.Line > 0 {
		w += fmt.Sprintf(":%d", f.Line)
	}
	return w
}

func summary(top []Share) string {
	if len(top) == 0 {
		return "no function to name"
	}
	if top[0].Share < 0.05 {
		return fmt.Sprintf("spread thin: the largest part, %s by %s, is under 5%%", pct(top[0].Share), top[0].Short)
	}
	parts := make([]string, len(top))
	for i, s := range top {
		var detail []string
		if s.Where != "" {
			detail = append(detail, s.Where)
		}
		if s.Size > 0 {
			detail = append(detail, FormatBytes(s.Size)+" per allocation")
		}
		parts[i] = pct(s.Share) + " by " + s.Short
		if len(detail) > 0 {
			parts[i] += " (" + strings.Join(detail, ", ") + ")"
		}
	}
	return strings.Join(parts, ", ")
}

func pct(f float64) string {
	p := math.Round(100 * f)
	if p == 0 && f > 0 {
		return "<1%"
	}
	return fmt.Sprintf("%.0f%%", p)
}

// Reconciliation compares the allocation rate a profile counts with the
// rate the GC trace shows over the same window. They should agree to
// within sampling error (the profile samples one allocation per 512 KiB
// on average and is published at the end of each GC cycle, so a window
// holding few cycles wobbles); far less in the profile means the window
// or the program is not the one the trace shows.
type Reconciliation struct {
	Window      time.Duration
	ProfileRate float64 // bytes per second in the profile
	TraceRate   float64 // bytes per second in the trace
	// Coverage is ProfileRate / TraceRate: the part of the traced
	// churn the profile sees. Zero when either rate is unknown.
	Coverage float64
	// Explained is the part of the traced churn the Attribution's Top
	// functions account for; zero from Reconcile alone.
	Explained float64
}

// Reconcile compares profileBytes allocated over window with the trace's
// allocation rate in bytes per second.
func Reconcile(profileBytes int64, window time.Duration, traceRate float64) Reconciliation {
	r := Reconciliation{Window: window, TraceRate: traceRate}
	if window > 0 {
		r.ProfileRate = float64(profileBytes) / window.Seconds()
	}
	if r.ProfileRate > 0 && traceRate > 0 {
		r.Coverage = r.ProfileRate / traceRate
	}
	return r
}

// Reconcile compares a's allocation rate with the trace's, and says how
// much of the traced churn a's Top functions account for. Only an Allocs
// attribution over a window has a rate; others give a zero
// Reconciliation with TraceRate set.
func (a *Attribution) Reconcile(traceRate float64) Reconciliation {
	if a.Kind != Allocs || a.Window <= 0 {
		return Reconciliation{TraceRate: traceRate}
	}
	r := Reconcile(a.Total, a.Window, traceRate)
	if traceRate > 0 {
		var top int64
		for _, s := range a.Top {
			top += s.Flat
		}
		r.Explained = float64(top) / (traceRate * a.Window.Seconds())
	}
	return r
}

// String says it in one line: "profile 152 MiB/s, trace 160 MiB/s: the
// profile sees 95% of the churn, the named functions explain 93%".
func (r Reconciliation) String() string {
	if r.ProfileRate == 0 || r.TraceRate == 0 {
		return "no allocation rate to compare"
	}
	s := fmt.Sprintf("profile %s/s, trace %s/s: the profile sees %s of the churn",
		FormatBytes(int64(r.ProfileRate)), FormatBytes(int64(r.TraceRate)), pct(r.Coverage))
	if r.Explained > 0 {
		s += ", the named functions explain " + pct(r.Explained)
	}
	return s
}

// FormatBytes prints n in binary units with three significant digits:
// 512 B, 1.50 KiB, 16.0 MiB, 2.25 GiB.
func FormatBytes(n int64) string {
	v := float64(n)
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	u := 0
	// 1023.9 KiB would print as "1024 KiB"; carry it to the next unit.
	for v >= 1023.5 && u < len(units)-1 {
		v /= 1024
		u++
	}
	switch {
	case u == 0:
		return fmt.Sprintf("%s%.0f B", sign, v)
	case v >= 100:
		return fmt.Sprintf("%s%.0f %s", sign, v, units[u])
	case v >= 10:
		return fmt.Sprintf("%s%.1f %s", sign, v, units[u])
	}
	return fmt.Sprintf("%s%.2f %s", sign, v, units[u])
}

// withSource names the source on an *Error that lacks one.
func withSource(err error, src string) error {
	if e, ok := err.(*Error); ok && e.Source == "" {
		e.Source = src
	}
	return err
}
