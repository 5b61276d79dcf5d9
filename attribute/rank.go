package attribute

import (
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/google/pprof/profile"
)

// DefaultCutoff is the share of the total under which Rank drops a
// function, pprof's default node fraction: 0.5%.
const DefaultCutoff = 0.005

// The sample columns of Go heap and allocs profiles.
const (
	AllocSpace   = "alloc_space"
	AllocObjects = "alloc_objects"
	InuseSpace   = "inuse_space"
	InuseObjects = "inuse_objects"
)

const emptyAdvice = "heap and allocs profiles only cover completed GC cycles, so let the program run through a GC first"

// Func is one function's part of a profile.
type Func struct {
	// Name is the function as the profile names it, package path
	// included: github.com/gctrace/gctrace/bomb/zoo.(*Dog).Run.
	Name string
	// File is the source file the profile records for the function.
	File string
	// Line is the function's hottest line: the one with the most flat,
	// or, for a function that only calls, the call site with the most
	// cum. Zero when the profile has no line numbers.
	Line int
	// Flat is the value of the samples whose leaf frame is this
	// function: what it allocated itself, inlined callees included.
	Flat int64
	// Cum is the value of the samples with this function anywhere on
	// the stack, each sample counted once however often the function
	// recurses.
	Cum int64
	// FlatPercent and CumPercent are Flat and Cum as percentages of
	// Ranking.Total.
	FlatPercent float64
	CumPercent  float64
}

// Ranking is a profile ranked by function, the model behind
// `go tool pprof -top`.
type Ranking struct {
	Sample string // the column ranked, such as alloc_space
	Unit   string // its unit: bytes or count
	// Total is the sum of the column over all samples (absolute values,
	// as pprof counts it), the profiler's own allocations included, so
	// percentages agree with pprof's.
	Total int64
	// Window is the span a delta profile covers; zero for a cumulative
	// profile or a snapshot.
	Window time.Duration
	// Profiler is the part of Total left out as the profiler's own
	// allocations (runtime/pprof, net/http/pprof writing the profile).
	Profiler int64
	// Functions are the ranked functions, flat first unless ranked by
	// cum, at most RankOptions.Top of them.
	Functions []Func
	// Cutoff is the value under which a function's cum had it dropped;
	// Dropped counts those functions. More counts functions above the
	// cut-off left out by RankOptions.Top.
	Cutoff  int64
	Dropped int
	More    int
}

// RankOptions tune Rank.
type RankOptions struct {
	// Top keeps the first Top functions; 0 keeps all above the cut-off.
	Top int
	// Cum sorts by cum instead of flat, as pprof's -cum.
	Cum bool
	// Cutoff drops functions whose cum is under this share of the
	// total. Zero means DefaultCutoff; a negative value keeps all.
	Cutoff float64
	// KeepProfiler keeps samples with runtime/pprof or net/http/pprof on
	// the stack. They are the profiler encoding the profile it was asked
	// for, which a delta taken over HTTP always contains, not the
	// program's churn.
	KeepProfiler bool
}

