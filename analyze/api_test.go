package analyze

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gctrace/gctrace/parser"
)

func TestSeverity(t *testing.T) {
	for _, s := range []Severity{Info, Warning, Error} {
		got, err := ParseSeverity(strings.ToUpper(s.String()))
		if err != nil || got != s {
			t.Errorf("ParseSeverity(%q) = %v, %v", s, got, err)
		}
		b, err := json.Marshal(s)
		if err != nil || string(b) != `"`+s.String()+`"` {
			t.Errorf("json %s, %v", b, err)
		}
	}
	if _, err := ParseSeverity("fatal"); err == nil {
		t.Error("ParseSeverity(fatal) succeeded")
	}
	if s, _ := ParseSeverity("warn"); s != Warning {
		t.Error("warn is not a warning")
	}
}

func TestConfigSet(t *testing.T) {
	tests := []struct {
		name, value string
		check       func(c *Config) bool
	}{
		{"long-pause.warning", "5ms", func(c *Config) bool { return c.LongPauseWarning == 5*time.Millisecond }},
		{"heap-doubling.min-heap", "1GiB", func(c *Config) bool { return c.HeapDoublingMinHeap == 1<<30 }},
		{"heap-doubling.min-heap", "64", func(c *Config) bool { return c.HeapDoublingMinHeap == 64<<20 }},
		{"heap-doubling.min-heap", "512KiB", func(c *Config) bool { return c.HeapDoublingMinHeap == 512<<10 }},
		{"alloc-churn.min-rate", "100MiB/s", func(c *Config) bool { return c.AllocChurnMinRate == 100<<20 }},
		{"alloc-churn.min-rate", "1.5GiB/s", func(c *Config) bool { return c.AllocChurnMinRate == 1.5*(1<<30) }},
		{"high-gc-cpu.warning", "10%", func(c *Config) bool { return c.HighGCCPUWarning == 10 }},
		{"high-gc-cpu.warning", "12.5", func(c *Config) bool { return c.HighGCCPUWarning == 12.5 }},
		{"gc-frequency.max-per-second", "7", func(c *Config) bool { return c.GCFrequencyMaxPerSecond == 7 }},
		{"forced-gc.min-cycles", "4", func(c *Config) bool { return c.ForcedGCMinCycles == 4 }},
		{"window", "30s", func(c *Config) bool { return c.Window == 30*time.Second }},
	}
	for _, tt := range tests {
		c := DefaultConfig()
		if err := c.Set(tt.name, tt.value); err != nil {
			t.Errorf("Set(%s, %s): %v", tt.name, tt.value, err)
			continue
		}
		if !tt.check(&c) {
			t.Errorf("Set(%s, %s) did not take: %+v", tt.name, tt.value, c)
		}
		// Get returns what Set reads back to the same value.
		v, err := c.Get(tt.name)
		if err != nil {
			t.Fatal(err)
		}
		d := c
		if err := d.Set(tt.name, v); err != nil || !reflect.DeepEqual(c, d) {
			t.Errorf("Get(%s) = %q does not round-trip: %v", tt.name, v, err)
		}
	}
	bad := []struct{ name, value, want string }{
		{"long-pause.warning", "5", "duration"},
		{"long-pause.warning", "-5ms", "negative"},
		{"heap-doubling.min-heap", "lots", "size"},
		{"high-gc-cpu.warning", "NaN", "percentage"},
		{"alloc-churn.min-rate", "fast", "rate"},
		{"no-such.rule", "1", "valid names: alloc-churn.max-live-share, "},
	}
	for _, tt := range bad {
		c := DefaultConfig()
		err := c.Set(tt.name, tt.value)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Set(%s, %s) = %v, want an error about %q", tt.name, tt.value, err, tt.want)
		}
	}
}

