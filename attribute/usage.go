package attribute

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/google/pprof/profile"
)

// Usage is where a program's memory went between two snapshots of its
// heap profile: which functions allocated (the alloc_space delta) and
// which hold more memory than before (the inuse_space delta). Unlike an
// Attribution, it answers whichever rule fires, or none.
type Usage struct {
	Source string
	// Window is the time between the two snapshots; zero for a single
	// profile, whose allocations count from the program's start.
	Window time.Duration
	// Allocated is the bytes allocated in the window, the profiler's own
	// left out; Growth the change of the bytes in use.
	Allocated, Growth int64
	// Allocators are the leading functions by bytes allocated, Growers
	// by bytes more in use (growth only); at most the n asked for each.
	Allocators, Growers []UsageFunc
}

// UsageFunc is one function's part of a Usage.
type UsageFunc struct {
	Name  string // package path included
	Short string // (*Dog).Run
	Where string // bomb/zoo/dog.go:30
	// Allocated and Growth are the function's own (flat) bytes allocated
	// and more in use over the window.
	Allocated, Growth int64
	// Share is the function's part of what all functions allocated (an
	// allocator) or of all growth (a grower, of the functions that grew),
	// from 0 to 1.
	Share float64
	// Size is the size of one allocation in the sample holding most of
	// the function's allocated bytes; zero when the profile does not say.
	Size int64
}

// Rate is the function's allocation rate in bytes per second over the
// window, zero without one.
func (u *Usage) Rate(f UsageFunc) float64 {
	if u.Window <= 0 {
		return 0
	}
	return float64(f.Allocated) / u.Window.Seconds()
}

// UsageBetween compares two snapshots of the same program's heap (or
// allocs) profile, before taken first, and names the n leading
// allocators and growers between them. before may be nil: the usage of
// after alone, allocations since the program started and growth from
// nothing. Neither profile is changed.
func UsageBetween(before, after *profile.Profile, n int) (*Usage, error) {
	d := after.Copy()
	if before != nil {
		b := before.Copy()
		b.Scale(-1)
		var err error
		if d, err = profile.Merge([]*profile.Profile{b, d}); err != nil {
			return nil, &Error{Kind: ErrBadProfile, Err: err,
				Msg: fmt.Sprintf("the two snapshots cannot be subtracted (%v); are they from the same program?", err)}
		}
	}
	ai, err := sampleIndex(d, AllocSpace)
	if err != nil {
		return nil, err
	}
	ii, err := sampleIndex(d, InuseSpace)
	if err != nil {
		return nil, err
	}
	u := &Usage{}
	if before != nil && before.TimeNanos > 0 && after.TimeNanos > before.TimeNanos {
		u.Window = time.Duration(after.TimeNanos - before.TimeNanos)
	}
	alloc, inuse := tallyProfile(d, ai, false), tallyProfile(d, ii, false)
	u.Allocated, u.Growth = alloc.flatSum, inuse.flatSum
	sizes := allocationSizes(d, AllocSpace, AllocObjects)

	// Every function with flat in either column, with both figures.
	byName := map[string]*UsageFunc{}
	get := func(f *fnTally) *UsageFunc {
		uf := byName[f.name]
		if uf == nil {
			uf = &UsageFunc{Name: f.name, Short: ShortName(f.name), Size: sizes[f.name]}
			byName[f.name] = uf
		}
		if uf.Where == "" {
			uf.Where = where(Func{File: f.file, Line: int(f.hotLine())})
		}
		return uf
	}
	for _, f := range alloc.fns {
		if f.flat != 0 {
			get(f).Allocated = f.flat
		}
	}
	for _, f := range inuse.fns {
		if f.flat != 0 {
			get(f).Growth = f.flat
		}
	}
	all := make([]UsageFunc, 0, len(byName))
	for _, uf := range byName {
		all = append(all, *uf)
	}
	u.Allocators = leading(all, n, func(f UsageFunc) int64 { return f.Allocated })
	u.Growers = leading(all, n, func(f UsageFunc) int64 { return f.Growth })
	return u, nil
}

// leading returns the first n functions by key, those with a positive
// key only, largest first (then by name), with their share of the sum of
// the positive keys.
func leading(fs []UsageFunc, n int, key func(UsageFunc) int64) []UsageFunc {
	var out []UsageFunc
	var total int64
	for _, f := range fs {
		if key(f) > 0 {
			out = append(out, f)
			total += key(f)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if ki, kj := key(out[i]), key(out[j]); ki != kj {
			return ki > kj
		}
		return out[i].Name < out[j].Name
	})
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	for i := range out {
		if total > 0 {
			out[i].Share = float64(key(out[i])) / float64(total)
		}
	}
	return out
}

// A UsageTracker follows a program's heap profile over a run: the first
// snapshot it takes is the start, the latest the end, and Usage compares
// them. It is safe for concurrent use.
type UsageTracker struct {
	src Source

	mu          sync.Mutex
	first, last *profile.Profile
}

// NewUsageTracker returns a tracker of src's heap profile. For a profile
// file there is one snapshot, the file.
func NewUsageTracker(src Source) *UsageTracker {
	src.Seconds = 0
	return &UsageTracker{src: src}
}

// Snapshot pulls the heap profile as it stands now: the start if it is
// the first, else the new end.
func (t *UsageTracker) Snapshot(ctx context.Context) error {
	p, err := Fetch(ctx, t.src, FetchOptions{Profile: "heap"})
	if err != nil {
		return err
	}
	if _, err := sampleIndex(p, InuseSpace); err != nil {
		return withSource(err, t.src.String())
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.first == nil {
		t.first = p
	} else {
		t.last = p
	}
	return nil
}

// Usage compares the first snapshot with the latest, naming the n
// leading allocators and growers; with a single snapshot, a profile file,
// it is the usage of that profile since the program started. ok is false
// before there is a usage to give.
func (t *UsageTracker) Usage(n int) (u *Usage, ok bool, err error) {
	t.mu.Lock()
	first, last := t.first, t.last
	t.mu.Unlock()
	switch {
	case first == nil:
		return nil, false, nil
	case last == nil && t.src.IsFile():
		u, err = UsageBetween(nil, first, n)
	case last == nil:
		return nil, false, nil
	default:
		u, err = UsageBetween(first, last, n)
	}
	if err != nil {
		return nil, false, withSource(err, t.src.String())
	}
	u.Source = t.src.String()
	return u, true, nil
}