// Rank ranks the functions of p by the named sample column ("" picks the
// profile's default among the alloc_* and inuse_* columns) the way
// `go tool pprof -top -sample_index=NAME` does: flat from the leaf frame
// (Location[0].Line[0], inlined frames included), cum once per sample per
// function, functions with a cum under the cut-off dropped, sorted by
// flat (or cum) descending and then by name.
func Rank(p *profile.Profile, sample string, opt RankOptions) (*Ranking, error) {
	idx, err := sampleIndex(p, sample)
	if err != nil {
		return nil, err
	}
	t := tallyProfile(p, idx, opt.KeepProfiler)
	if t.total == 0 {
		return nil, emptyError(p, p.SampleType[idx].Type)
	}
	r := &Ranking{
		Sample:   p.SampleType[idx].Type,
		Unit:     p.SampleType[idx].Unit,
		Total:    t.total,
		Window:   time.Duration(p.DurationNanos),
		Profiler: t.profiler,
	}
	frac := opt.Cutoff
	if frac == 0 {
		frac = DefaultCutoff
	}
	if frac > 0 {
		// pprof takes the fraction of the flat sum of what it graphs,
		// which leaves out samples it was told to ignore.
		r.Cutoff = abs64(int64(float64(t.flatSum) * frac))
	}
	for _, f := range t.fns {
		if f.flat == 0 && f.cum == 0 {
			continue
		}
		if abs64(f.cum) < r.Cutoff {
			r.Dropped++
			continue
		}
		r.Functions = append(r.Functions, Func{
			Name:        f.name,
			File:        f.file,
			Line:        int(f.hotLine()),
			Flat:        f.flat,
			Cum:         f.cum,
			FlatPercent: percent(f.flat, t.total),
			CumPercent:  percent(f.cum, t.total),
		})
	}
	sortFuncs(r.Functions, opt.Cum)
	if opt.Top > 0 && len(r.Functions) > opt.Top {
		r.More = len(r.Functions) - opt.Top
		r.Functions = r.Functions[:opt.Top]
	}
	return r, nil
}

func sortFuncs(fs []Func, cum bool) {
	sort.Slice(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if cum {
			if x, y := abs64(a.Cum), abs64(b.Cum); x != y {
				return x > y
			}
			if a.Name != b.Name {
				return a.Name < b.Name
			}
			return abs64(a.Flat) > abs64(b.Flat)
		}
		if x, y := abs64(a.Flat), abs64(b.Flat); x != y {
			return x > y
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return abs64(a.Cum) > abs64(b.Cum)
	})
}

// Listing is one function's per-line view, like pprof's list, built from
// the file:line data in the profile itself.
type Listing struct {
	Name      string
	File      string
	StartLine int   // the function's first line, 0 if the profile lacks it
	Flat, Cum int64 // the function's totals
	Total     int64 // the profile's total, for percentages
	Lines     []Line
}

// Line is one source line of a Listing. Cum counts each sample once per
// line, so a line that recurses into itself is not counted twice.
type Line struct {
	Line      int
	Flat, Cum int64
}

// List returns the per-line listing of every function whose name matches
// fn, in the order Rank would list them. Samples are chosen and filtered
// as by Rank with default options.
func List(p *profile.Profile, sample string, fn *regexp.Regexp) ([]Listing, error) {
	if fn == nil {
		return nil, fmt.Errorf("List needs a function regexp")
	}
	idx, err := sampleIndex(p, sample)
	if err != nil {
		return nil, err
	}
	t := tallyProfile(p, idx, false)
	if t.total == 0 {
		return nil, emptyError(p, p.SampleType[idx].Type)
	}
	var out []Listing
	for _, f := range t.fns {
		if (f.flat == 0 && f.cum == 0) || !fn.MatchString(f.name) {
			continue
		}
		l := Listing{Name: f.name, File: f.file, StartLine: int(f.startLine), Flat: f.flat, Cum: f.cum, Total: t.total}
		for n, lt := range f.lines {
			l.Lines = append(l.Lines, Line{Line: int(n), Flat: lt.flat, Cum: lt.cum})
		}
		sort.Slice(l.Lines, func(i, j int) bool { return l.Lines[i].Line < l.Lines[j].Line })
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if x, y := abs64(a.Flat), abs64(b.Flat); x != y {
			return x > y
		}
		return a.Name < b.Name
	})
	return out, nil
}

// tally is one pass over the samples of one column.
type tally struct {
	total    int64 // Σ|v| over all samples
	profiler int64 // Σ|v| over the samples left out as the profiler's
	flatSum  int64 // Σv over the samples kept that have a stack
	fns      map[string]*fnTally
}

type fnTally struct {
	name, file string
	startLine  int64
	flat, cum  int64
	lines      map[int64]*lineTally
	seen       int // 1 + index of the last sample counted in cum
}

type lineTally struct {
	flat, cum int64
	seen      int
}