func TestConfigNamesAndRules(t *testing.T) {
	var c Config
	names := c.Names()
	if !sort.StringsAreSorted(names) || len(names) != len(settings) {
		t.Errorf("names not sorted or incomplete: %v", names)
	}
	rules := Rules()
	var ids []string
	for _, r := range rules {
		ids = append(ids, r.ID)
		if r.Summary == "" || r.Advice == "" {
			t.Errorf("%s: no summary or advice", r.ID)
		}
		for _, th := range r.Thresholds {
			if !strings.HasPrefix(th.Name, r.ID+".") || th.Default == "" || th.Doc == "" {
				t.Errorf("%s: threshold %+v", r.ID, th)
			}
		}
	}
	want := []string{"alloc-churn", "forced-gc", "gc-frequency", "heap-doubling", "heap-overshoot", "high-gc-cpu",
		"live-heap-growth", "long-pause", "low-resolution", "mark-assist", "memory-limit-pressure", "min-heap-thrash",
		"periodic-gc", "procs-change", "unparsed-lines"}
	if !reflect.DeepEqual(ids, want) {
		t.Errorf("rules %v\nwant  %v", ids, want)
	}
	for _, s := range settings {
		if s.rule != "" && ruleIndex(s.rule) < 0 && s.rule != RuleUnparsedLines {
			t.Errorf("setting %s names unknown rule %s", s.name, s.rule)
		}
	}
}

func TestDisabled(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Disable(RuleGCFrequency, RuleMinHeapThrash)
	var got []Finding
	a := New(cfg, func(f Finding) { got = append(got, f) })
	c := healthyCycle()
	c.dt = 20 * time.Millisecond
	c.h0, c.h1, c.h2, c.goal = 4, 4, 0, 4
	newSynth(a).addN(300, c)
	if len(got) != 0 {
		t.Errorf("disabled rules fired:\n%s", summary(got))
	}
}

// TestReportJSON pins the JSON field names the commands and users rely on.
func TestReportJSON(t *testing.T) {
	a, _ := collect(t)
	s := newSynth(a)
	for _, c := range goals(time.Second, 4, 8, 16, 32, 64, 128, 256) {
		s.add(c)
	}
	b, err := json.Marshal(a.Report())
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"version", "processes", "findings", "unparsed_lines", "lines", "gc_lines", "text_lines"} {
		if _, ok := m[k]; !ok {
			t.Errorf("report has no %q: %s", k, b)
		}
	}
	p := m["processes"].([]any)[0].(map[string]any)
	for _, k := range []string{"file", "process", "format", "cycles", "duration_s", "gc_per_second", "gc_cpu_percent",
		"gc_cpu_percent_max_window", "printed_gc_cpu_percent", "assist_percent", "pause_ms", "interval_ms", "mark_ms",
		"alloc_rate_mib_per_s", "alloc_mib_per_cycle", "heap_live_mib", "heap_live_slope_mib_per_s", "heap_live_fit_r2",
		"heap_peak_mib", "heap_goal_mib", "effective_gogc", "overshoot_cycles", "forced_cycles", "periodic_cycles",
		"procs", "at_resolution_floor"} {
		if _, ok := p[k]; !ok {
			t.Errorf("process has no %q", k)
		}
	}
	for _, k := range []string{"p50", "p95", "p99", "max"} {
		if _, ok := p["pause_ms"].(map[string]any)[k]; !ok {
			t.Errorf("pause_ms has no %q", k)
		}
	}
	for _, k := range []string{"min", "max"} {
		if _, ok := p["heap_live_mib"].(map[string]any)[k]; !ok {
			t.Errorf("heap_live_mib has no %q", k)
		}
	}
	f := m["findings"].([]any)[0].(map[string]any)
	for _, k := range []string{"rule", "severity", "process", "first_line", "last_line", "message", "advice", "start_s", "end_s", "evidence"} {
		if _, ok := f[k]; !ok {
			t.Errorf("finding has no %q: %v", k, f)
		}
	}
	if f["severity"] != "warning" {
		t.Errorf("severity %v", f["severity"])
	}
	// A finding reads back as it was.
	var back Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if want := a.Report(); !reflect.DeepEqual(back.Findings, want.Findings) {
		t.Errorf("round trip:\n%+v\n%+v", back.Findings, want.Findings)
	}
}

