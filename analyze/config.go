package analyze

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Config holds every threshold of every rule. Start from DefaultConfig; a
// zero Config disables nothing but has zero thresholds, which makes most
// rules fire on anything.
//
// The names accepted by Set (listed by Names, documented by Rules) are the
// stable way to change a threshold from a command line or a config file.
type Config struct {
	// Disabled turns rules off by ID.
	Disabled map[string]bool

	// Window is the span of the sliding window the windowed rules look
	// at: GC rate, GC CPU, allocation rate, assist share. Default 10s.
	Window time.Duration
	// MaxProcesses bounds how many process summaries a report keeps; the
	// processes with the fewest cycles are dropped first. Default 1000.
	MaxProcesses int

	// gc-frequency
	GCFrequencyMaxPerSecond float64       // GCs per second over the window; default 50
	GCFrequencyMinDuration  time.Duration // how long the rate must hold; default 3s

	// alloc-churn
	AllocChurnMinRate      float64       // bytes per second over the window; default 8 MiB/s
	AllocChurnMaxLiveShare float64       // percent: live heap (H2) over heap at start (H0), median over the window; default 25
	AllocChurnMinDuration  time.Duration // how long both must hold; default 3s

	// heap-doubling
	HeapDoublingCycles    int           // doublings of the goal in a row; default 3
	HeapDoublingWithin    int           // cycles one doubling may take; default 4
	HeapDoublingMinHeap   int64         // bytes: in the start-up, doublings from a smaller goal do not count; default 16 MiB
	HeapDoublingStartup   time.Duration // how long the start-up of a process lasts; default 1s
	HeapDoublingMinFactor float64       // growth that counts as a doubling; default 1.9

	// live-heap-growth
	LiveHeapGrowthMinDuration time.Duration // span of the fit; default 20s
	LiveHeapGrowthMinGrowth   int64         // bytes the fitted line must climb; default 32 MiB
	LiveHeapGrowthMinPercent  float64       // percent the fitted line must climb; default 50
	LiveHeapGrowthMinR2       float64       // goodness of the linear fit, 0–1; default 0.8
	LiveHeapGrowthMaxStep     float64       // percent of the growth one cycle may add (steps are heap-doubling's); default 25

	// high-gc-cpu
	HighGCCPUWarning     float64       // percent of CPU over the window; default 25
	HighGCCPUError       float64       // percent; default 50
	HighGCCPUMinDuration time.Duration // default 3s

	// long-pause
	LongPauseWarning   time.Duration // default 10ms
	LongPauseError     time.Duration // default 100ms; one such pause is enough
	LongPauseMinCycles int           // pauses at or above the warning level before it is one; default 2

	// mark-assist
	MarkAssistMaxShare    float64       // percent: assist / (assist + background) over the window; default 25
	MarkAssistMinGCCPU    float64       // percent: GC CPU below which assists do not matter; default 10
	MarkAssistMinDuration time.Duration // default 3s

	// forced-gc
	ForcedGCMinCycles int     // default 10
	ForcedGCMinShare  float64 // percent of cycles; default 0 (the count alone decides)

	// heap-overshoot
	HeapOvershootMinExcess float64 // percent H1 exceeds the goal by; default 10
	HeapOvershootMinShare  float64 // percent of cycles; default 25
	HeapOvershootMinCycles int     // default 10
	HeapOvershootMinHeap   int64   // bytes: smaller goals are ignored (truncation); default 16 MiB

	// memory-limit-pressure
	MemoryLimitMaxGoalShare float64 // percent: goal over the GOGC-implied goal; default 75
	MemoryLimitMinCycles    int     // consecutive cycles; default 10
	MemoryLimitMinHeap      int64   // bytes: the implied goal must exceed this; default 16 MiB

	// min-heap-thrash
	MinHeapThrashMaxGoal     int64         // bytes: a goal at or below this is the minimum heap; default 4 MiB
	MinHeapThrashMinPerSec   float64       // GCs per second over the window; default 10
	MinHeapThrashMinDuration time.Duration // default 3s

	// periodic-gc
	PeriodicGCMinCycles int // default 1

	// unparsed-lines
	UnparsedLinesMin int64 // default 1

	// low-resolution
	LowResolutionMinShare float64 // percent of cycles at the print floor; default 50
}