// hotLine is the line with the most flat, else the most cum; the lowest
// line number on ties, so the answer does not depend on map order.
func (f *fnTally) hotLine() int64 {
	var best int64
	var bestFlat, bestCum int64
	for n, lt := range f.lines {
		if n == 0 {
			continue
		}
		fl, cu := abs64(lt.flat), abs64(lt.cum)
		better := best == 0 || fl > bestFlat || (fl == bestFlat && (cu > bestCum || (cu == bestCum && n < best)))
		if better {
			best, bestFlat, bestCum = n, fl, cu
		}
	}
	return best
}

func tallyProfile(p *profile.Profile, idx int, keepProfiler bool) *tally {
	t := &tally{fns: make(map[string]*fnTally)}
	for si, s := range p.Sample {
		if idx >= len(s.Value) {
			continue
		}
		v := s.Value[idx]
		if v == 0 {
			continue
		}
		t.total += abs64(v)
		if !keepProfiler && isProfilerSample(s) {
			t.profiler += abs64(v)
			continue
		}
		if len(s.Location) == 0 {
			continue
		}
		t.flatSum += v
		stamp := si + 1
		leaf := true
		for _, loc := range s.Location {
			lines := loc.Line
			if len(lines) == 0 {
				lines = []profile.Line{{}}
			}
			for _, ln := range lines {
				f := t.fn(loc, ln)
				lt := f.line(ln.Line)
				if leaf {
					f.flat += v
					lt.flat += v
					leaf = false
				}
				if f.seen != stamp {
					f.seen = stamp
					f.cum += v
				}
				if lt.seen != stamp {
					lt.seen = stamp
					lt.cum += v
				}
			}
		}
	}
	return t
}

func (t *tally) fn(loc *profile.Location, ln profile.Line) *fnTally {
	name, file, start := frameName(loc, ln), "", int64(0)
	if ln.Function != nil {
		file, start = ln.Function.Filename, ln.Function.StartLine
	}
	f := t.fns[name]
	if f == nil {
		f = &fnTally{name: name, file: file, startLine: start, lines: make(map[int64]*lineTally)}
		t.fns[name] = f
	}
	if f.file == "" {
		f.file = file
	}
	if f.startLine == 0 {
		f.startLine = start
	}
	return f
}

func (f *fnTally) line(n int64) *lineTally {
	lt := f.lines[n]
	if lt == nil {
		lt = &lineTally{}
		f.lines[n] = lt
	}
	return lt
}

// frameName names the function of one frame; a frame without symbols
// is named the way pprof prints it.
func frameName(loc *profile.Location, ln profile.Line) string {
	if ln.Function != nil && ln.Function.Name != "" {
		return ln.Function.Name
	}
	if m := loc.Mapping; m != nil && m.File != "" {
		return "[" + filepath.Base(m.File) + "]"
	}
	return "<unknown>"
}

// leafName names the function a sample's flat goes to.
func leafName(s *profile.Sample) string {
	loc := s.Location[0]
	if len(loc.Line) == 0 {
		return frameName(loc, profile.Line{})
	}
	return frameName(loc, loc.Line[0])
}

// profilerPrefixes are the packages that allocate while a profile is
// being written: the encoder (and its gzip writer, which it calls) and
// the HTTP handler computing a delta.
var profilerPrefixes = []string{"runtime/pprof.", "net/http/pprof.", "internal/profile."}

func isProfilerSample(s *profile.Sample) bool {
	for _, loc := range s.Location {
		for _, ln := range loc.Line {
			if ln.Function == nil {
				continue
			}
			for _, pre := range profilerPrefixes {
				if strings.HasPrefix(ln.Function.Name, pre) {
					return true
				}
			}
		}
	}
	return false
}

// ProfilerIgnore is the regexp that makes `go tool pprof -ignore=...`
// leave out what Rank leaves out unless RankOptions.KeepProfiler is set.
const ProfilerIgnore = `^(runtime/pprof|net/http/pprof|internal/profile)\.`

