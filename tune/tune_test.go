package tune

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/gctrace/gctrace/parser"
)

// record reads a trace under ../testdata and returns its processes.
func record(t *testing.T, name string) []*History {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rec := NewRecorder()
	r := parser.NewReader(f, name)
	for r.Scan() {
		rec.Add(r.Record())
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return rec.Histories()
}

func fit(t *testing.T, name string, opts Options) *Model {
	t.Helper()
	hs := record(t, name)
	if len(hs) != 1 {
		t.Fatalf("%s: %d processes, want 1", name, len(hs))
	}
	m, err := Fit(hs[0], opts)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func within(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Abs(want)
}

// TestReplayRecorded replays each bomb trace at the setting it was
// recorded with: the model must give back what the trace shows.
func TestReplayRecorded(t *testing.T) {
	for _, tc := range []struct {
		name              string
		cycleTol, peakTol float64
		checkPeak         bool
	}{
		{"healthy", 0.1, 0.05, true},
		{"leak", 0.1, 0.05, true},
		{"limit", 0.1, 0.05, true},
		{"assist", 0.1, 0.05, true},
		{"forced", 0.1, 0.5, true}, // 1 MiB heaps: a MiB of truncation
		// 3->3->0 MB at a 4 MB goal: the truncation hides how close to
		// the goal each cycle came, and the model leaves that to the
		// runtime's trigger bound, which the replay reaches a little
		// sooner than the truncated figures say.
		{"tiny", 0.15, 0.3, true},
		{"dog", 0.15, 0.3, true},
		// The spike's peak is the cycle that finds the batch gone: when it
		// falls between two recorded cycles, the trace cannot say.
		{"spike", 0.1, 0, false},
	} {
		m := fit(t, "bomb/"+tc.name+".log", Options{})
		rec, got := m.Measured(), m.Predict(m.Recorded)
		if !within(float64(got.Cycles), float64(rec.Cycles), tc.cycleTol) {
			t.Errorf("%s: replay gives %d cycles, recorded %d", tc.name, got.Cycles, rec.Cycles)
		}
		if tc.checkPeak && !within(float64(got.PeakHeap), float64(rec.PeakHeap), tc.peakTol) {
			t.Errorf("%s: replay gives a peak heap of %d MiB, recorded %d MiB", tc.name, got.PeakHeap>>20, rec.PeakHeap>>20)
		}
		if !within(got.GCCPUPercent(), rec.GCCPUPercent(), 0.15) {
			t.Errorf("%s: replay gives GC CPU %.2f%%, recorded %.2f%%", tc.name, got.GCCPUPercent(), rec.GCCPUPercent())
		}
	}
}

// TestGOGCDirection: more GOGC, fewer cycles and a larger heap, in
// proportion where the live heap is steady.
func TestGOGCDirection(t *testing.T) {
	m := fit(t, "bomb/healthy.log", Options{})
	var last Outcome
	for i, g := range []int{50, 100, 200, 400} {
		o := m.Predict(Setting{GOGC: g})
		if i > 0 && (o.Cycles >= last.Cycles || o.PeakHeap <= last.PeakHeap || o.GCCPUTime >= last.GCCPUTime) {
			t.Errorf("GOGC=%d: %d cycles, peak %d MiB after %d cycles, peak %d MiB at %s", g, o.Cycles, o.PeakHeap>>20, last.Cycles, last.PeakHeap>>20, last.Setting)
		}
		last = o
	}
	// The healthy service's 32 MiB working set: GOGC=200 gives the heap
	// 64 MiB of room instead of 32, so half the cycles after start-up and
	// a peak near 96 MiB.
	o := m.Predict(Setting{GOGC: 200})
	if o.PeakHeap < 90*mib || o.PeakHeap > 100*mib {
		t.Errorf("GOGC=200: peak heap %d MiB, want about 96", o.PeakHeap>>20)
	}
	// At the 4 MiB minimum, the tiny scenario's cycles follow the minimum
	// heap, 4 MiB × GOGC/100.
	tiny := fit(t, "bomb/tiny.log", Options{})
	r100, r400 := tiny.Predict(Setting{GOGC: 100}), tiny.Predict(Setting{GOGC: 400})
	if ratio := float64(r100.Cycles) / float64(r400.Cycles); ratio < 4 || ratio > 6 {
		t.Errorf("tiny: GOGC=100 %d cycles, GOGC=400 %d: ratio %.2f, want 4-6 (the 0.5 MiB live heap takes its share of a 4 MiB goal)", r100.Cycles, r400.Cycles, ratio)
	}
}

// TestInferRecorded reads the recorded setting from the goals.
func TestInferRecorded(t *testing.T) {
	m := fit(t, "bomb/limit.log", Options{})
	if m.Recorded.GOGC != 100 || !m.LimitInferred || m.Recorded.MemoryLimit < 124*mib || m.Recorded.MemoryLimit > 132*mib {
		t.Errorf("limit.log: recorded %v, limit inferred %v; want GOGC=100 and a limit near 128MiB", m.Recorded, m.LimitInferred)
	}
	if m.LimitBound < 70 {
		t.Errorf("limit.log: %d cycles limit-bound, want most of its 83", m.LimitBound)
	}
	// Told the limit, the model reads the non-heap memory from the goals
	// it left: 128 MiB less 118-119 MB of goal and the 3% headroom.
	m = fit(t, "bomb/limit.log", Options{RecordedLimit: 128 * mib})
	if !m.NonHeapMeasured || m.NonHeap < 4*mib || m.NonHeap > 8*mib {
		t.Errorf("limit.log with a 128MiB limit: non-heap %d MiB (measured %v), want 4-8", m.NonHeap>>20, m.NonHeapMeasured)
	}
	for _, name := range []string{"healthy", "leak", "spike", "assist"} {
		m := fit(t, "bomb/"+name+".log", Options{})
		if m.Recorded != (Setting{GOGC: 100}) || m.LimitBound != 0 {
			t.Errorf("%s: recorded %v with %d limit-bound cycles, want GOGC=100 and no limit", name, m.Recorded, m.LimitBound)
		}
	}
}

// TestGoals checks the goal formulas against what the runtime printed.
func TestGoals(t *testing.T) {
	// limit.log: a 128 MiB limit with ~6 MiB of non-heap memory printed
	// goals of 118 and 119 MB.
	if g := limitGoal(128*mib, 6*mib, 100*mib) / mib; g < 118 || g >= 120 {
		t.Errorf("limit goal %.1f MiB, want 118-119", g)
	}
	// Never below the live heap, and the fixed 1 MiB headroom of small limits.
	if g := limitGoal(16*mib, 20*mib, 5*mib); g != 5*mib {
		t.Errorf("limit below non-heap memory: goal %.1f MiB, want the live heap", g/mib)
	}
	if g := limitGoal(12*mib, 6*mib, 0); g != 5*mib {
		t.Errorf("small limit: goal %.2f MiB, want 5 (1 MiB headroom)", g/mib)
	}
	// healthy.log: 32 MiB marked, GOGC=100, a 64 MB goal; Go 1.18+ counts
	// the roots, older releases do not; GOGC=400 lifts the minimum to 16 MiB.
	for _, tc := range []struct {
		gogc        int
		live, roots float64
		withRoots   bool
		want        float64
	}{
		{100, 32 * mib, 0, true, 64 * mib},
		{100, 32 * mib, 2 * mib, true, 66 * mib},
		{100, 32 * mib, 2 * mib, false, 64 * mib},
		{50, 32 * mib, 2 * mib, true, 49 * mib},
		{400, 1 * mib, 0, true, 16 * mib},
		{50, 0, 0, true, 2 * mib},
	} {
		if got := gogcGoal(tc.gogc, tc.live, tc.roots, tc.withRoots); got != tc.want {
			t.Errorf("gogcGoal(%d, %.0f MiB, %.0f MiB, %v) = %.2f MiB, want %.2f", tc.gogc, tc.live/mib, tc.roots/mib, tc.withRoots, got/mib, tc.want/mib)
		}
	}
	if !math.IsInf(gogcGoal(Off, 1, 1, true), 1) || !math.IsInf(limitGoal(0, 0, 1), 1) {
		t.Error("GOGC=off and no limit must set no goal")
	}
}

// TestOffAndForced: GOGC=off without a limit collects only when the
// program asks; with a limit, the limit alone sets the goal.
func TestOffAndForced(t *testing.T) {
	forced := fit(t, "bomb/forced.log", Options{})
	if o := forced.Predict(Setting{GOGC: Off}); o.Cycles != forced.Measured().Cycles {
		t.Errorf("forced, GOGC=off: %d cycles, want the %d runtime.GC calls", o.Cycles, forced.Measured().Cycles)
	}
	dog := fit(t, "bomb/dog.log", Options{})
	if o := dog.Predict(Setting{GOGC: Off}); o.Cycles != 0 || o.PeakHeap != 0 {
		t.Errorf("dog, GOGC=off: %d cycles, peak %d MiB; want none", o.Cycles, o.PeakHeap>>20)
	}
	o := dog.Predict(Setting{GOGC: Off, MemoryLimit: 32 * mib})
	// 32 MiB less 6 MiB of non-heap memory and 1 MiB of headroom: a 25
	// MiB goal, about 24 MiB allocated per cycle instead of 3.
	if o.PeakHeap < 22*mib || o.PeakHeap > 26*mib || o.Cycles < 4 || o.Cycles > 8 {
		t.Errorf("dog, GOGC=off GOMEMLIMIT=32MiB: %d cycles, peak %d MiB; want 4-8 cycles at 22-26 MiB", o.Cycles, o.PeakHeap>>20)
	}
	if o.LimitPressure < o.Span*9/10 {
		t.Errorf("dog, GOGC=off GOMEMLIMIT=32MiB: the limit sets the goal %v of %v, want all of it", o.LimitPressure, o.Span)
	}
}

// TestCPULimiter: a limit below what the live heap needs makes the
// runtime cap GC CPU at half the CPUs and let the heap exceed the limit.
func TestCPULimiter(t *testing.T) {
	m := fit(t, "bomb/assist.log", Options{})
	o := m.Predict(Setting{GOGC: 100, MemoryLimit: 96 * mib})
	if o.CPUCapped == 0 || !o.LimitExceeded {
		t.Errorf("assist under 96MiB: %d cycles capped, exceeded %v; want the limiter and an exceeded limit", o.CPUCapped, o.LimitExceeded)
	}
	if o.GCCPUPercent() > 55 {
		t.Errorf("assist under 96MiB: GC CPU %.1f%%, want at most about 50%%", o.GCCPUPercent())
	}
	if o := m.Predict(Setting{GOGC: 100, MemoryLimit: 1 << 30}); o.CPUCapped != 0 || o.LimitExceeded || o.LimitPressure != 0 {
		t.Errorf("assist under 1GiB: %+v; want the limit never to matter", o)
	}
}

func TestRecommend(t *testing.T) {
	m := fit(t, "bomb/healthy.log", Options{})
	r := Recommend([]*Model{m}, 512*mib)
	if !r.Fits || r.Setting.MemoryLimit != 460*mib || r.Outcome.PeakMemory > r.Setting.MemoryLimit {
		t.Fatalf("healthy, 512MiB: %+v", r)
	}
	if r.Outcome.GCCPUPercent() >= m.Measured().GCCPUPercent() || r.Setting.GOGC <= 100 && r.Setting.GOGC != Off {
		t.Errorf("healthy, 512MiB: %s at %.3f%% GC CPU; want a higher GOGC than the recorded 100 and less GC CPU", r.Setting, r.Outcome.GCCPUPercent())
	}
	if r.Why == "" {
		t.Error("no reason given")
	}
	// Every candidate that fits costs at least as much GC CPU.
	for _, o := range r.Weighed {
		if !o.LimitExceeded && o.CPUCapped == 0 && o.PeakMemory <= r.Setting.MemoryLimit && better(o, r.Outcome) {
			t.Errorf("%s would have been better than %s", o.Setting, r.Setting)
		}
	}
	// The limit scenario's live heap reaches ~103 MiB: 64 MiB cannot hold it.
	lm := fit(t, "bomb/limit.log", Options{})
	if r := Recommend([]*Model{lm}, 64*mib); r.Fits || r.Why == "" {
		t.Errorf("limit, 64MiB: fits %v (%s), want no setting and a reason", r.Fits, r.Setting)
	}
}

// TestProcesses: a go run log holds the go command's and the program's
// cycles; Run studies each and sums them.
func TestProcesses(t *testing.T) {
	hs := record(t, "runtimes/go1.26-gorun.log")
	if len(hs) < 2 {
		t.Fatalf("%d processes, want several", len(hs))
	}
	st := Run(hs, Options{}, []Setting{{GOGC: 200, MemoryLimit: AsRecorded}}, 0)
	var cycles int
	var peak int64
	for _, p := range st.Processes {
		cycles += p.Predictions[0].Cycles
		peak = max(peak, p.Predictions[0].PeakHeap)
	}
	if got := st.Predictions[0]; got.Cycles != cycles || got.PeakHeap != peak {
		t.Errorf("total %d cycles, peak %d; processes sum to %d, peak %d", got.Cycles, got.PeakHeap, cycles, peak)
	}
	if st.Recorded.Cycles == 0 || st.Predictions[0].Cycles > st.Recorded.Cycles {
		t.Errorf("GOGC=200: %d cycles, recorded %d", st.Predictions[0].Cycles, st.Recorded.Cycles)
	}
}

// TestOldRuntimes: before Go 1.18 the goal ignores roots; before Go 1.5
// the trace has nothing to replay.
func TestOldRuntimes(t *testing.T) {
	hs := record(t, "runtimes/go1.16.log")
	if len(hs) == 0 || hs[0].Roots {
		t.Fatalf("go1.16: %d processes, roots %v", len(hs), len(hs) > 0 && hs[0].Roots)
	}
	m, err := Fit(hs[0], Options{})
	if err != nil {
		t.Fatal(err)
	}
	if o := m.Predict(m.Recorded); o.Cycles == 0 {
		t.Error("go1.16: no cycle replayed")
	}
	rec := NewRecorder()
	f, err := os.Open("../testdata/runtimes/go1.4.log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := parser.NewReader(f, "go1.4.log")
	for r.Scan() {
		rec.Add(r.Record())
	}
	if len(rec.Histories()) != 0 || rec.Skipped() == 0 {
		t.Errorf("go1.4: %d processes, %d skipped; want none and all skipped", len(rec.Histories()), rec.Skipped())
	}
}

func TestSettingString(t *testing.T) {
	for _, tc := range []struct {
		s    Setting
		want string
	}{
		{Setting{GOGC: 100}, "GOGC=100"},
		{Setting{GOGC: Off, MemoryLimit: 256 * mib}, "GOGC=off GOMEMLIMIT=256MiB"},
		{Setting{GOGC: 50, MemoryLimit: 3 << 30}, "GOGC=50 GOMEMLIMIT=3GiB"},
		{Setting{GOGC: 200, MemoryLimit: AsRecorded}, "GOGC=200, limit as recorded"},
	} {
		if got := tc.s.String(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.s, got, tc.want)
		}
	}
	for in, want := range map[string]int{"100": 100, "off": Off, "OFF": Off, " 0 ": 0} {
		if got, err := ParseGOGC(in); err != nil || got != want {
			t.Errorf("ParseGOGC(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-1", "1.5", "on"} {
		if _, err := ParseGOGC(in); err == nil {
			t.Errorf("ParseGOGC(%q): no error", in)
		}
	}
}
