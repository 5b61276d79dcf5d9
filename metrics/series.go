package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Series documents one metric family gctrace exposes.
type Series struct {
	Name   string
	Type   string // "counter", "gauge" or "histogram"
	Labels []string
	Help   string
}

// The series, in the order they are documented and exposed. Every series
// also carries the labels given with --label.
var (
	seriesCycles = Series{"gctrace_gc_cycles_total", "counter", []string{"process"},
		"GC cycles completed: gc lines in the trace."}
	seriesForced = Series{"gctrace_gc_forced_cycles_total", "counter", []string{"process"},
		"GC cycles the program forced (runtime.GC, debug.FreeOSMemory): lines marked (forced)."}
	seriesAllocated = Series{"gctrace_allocated_bytes_total", "counter", []string{"process"},
		"Bytes allocated, read from the trace: heap at mark end minus the previous cycle's live heap, over consecutive cycles (MiB granularity)."}
	seriesGCCPU = Series{"gctrace_gc_cpu_seconds_total", "counter", []string{"process"},
		"CPU time the collector used: every cpu phase of each cycle except idle marking."}
	seriesAssist = Series{"gctrace_gc_assist_cpu_seconds_total", "counter", []string{"process"},
		"CPU time goroutines spent assisting the mark instead of running."}
	seriesPause = Series{"gctrace_gc_pause_seconds_total", "counter", []string{"process"},
		"Stop-the-world time: first plus last clock phase of each cycle."}
	seriesPauseHist = Series{"gctrace_gc_pause_duration_seconds", "histogram", []string{"process"},
		"Stop-the-world pause of each cycle (native histogram when the scrape accepts it, classic buckets otherwise)."}
	seriesHeapLive = Series{"gctrace_heap_live_bytes", "gauge", []string{"process"},
		"Heap marked live by the last cycle (MiB granularity)."}
	seriesHeapGoal = Series{"gctrace_heap_goal_bytes", "gauge", []string{"process"},
		"Heap goal of the last cycle (MiB granularity)."}
	seriesHeapStart = Series{"gctrace_heap_start_bytes", "gauge", []string{"process"},
		"Heap in use when the last cycle started (MiB granularity)."}
	seriesStacks = Series{"gctrace_stacks_bytes", "gauge", []string{"process"},
		"Scannable stacks at the last cycle (Go 1.18+, MiB granularity)."}
	seriesGlobals = Series{"gctrace_globals_bytes", "gauge", []string{"process"},
		"Scannable globals at the last cycle (Go 1.18+, MiB granularity)."}
	seriesProcs = Series{"gctrace_gomaxprocs", "gauge", []string{"process"},
		"GOMAXPROCS at the last cycle."}
	seriesGOGC = Series{"gctrace_effective_gogc", "gauge", []string{"process"},
		"GOGC read back from the last cycle whose goal GOGC alone set, in percent (Go 1.18+; absent until a cycle above the 4 MiB floor)."}
	seriesFindings = Series{"gctrace_findings_total", "counter", []string{"process", "rule", "severity"},
		"Findings fired, counted when a rule first fires for a process and again when it becomes more severe."}
	seriesActive = Series{"gctrace_findings_active", "gauge", []string{"process", "rule", "severity"},
		"1 while a finding still holds at its process's latest cycle, 0 once it no longer does."}
	seriesProcesses = Series{"gctrace_processes_folded_total", "counter", nil,
		"Processes whose series were folded into the series with process label other, to keep the number of process label values bounded."}
)

// Catalogue returns every series gctrace exposes, in exposition order.
func Catalogue() []Series {
	return []Series{seriesCycles, seriesForced, seriesAllocated, seriesGCCPU, seriesAssist, seriesPause, seriesPauseHist,
		seriesHeapLive, seriesHeapGoal, seriesHeapStart, seriesStacks, seriesGlobals, seriesProcs, seriesGOGC,
		seriesFindings, seriesActive, seriesProcesses}
}

func (s Series) desc(constLabels prometheus.Labels) *prometheus.Desc {
	return prometheus.NewDesc(s.Name, s.Help, s.Labels, constLabels)
}