// memorySamples are the columns Rank picks a default among, in order of
// preference when the profile names no default.
var memorySamples = []string{AllocSpace, InuseSpace, AllocObjects, InuseObjects}

// sampleIndex finds the named column; "" means the profile's default
// when it is a memory column.
func sampleIndex(p *profile.Profile, name string) (int, error) {
	if len(p.SampleType) == 0 {
		return 0, &Error{Kind: ErrEmpty, Msg: "the profile has no sample columns; " + emptyAdvice}
	}
	find := func(name string) int {
		// Legacy heap profiles call the in-use columns "space" and
		// "objects"; pprof accepts inuse_* for them too.
		legacy := strings.TrimPrefix(name, "inuse_")
		for i, t := range p.SampleType {
			if t.Type == name || t.Type == legacy {
				return i
			}
		}
		return -1
	}
	if name != "" {
		if i := find(name); i >= 0 {
			return i, nil
		}
		return 0, wrongKind(p, name)
	}
	for _, m := range memorySamples {
		if p.DefaultSampleType == m {
			if i := find(m); i >= 0 {
				return i, nil
			}
		}
	}
	for _, m := range memorySamples {
		if i := find(m); i >= 0 {
			return i, nil
		}
	}
	return 0, wrongKind(p, AllocSpace)
}

func wrongKind(p *profile.Profile, want string) error {
	var types []string
	for _, t := range p.SampleType {
		types = append(types, t.Type+"/"+t.Unit)
	}
	what := "a profile"
	for _, t := range p.SampleType {
		switch t.Type {
		case "cpu":
			what = "a CPU profile"
		case "contentions", "delay":
			what = "a block or mutex profile"
		case "goroutine", "goroutines":
			what = "a goroutine profile"
		case "threadcreate":
			what = "a threadcreate profile"
		}
	}
	return &Error{Kind: ErrWrongKind, Msg: fmt.Sprintf("this is %s with samples %s, and no %s; use the allocs or heap profile (/debug/pprof/allocs, /debug/pprof/heap)",
		what, strings.Join(types, ", "), want)}
}

func emptyError(p *profile.Profile, sample string) error {
	if p.DurationNanos > 0 && strings.HasPrefix(sample, "alloc_") {
		return &Error{Kind: ErrEmpty, Msg: fmt.Sprintf("the profile has no %s samples in its %s window; the runtime publishes allocations when a GC cycle completes, so use a window longer than the time between two GCs",
			sample, time.Duration(p.DurationNanos).Round(time.Millisecond))}
	}
	return &Error{Kind: ErrEmpty, Msg: fmt.Sprintf("the profile has no %s samples; %s", sample, emptyAdvice)}
}

// ShortName drops the package path from a function name, and the package
// too for a method: github.com/gctrace/gctrace/bomb/zoo.(*Dog).Run
// becomes (*Dog).Run, encoding/json.Marshal becomes json.Marshal.
func ShortName(name string) string {
	// A slash inside type arguments is not part of the package path.
	head := name
	if i := strings.IndexByte(head, '['); i >= 0 {
		head = head[:i]
	}
	if i := strings.LastIndexByte(head, '/'); i >= 0 {
		name = name[i+1:]
	}
	if i := strings.Index(name, ".("); i >= 0 {
		return name[i+1:]
	}
	return name
}

// ShortFile keeps the last three elements of a source path, enough to
// find bomb/zoo/dog.go without the checkout's location.
func ShortFile(file string) string {
	file = filepath.ToSlash(file)
	parts := strings.Split(file, "/")
	if len(parts) > 3 {
		parts = parts[len(parts)-3:]
	}
	return strings.Join(parts, "/")
}

func percent(v, total int64) float64 {
	if total == 0 {
		return 0
	}
	return 100 * float64(v) / float64(total)
}

func abs64(v int64) int64 {
	if v < 0 {
		if v == math.MinInt64 {
			return math.MaxInt64
		}
		return -v
	}
	return v
}