// DefaultConfig returns the calibrated defaults (see the package doc).
func DefaultConfig() Config {
	c := Config{}
	for _, s := range settings {
		if err := s.set(&c, s.def); err != nil {
			panic("analyze: bad default for " + s.name + ": " + err.Error())
		}
	}
	return c
}

// Enabled reports whether rule id is on.
func (c *Config) Enabled(id string) bool { return !c.Disabled[id] }

// Disable turns rules off.
func (c *Config) Disable(ids ...string) {
	if c.Disabled == nil {
		c.Disabled = make(map[string]bool)
	}
	for _, id := range ids {
		c.Disabled[id] = true
	}
}

// Names returns the names Set accepts, sorted.
func (c *Config) Names() []string {
	names := make([]string, len(settings))
	for i, s := range settings {
		names[i] = s.name
	}
	sort.Strings(names)
	return names
}

// Set changes one threshold by name ("long-pause.warning", "window").
// Values are parsed by the threshold's unit: durations ("5ms", "2s"),
// sizes ("64MiB", "1GiB", "512KiB"; a plain number is MiB, as the trace
// prints them), rates ("100MiB/s"; a plain number is MiB/s), percents
// ("25%" or "25") and plain numbers.
func (c *Config) Set(name, value string) error {
	for _, s := range settings {
		if s.name == name {
			if err := s.set(c, value); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			return nil
		}
	}
	return fmt.Errorf("unknown threshold %q; valid names: %s", name, strings.Join(c.Names(), ", "))
}

// Get returns the current value of a threshold, in the form Set accepts.
func (c *Config) Get(name string) (string, error) {
	for _, s := range settings {
		if s.name == name {
			return s.get(c), nil
		}
	}
	return "", fmt.Errorf("unknown threshold %q; valid names: %s", name, strings.Join(c.Names(), ", "))
}

type unit uint8

const (
	unitDuration unit = iota
	unitSize          // bytes
	unitRate          // bytes per second
	unitPercent
	unitNumber // float64
	unitCount  // int or int64
)

// setting ties a threshold's name to its field.
type setting struct {
	name string // "<rule>.<threshold>", or a global name
	rule string // "" for global settings
	unit unit
	def  string
	doc  string
	ptr  func(*Config) any // *time.Duration, *int64, *float64 or *int
}

