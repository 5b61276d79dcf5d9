// Package analyze turns a stream of GC trace records into summary statistics
// and findings, in memory bounded independently of the input's length.
package analyze

import "time"

// ReportVersion is the version of the Report JSON shape. It changes only
// when a field is removed or changes meaning; new fields may appear in any
// version.
const ReportVersion = 1

// Severity ranks findings. The zero value is Info.
type Severity int

const (
	Info Severity = iota
	Warning
	Error
)

// Figure is one number a finding rests on.
type Figure struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	Unit  string  `json:"unit,omitempty"`
}

// Finding is one diagnosis: a rule that fired for one process.
//
// In JSON, Start and End appear as start_s and end_s (seconds since the
// process started), omitted when unknown.
type Finding struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	Process  int      `json:"process"` // 0 for findings about the whole input (unparsed-lines)
	File     string   `json:"file,omitempty"`

	FirstLine  int `json:"first_line"`
	LastLine   int `json:"last_line"`
	FirstCycle int `json:"first_cycle"` // cycle numbers as printed; 0 when not about cycles
	LastCycle  int `json:"last_cycle"`

	// Start and End are the span the finding covers in process time; -1
	// when unknown (pre-1.5 traces print no timestamps).
	Start time.Duration `json:"-"`
	End   time.Duration `json:"-"`

	Message  string   `json:"message"` // the evidence in numbers, one line, without the rule ID
	Advice   string   `json:"advice"`
	Evidence []Figure `json:"evidence,omitempty"` // sorted by name

	// Attribution names the code behind the finding; the analyzer leaves
	// it empty for the attribute package to fill.
	Attribution string `json:"attribution,omitempty"`
}