// TestOddInput feeds records that could divide by zero or overflow: every
// report must still marshal (encoding/json rejects NaN and infinities).
func TestOddInput(t *testing.T) {
	cases := map[string]func(s *synth){
		"one cycle": func(s *synth) { s.add(healthyCycle()) },
		"zero interval, no procs": func(s *synth) {
			c := healthyCycle()
			c.dt, c.procs = 0, 0
			s.addN(50, c)
		},
		"zero everything": func(s *synth) { s.addN(50, cyc{}) },
		"huge": func(s *synth) {
			c := healthyCycle()
			c.dt = 1000 * time.Hour
			c.h0, c.h1, c.h2, c.goal = 1<<40, 1<<40, 1<<40, 1<<40
			c.sweep = 1000 * time.Hour
			s.addN(5, c)
		},
		"clock runs back": func(s *synth) {
			s.addN(5, healthyCycle())
			c := healthyCycle()
			c.dt = -3 * time.Second
			s.addN(5, c)
		},
		"absent fields": func(s *synth) {
			for i := 0; i < 10; i++ {
				g := s.record(healthyCycle())
				g.HeapLive, g.HeapGoal, g.Stacks, g.Globals, g.CPUPercent, g.NCPU = parser.Absent, parser.Absent, parser.Absent, parser.Absent, parser.Absent, 0
				s.a.Add(g)
			}
		},
		"pre-1.5": func(s *synth) {
			for i := 0; i < 10; i++ {
				g := s.record(healthyCycle())
				g.Format, g.Start, g.NCPU, g.NClock, g.HeapLive, g.HeapGoal = parser.FormatGo13, parser.Absent, 0, 4, parser.Absent, parser.Absent
				s.a.Add(g)
			}
		},
		"gaps in numbering": func(s *synth) {
			for i := 0; i < 10; i++ {
				s.n += 5
				s.add(healthyCycle())
			}
		},
	}
	for name, feed := range cases {
		t.Run(name, func(t *testing.T) {
			a := New(DefaultConfig(), func(Finding) {})
			s := newSynth(a)
			feed(s)
			a.Add(&parser.Text{Text: []byte("hello")})
			a.Add(&parser.SyntaxError{Pos: parser.Pos{File: "x", Line: 3}, Field: "clock"})
			r := a.Report()
			if _, err := json.Marshal(r); err != nil {
				t.Fatalf("marshal: %v\n%+v", err, r)
			}
			checkFinite(t, reflect.ValueOf(r))
		})
	}
}

func checkFinite(t *testing.T, v reflect.Value) {
	t.Helper()
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			checkFinite(t, v.Elem())
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				checkFinite(t, v.Field(i))
			}
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			checkFinite(t, v.Index(i))
		}
	case reflect.Float64:
		if f := v.Float(); math.IsNaN(f) || math.IsInf(f, 0) {
			t.Errorf("non-finite value %v", f)
		}
	}
}

func TestStreamingOnce(t *testing.T) {
	a, got := collect(t)
	c := healthyCycle()
	c.dt = 20 * time.Millisecond
	c.h0, c.h1, c.h2, c.goal = 4, 4, 0, 4
	newSynth(a).addN(3000, c) // a minute of it
	if s := rulesOf(*got, Info); !reflect.DeepEqual(s, []string{"gc-frequency:warning", "min-heap-thrash:warning"}) {
		t.Errorf("streamed %v", s)
	}
	// Report is repeatable and reflects the whole span.
	r1, r2 := a.Report(), a.Report()
	if !reflect.DeepEqual(r1, r2) {
		t.Error("two reports differ")
	}
	f := findRule(r1.Findings, RuleGCFrequency)
	if f.LastLine < 2992 || f.End != time.Duration(f.LastLine-1)*20*time.Millisecond {
		t.Errorf("final finding %+v", f)
	}
	// The streamed copy is not changed by later cycles.
	if (*got)[0].LastLine == 3000 {
		t.Error("streamed finding was updated in place")
	}
}