var settings = []setting{
	{"window", "", unitDuration, "10s", "span of the sliding window for rates and shares",
		func(c *Config) any { return &c.Window }},
	{"max-processes", "", unitCount, "1000", "process summaries kept in a report",
		func(c *Config) any { return &c.MaxProcesses }},

	{"gc-frequency.max-per-second", "gc-frequency", unitNumber, "20", "GC cycles per second over the window",
		func(c *Config) any { return &c.GCFrequencyMaxPerSecond }},
	{"gc-frequency.min-duration", "gc-frequency", unitDuration, "3s", "how long the rate must hold",
		func(c *Config) any { return &c.GCFrequencyMinDuration }},

	{"alloc-churn.min-rate", "alloc-churn", unitRate, "8MiB/s", "allocation rate over the window (with a profile: of one function over the profile's span)",
		func(c *Config) any { return &c.AllocChurnMinRate }},
	{"alloc-churn.max-live-share", "alloc-churn", unitPercent, "25%", "live heap after GC over heap at GC start (median over the window; with a profile: the share of a function's allocation still in use)",
		func(c *Config) any { return &c.AllocChurnMaxLiveShare }},
	{"alloc-churn.min-duration", "alloc-churn", unitDuration, "3s", "how long both must hold (with a profile: its shortest span)",
		func(c *Config) any { return &c.AllocChurnMinDuration }},

	{"heap-doubling.cycles", "heap-doubling", unitCount, "3", "doublings of the heap goal in a row",
		func(c *Config) any { return &c.HeapDoublingCycles }},
	{"heap-doubling.within", "heap-doubling", unitCount, "4", "GC cycles one doubling may take (slower growth is live-heap-growth's)",
		func(c *Config) any { return &c.HeapDoublingWithin }},
	{"heap-doubling.min-factor", "heap-doubling", unitNumber, "1.9", "growth that counts as a doubling (a goal is computed from a live heap just under the last goal)",
		func(c *Config) any { return &c.HeapDoublingMinFactor }},
	{"heap-doubling.min-heap", "heap-doubling", unitSize, "16MiB", "in the start-up, doublings from a smaller heap goal do not count",
		func(c *Config) any { return &c.HeapDoublingMinHeap }},
	{"heap-doubling.startup", "heap-doubling", unitDuration, "1s", "how long the start-up of a process lasts, when programs load what they need (after it, doublings from any goal count)",
		func(c *Config) any { return &c.HeapDoublingStartup }},

	{"live-heap-growth.min-duration", "live-heap-growth", unitDuration, "5s", "span the live heap must grow over",
		func(c *Config) any { return &c.LiveHeapGrowthMinDuration }},
	{"live-heap-growth.min-growth", "live-heap-growth", unitSize, "16MiB", "growth of the fitted live heap over that span",
		func(c *Config) any { return &c.LiveHeapGrowthMinGrowth }},
	{"live-heap-growth.min-percent", "live-heap-growth", unitPercent, "50%", "growth relative to the fitted start",
		func(c *Config) any { return &c.LiveHeapGrowthMinPercent }},
	{"live-heap-growth.min-r2", "live-heap-growth", unitNumber, "0.8", "goodness of the linear fit (R², 0–1)",
		func(c *Config) any { return &c.LiveHeapGrowthMinR2 }},

	{"live-heap-growth.max-step", "live-heap-growth", unitPercent, "25%", "share of the growth a single cycle may add (jumps are heap-doubling)",
		func(c *Config) any { return &c.LiveHeapGrowthMaxStep }},

	{"high-gc-cpu.warning", "high-gc-cpu", unitPercent, "25%", "GC CPU over the window for a warning",
		func(c *Config) any { return &c.HighGCCPUWarning }},
	{"high-gc-cpu.error", "high-gc-cpu", unitPercent, "50%", "GC CPU over the window for an error",
		func(c *Config) any { return &c.HighGCCPUError }},
	{"high-gc-cpu.min-duration", "high-gc-cpu", unitDuration, "3s", "how long it must hold",
		func(c *Config) any { return &c.HighGCCPUMinDuration }},

	{"long-pause.warning", "long-pause", unitDuration, "10ms", "stop-the-world pause of one cycle for a warning",
		func(c *Config) any { return &c.LongPauseWarning }},
	{"long-pause.error", "long-pause", unitDuration, "100ms", "pause for an error (a single one is enough)",
		func(c *Config) any { return &c.LongPauseError }},
	{"long-pause.min-cycles", "long-pause", unitCount, "2", "pauses at or above the warning level before they are a warning (one slow start-up cycle on a busy machine is not)",
		func(c *Config) any { return &c.LongPauseMinCycles }},

	{"mark-assist.max-share", "mark-assist", unitPercent, "25%", "assist share of mark CPU over the window",
		func(c *Config) any { return &c.MarkAssistMaxShare }},
	{"mark-assist.min-gc-cpu", "mark-assist", unitPercent, "10%", "GC CPU below which assists do not matter",
		func(c *Config) any { return &c.MarkAssistMinGCCPU }},
	{"mark-assist.min-duration", "mark-assist", unitDuration, "3s", "how long both must hold",
		func(c *Config) any { return &c.MarkAssistMinDuration }},

	{"forced-gc.min-cycles", "forced-gc", unitCount, "10", "forced cycles in one process (a program may reasonably force a few, in tests or at start-up)",
		func(c *Config) any { return &c.ForcedGCMinCycles }},
	{"forced-gc.min-share", "forced-gc", unitPercent, "0%", "forced share of all cycles (0: the count alone decides)",
		func(c *Config) any { return &c.ForcedGCMinShare }},

	{"heap-overshoot.min-excess", "heap-overshoot", unitPercent, "10%", "how far the heap at mark end exceeds the goal",
		func(c *Config) any { return &c.HeapOvershootMinExcess }},
	{"heap-overshoot.min-share", "heap-overshoot", unitPercent, "25%", "share of cycles that overshoot",
		func(c *Config) any { return &c.HeapOvershootMinShare }},
	{"heap-overshoot.min-cycles", "heap-overshoot", unitCount, "10", "overshooting cycles",
		func(c *Config) any { return &c.HeapOvershootMinCycles }},
	{"heap-overshoot.min-heap", "heap-overshoot", unitSize, "16MiB", "smaller goals are ignored (MiB truncation)",
		func(c *Config) any { return &c.HeapOvershootMinHeap }},

	{"memory-limit-pressure.max-goal-share", "memory-limit-pressure", unitPercent, "75%", "heap goal over the GOGC-implied goal",
		func(c *Config) any { return &c.MemoryLimitMaxGoalShare }},
	{"memory-limit-pressure.min-cycles", "memory-limit-pressure", unitCount, "10", "consecutive cycles below it",
		func(c *Config) any { return &c.MemoryLimitMinCycles }},
	{"memory-limit-pressure.min-heap", "memory-limit-pressure", unitSize, "16MiB", "GOGC-implied goal below which the rule is silent",
		func(c *Config) any { return &c.MemoryLimitMinHeap }},

	{"min-heap-thrash.max-goal", "min-heap-thrash", unitSize, "4MiB", "heap goal at the runtime's minimum",
		func(c *Config) any { return &c.MinHeapThrashMaxGoal }},
	{"min-heap-thrash.min-per-second", "min-heap-thrash", unitNumber, "20", "GC cycles per second over the window",
		func(c *Config) any { return &c.MinHeapThrashMinPerSec }},
	{"min-heap-thrash.min-duration", "min-heap-thrash", unitDuration, "3s", "how long both must hold",
		func(c *Config) any { return &c.MinHeapThrashMinDuration }},

	{"periodic-gc.min-cycles", "periodic-gc", unitCount, "1", "periodic (2-minute) GCs in one process",
		func(c *Config) any { return &c.PeriodicGCMinCycles }},

	{"unparsed-lines.min-lines", "unparsed-lines", unitCount, "1", "GC-like lines that did not parse",
		func(c *Config) any { return &c.UnparsedLinesMin }},

	{"low-resolution.min-share", "low-resolution", unitPercent, "50%", "share of cycles whose figure sits at the print floor",
		func(c *Config) any { return &c.LowResolutionMinShare }},
}