// Quantiles summarises a distribution. Values carry about 1% relative
// error beyond the trace's own print precision.
type Quantiles struct {
	P50  float64 `json:"p50"`
	P95  float64 `json:"p95"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

// Range is a minimum and a maximum.
type Range struct {
	Min float64 `json:"min"`
	Max float64 `json:"max"`
}

// ProcsReport describes GOMAXPROCS over a process's life.
type ProcsReport struct {
	Min     int `json:"min"`
	Max     int `json:"max"`
	Changes int `json:"changes"`
}

// ProcessReport is the summary of one process stream. Figures the trace
// cannot give (no timestamps before Go 1.5, no goal, a single cycle) are 0.
// Heap figures are MiB as the runtime printed them: truncated.
type ProcessReport struct {
	File      string `json:"file"`
	Process   int    `json:"process"`
	Format    string `json:"format"` // first release printing the line shape, "go1.18"
	FirstLine int    `json:"first_line"`
	LastLine  int    `json:"last_line"`

	Cycles     int64   `json:"cycles"`
	FirstCycle int     `json:"first_cycle"`
	LastCycle  int     `json:"last_cycle"`
	StartS     float64 `json:"start_s"`    // start of the first cycle
	DurationS  float64 `json:"duration_s"` // first cycle's start to last cycle's start

	GCPerSecond float64   `json:"gc_per_second"`
	IntervalMS  Quantiles `json:"interval_ms"` // start to start
	PauseMS     Quantiles `json:"pause_ms"`    // stop-the-world: first + last clock phase
	MarkMS      Quantiles `json:"mark_ms"`     // concurrent mark wall time

	GCCPUPercent          float64 `json:"gc_cpu_percent"`            // Σ GC CPU / (span × P), over the whole process
	GCCPUPercentMaxWindow float64 `json:"gc_cpu_percent_max_window"` // the worst window
	PrintedGCCPUPercent   int     `json:"printed_gc_cpu_percent"`    // the last cumulative "N%" as printed
	AssistPercent         float64 `json:"assist_percent"`            // assist / (assist + background)

	AllocatedMiB     float64 `json:"allocated_mib"`       // Σ H1(N) − H2(N−1)
	AllocMiBPerCycle float64 `json:"alloc_mib_per_cycle"` // mean
	AllocRateMiBPerS float64 `json:"alloc_rate_mib_per_s"`

	HeapLiveMiB          Range       `json:"heap_live_mib"`
	HeapLiveSlopeMiBPerS float64     `json:"heap_live_slope_mib_per_s"` // least squares over all cycles
	HeapLiveFitR2        float64     `json:"heap_live_fit_r2"`
	HeapPeakMiB          float64     `json:"heap_peak_mib"` // largest H0 or H1
	HeapGoalMiB          Range       `json:"heap_goal_mib"`
	EffectiveGOGC        float64     `json:"effective_gogc"`   // median; 0 when the trace cannot tell (before Go 1.18, or near the 4 MiB floor)
	OvershootCycles      int64       `json:"overshoot_cycles"` // H1 above the goal
	ForcedCycles         int64       `json:"forced_cycles"`
	PeriodicCycles       int64       `json:"periodic_cycles"` // started by the periodic GC helper ("GC forced")
	Procs                ProcsReport `json:"procs"`
	// AtResolutionFloor names the figures that sit at the trace's print
	// floor in most cycles, sorted: "clock" (a clock that ticks in whole
	// milliseconds), "heap" (heaps printed as 0 or 1 MB), "pause" (pauses
	// printed as 0).
	AtResolutionFloor []string `json:"at_resolution_floor"`
	// Memory is where the memory went, from the program's heap profile
	// (Analyzer.AddUsage); absent without one.
	Memory *MemoryUsage `json:"memory,omitempty"`
}

// Report is the analysis of everything added so far.
type Report struct {
	Version   int             `json:"version"`
	Processes []ProcessReport `json:"processes"` // by file (in order of appearance), then process
	// OmittedProcesses counts processes left out of Processes because the
	// input held more than Config.MaxProcesses (the smallest are dropped).
	OmittedProcesses int64     `json:"omitted_processes,omitempty"`
	Findings         []Finding `json:"findings"` // severity descending, then file, process, first line, rule

	UnparsedLines int64    `json:"unparsed_lines"`
	Unparsed      []string `json:"unparsed,omitempty"` // positions and causes of the first unparsed lines

	Lines        int64 `json:"lines"`
	GCLines      int64 `json:"gc_lines"`
	RuntimeLines int64 `json:"runtime_lines"`
	TextLines    int64 `json:"text_lines"`
}

// Threshold documents one configurable number of a rule.
type Threshold struct {
	Name    string // as accepted by Config.Set: "long-pause.warning"
	Default string // in the unit Set accepts: "10ms"
	Doc     string
}

// RuleInfo documents one rule of the catalogue.
type RuleInfo struct {
	ID       string
	Severity Severity // the default, or the lowest a rule with levels reports
	Summary  string
	// FiresOn says what the rule judges, where the summary does not.
	FiresOn    string
	Advice     string
	Thresholds []Threshold
}

// Analyzer accumulates records. It is not safe for concurrent use, except
// that Report may be called between Adds from the same goroutine at any
// time.
type Analyzer struct {
	cfg       Config
	onFinding func(Finding)
	st        state

	// Derived from cfg once, for the per-record path.
	on         [numRules]bool
	unparsedOn bool
	window     int64 // ns
	minSpan    int64 // ns
	step       int64 // ns between window snapshots
	overFactor float64
	longOn     bool    // long-pause is on with a warning level
	dblFactor  float64 // heap-doubling's factor, 2 when not set
	dblMinHeap int64   // heap-doubling's smallest goal in the start-up, at least 1
	dblStartup int64   // heap-doubling's start-up, ns
	dblWithin  int     // cycles a doubling may take, at least 1
}

// New returns an Analyzer with the given configuration. onFinding, if not
// nil, is called from Add the moment a finding is first detected.
func New(cfg Config, onFinding func(Finding)) *Analyzer {
	a := &Analyzer{cfg: cfg, onFinding: onFinding}
	a.init()
	return a
}