func TestProcesses(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MaxProcesses = 50
	a := New(cfg, nil)
	// 80 processes in one input, interleaved a few at a time as under
	// go test: the parser forgets the least recent after 32, so does the
	// analyzer, into summaries.
	for p := 1; p <= 80; p++ {
		s := newSynth(a)
		s.process = p
		s.line = p * 1000
		n := 3
		if p%10 == 0 {
			n = 20 // the interesting ones
		}
		fast := healthyCycle()
		if p == 70 {
			fast.sweep = 150 * time.Millisecond
		}
		s.addN(n, fast)
	}
	r := a.Report()
	if len(r.Processes) != 50 || r.OmittedProcesses != 30 {
		t.Fatalf("%d processes, %d omitted", len(r.Processes), r.OmittedProcesses)
	}
	for i, p := range r.Processes {
		if i > 0 && p.Process <= r.Processes[i-1].Process {
			t.Errorf("processes out of order at %d", i)
		}
	}
	// Processes with findings or many cycles are kept.
	kept := map[int]bool{}
	for _, p := range r.Processes {
		kept[p.Process] = true
	}
	for p := 10; p <= 80; p += 10 {
		if !kept[p] {
			t.Errorf("process %d was dropped", p)
		}
	}
	if f := findRule(r.Findings, RuleLongPause); f == nil || f.Process != 70 || f.Severity != Error {
		t.Errorf("finding of an evicted process: %+v", f)
	}
	if len(a.st.live) > maxLive {
		t.Errorf("%d live processes", len(a.st.live))
	}
}

func TestFindingsOrder(t *testing.T) {
	a := New(DefaultConfig(), nil)
	for p := 2; p >= 1; p-- {
		s := newSynth(a)
		s.process = p
		s.line = p * 100
		slow := healthyCycle()
		slow.sweep = 150 * time.Millisecond
		s.addN(2, slow)
		for _, c := range goals(time.Second, 16, 32, 64, 128) {
			s.add(c)
		}
	}
	a.Add(&parser.SyntaxError{Pos: parser.Pos{File: "synthetic.log", Line: 999}, Field: "clock"})
	var got []string
	for _, f := range a.Report().Findings {
		got = append(got, f.Severity.String()+" "+f.Rule+" "+string(rune('0'+f.Process)))
	}
	want := []string{"error long-pause 1", "error long-pause 2", "warning unparsed-lines 0",
		"warning heap-doubling 1", "warning heap-doubling 2"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("order\n%q\nwant\n%q", got, want)
	}
}

// TestAddDoesNotAllocate checks the steady state: once a process is known,
// no record allocates, whatever the input's length.
func TestAddDoesNotAllocate(t *testing.T) {
	a := New(DefaultConfig(), func(Finding) {})
	s := newSynth(a)
	recs := varied(512)
	for i := range recs { // warm up: the process exists, findings have fired
		s.a.Add(s.next(recs[i%len(recs)]))
	}
	txt := &parser.Text{Pos: parser.Pos{File: s.file, Line: 1}, Text: []byte("app")}
	i := 0
	allocs := testing.AllocsPerRun(20000, func() {
		a.Add(s.next(recs[i%len(recs)]))
		a.Add(txt)
		i++
	})
	if allocs != 0 {
		t.Errorf("Add allocates %v times per record", allocs)
	}
}

// TestMemoryFlat feeds a million cycles and checks that the heap the
// analyzer holds does not grow with them.
func TestMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	a := New(DefaultConfig(), func(Finding) {})
	s := newSynth(a)
	recs := varied(4096)
	feed := func(n int) uint64 {
		for i := 0; i < n; i++ {
			a.Add(s.next(recs[i%len(recs)]))
		}
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := feed(100_000)
	after := feed(1_000_000)
	if after > before+256<<10 {
		t.Errorf("heap grew from %d to %d bytes over 1M cycles", before, after)
	}
	if r := a.Report(); r.Processes[0].Cycles != 1_100_000 {
		t.Errorf("cycles %d", r.Processes[0].Cycles)
	}
}