func (s *setting) set(c *Config, v string) error {
	v = strings.TrimSpace(v)
	switch p := s.ptr(c).(type) {
	case *time.Duration:
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("want a duration such as 5ms or 2s: %q", v)
		}
		if d < 0 {
			return fmt.Errorf("negative duration %q", v)
		}
		*p = d
	case *int64:
		var n float64
		var err error
		if s.unit == unitSize {
			n, err = ParseSize(v)
		} else {
			n, err = ParseNumber(v)
		}
		if err != nil {
			return err
		}
		*p = int64(n)
	case *int:
		n, err := ParseNumber(v)
		if err != nil {
			return err
		}
		if n > math.MaxInt32 {
			n = math.MaxInt32
		}
		*p = int(n)
	case *float64:
		var n float64
		var err error
		switch s.unit {
		case unitRate:
			n, err = ParseRate(v)
		case unitPercent:
			n, err = ParsePercent(v)
		default:
			n, err = ParseNumber(v)
		}
		if err != nil {
			return err
		}
		*p = n
	}
	return nil
}

func (s *setting) get(c *Config) string {
	switch p := s.ptr(c).(type) {
	case *time.Duration:
		return p.String()
	case *int64:
		if s.unit == unitSize {
			return formatSize(float64(*p))
		}
		return strconv.FormatInt(*p, 10)
	case *int:
		return strconv.Itoa(*p)
	case *float64:
		switch s.unit {
		case unitRate:
			return formatSize(*p) + "/s"
		case unitPercent:
			return strconv.FormatFloat(*p, 'g', -1, 64) + "%"
		}
		return strconv.FormatFloat(*p, 'g', -1, 64)
	}
	return ""
}

// ParseNumber reads a non-negative number.
func ParseNumber(v string) (float64, error) {
	n, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(n) || math.IsInf(n, 0) || n < 0 {
		return 0, fmt.Errorf("want a non-negative number: %q", v)
	}
	return n, nil
}

// ParsePercent reads a percentage, with or without "%".
func ParsePercent(v string) (float64, error) {
	n, err := ParseNumber(strings.TrimSpace(strings.TrimSuffix(v, "%")))
	if err != nil {
		return 0, fmt.Errorf("want a percentage such as 25%%: %q", v)
	}
	return n, nil
}

var sizeUnits = []struct {
	suffix string
	mult   float64
}{
	// Longest suffixes first, so "MiB" is not read as "B".
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
	// The trace's "MB" is MiB, so the decimal-looking names mean the same.
	{"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}, {"TB", 1 << 40},
	{"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"T", 1 << 40},
	{"B", 1},
}

// ParseSize reads a byte size with a binary unit (KiB, MiB, GiB; KB, MB
// and GB mean the same, as the trace's MB does); a plain number is MiB,
// the unit the trace prints.
func ParseSize(v string) (float64, error) {
	num, mult := v, float64(1<<20)
	for _, u := range sizeUnits {
		if len(v) > len(u.suffix) && strings.EqualFold(v[len(v)-len(u.suffix):], u.suffix) {
			num, mult = strings.TrimSpace(v[:len(v)-len(u.suffix)]), u.mult
			break
		}
	}
	n, err := ParseNumber(num)
	if err != nil {
		return 0, fmt.Errorf("want a size such as 64MiB or 1GiB: %q", v)
	}
	return n * mult, nil
}

// ParseRate reads bytes per second ("500MiB/s"); a plain number is MiB/s.
func ParseRate(v string) (float64, error) {
	s := strings.TrimSpace(v)
	for _, suf := range []string{"/s", "/sec", "ps"} {
		if strings.HasSuffix(s, suf) {
			s = strings.TrimSpace(strings.TrimSuffix(s, suf))
			break
		}
	}
	n, err := ParseSize(s)
	if err != nil {
		return 0, fmt.Errorf("want a rate such as 100MiB/s: %q", v)
	}
	return n, nil
}

// sizeUnit returns the largest binary unit b reaches, up to GiB.
func sizeUnit(b float64) (size float64, name string) {
	switch {
	case b >= 1<<30:
		return 1 << 30, "GiB"
	case b >= 1<<20:
		return 1 << 20, "MiB"
	case b >= 1<<10:
		return 1 << 10, "KiB"
	}
	return 1, "B"
}

// formatSize prints bytes in the largest binary unit that keeps it exact
// enough to read back.
func formatSize(b float64) string {
	size, name := sizeUnit(b)
	if size == 1<<30 && math.Mod(b, 1<<30) != 0 {
		size, name = 1<<20, "MiB"
	}
	return strconv.FormatFloat(b/size, 'g', -1, 64) + name
}

// roundSize prints bytes to four digits, for a message: exact figures
// are for settings, which must read back.
func roundSize(b float64) string {
	size, name := sizeUnit(b)
	return strconv.FormatFloat(b/size, 'g', 4, 64) + " " + name
}