// varied returns cycles that exercise every rule now and then.
func varied(n int) []cyc {
	out := make([]cyc, n)
	for i := range out {
		c := healthyCycle()
		c.dt = time.Duration(5+i%200) * time.Millisecond
		live := int64(8 + i%64)
		c.h0, c.h1, c.h2, c.goal = 2*live, 2*live+int64(i%7), live, 2*live
		if i%97 == 0 {
			c.forced = true
		}
		if i%131 == 0 {
			c.sweep = 15 * time.Millisecond
		}
		if i%50 == 0 {
			c.procs = 2 + i%3
		}
		c.assist = time.Duration(i%300) * time.Microsecond
		out[i] = c
	}
	return out
}

// next fills the synth's record for c; like the parser, it reuses one
// record.
func (s *synth) next(c cyc) *parser.GC { return s.record(c) }

// TestRandomRecords throws records with arbitrary numbers at the analyzer,
// several processes and files interleaved: nothing may panic, and every
// report must marshal with finite numbers.
func TestRandomRecords(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func(vs ...int64) int64 { return vs[rng.IntN(len(vs))] }
	for round := 0; round < 8; round++ {
		a := New(DefaultConfig(), func(Finding) {})
		var g parser.GC
		for i := 0; i < 3000; i++ {
			g = parser.GC{
				Pos:    parser.Pos{File: []string{"a", "b"}[rng.IntN(2)], Line: i + 1, Process: 1 + rng.IntN(40)},
				Format: parser.Format(rng.IntN(8)),
				N:      int(pick(1, 2, int64(i), int64(i+1), -1, math.MaxInt32)),
				Start:  time.Duration(pick(parser.Absent, 0, int64(i)*int64(time.Millisecond), math.MaxInt64, rng.Int64())),
				NClock: rng.IntN(6), NCPU: rng.IntN(8),
				HeapStart: pick(0, 1<<20, rng.Int64N(1<<40), math.MaxInt64), HeapEnd: pick(0, 4<<20, rng.Int64N(1<<40)),
				HeapLive: pick(parser.Absent, 0, 4<<20, rng.Int64N(1<<40)), HeapGoal: pick(parser.Absent, 0, 4<<20, rng.Int64N(1<<40)),
				Stacks: pick(parser.Absent, 0, 1<<20), Globals: pick(parser.Absent, 0, 1<<20),
				Procs: int(pick(0, 1, 4, 256, -1)), Forced: rng.IntN(4) == 0, LeakCheck: rng.IntN(20) == 0,
				CPUPercent: int(pick(parser.Absent, 0, 50)),
			}
			for k := range g.Clock {
				g.Clock[k] = time.Duration(pick(0, 1000, rng.Int64N(int64(time.Second)), math.MaxInt64/8))
			}
			for k := range g.CPU {
				g.CPU[k] = time.Duration(pick(0, 1000, rng.Int64N(int64(time.Second)), math.MaxInt64/8))
			}
			switch rng.IntN(10) {
			case 0:
				a.Add(&parser.Runtime{Pos: g.Pos, Kind: parser.KindForced})
			case 1:
				a.Add(&parser.SyntaxError{Pos: g.Pos, Field: "heap"})
			case 2:
				a.Add(&parser.Text{Pos: g.Pos, Partial: rng.IntN(2) == 0})
			default:
				a.Add(&g)
			}
			if i%500 == 0 {
				a.Report()
			}
		}
		r := a.Report()
		if _, err := json.Marshal(r); err != nil {
			t.Fatal(err)
		}
		checkFinite(t, reflect.ValueOf(r))
	}
}

// TestRoundFigure checks that evidence keeps counts and whole MiB exact
// and fractions to three significant digits, never below their whole part.
func TestRoundFigure(t *testing.T) {
	for _, tt := range []struct{ in, want float64 }{
		{2035800, 2035800}, {2708, 2708}, {12.345, 12.3}, {0.012345, 0.0123}, {1234.56, 1235}, {-3.14159, -3.14}, {0, 0},
	} {
		if got := roundFigure(tt.in); got != tt.want {
			t.Errorf("roundFigure(%g) = %g, want %g", tt.in, got, tt.want)
		}
	}
}
