// Package compare tells whether one GC trace's figures differ from
// another's, process by process, with the statistics of benchstat.
//
// A Collector takes a trace's records as they stream (beside the
// analyzer of package analyze) and keeps, per process, what each cycle
// says: start, P, pause, GC CPU, assist and background mark CPU, bytes
// allocated since the previous cycle, live and peak heap, effective GOGC,
// by the formulas of gctrace analyze. Compare pairs the processes of two
// traces and computes a Result: per pair, one Row per Metric with both
// sides' figures and intervals, the change with its interval, the p-value
// and whether the change is significant; and the findings that fire on
// one side only, by rule. Render writes it as text, markdown, JSON or
// GitHub workflow commands; Judge gates it on Allowances.
//
// # Samples
//
// Per-cycle metrics (pauses, heaps, bytes per cycle, GOGC) have one sample
// per cycle. Rates (cycles per second, GC CPU, allocation rate, assist
// share) have one per window of the trace's clock: Options.Window,
// shortened so that the shorter run of a pair holds five windows, then
// lengthened to two of the slower side's median cycle intervals, so that a
// window of a service collecting once a second still holds cycles. A
// window's GC CPU is the CPU of the cycles that started in it over its
// length times P; the unfinished window at the end is left out.
//
// # Statistics
//
// Medians use golang.org/x/perf/benchmath: the interval from order
// statistics, the Mann-Whitney U test. The p95 and p99 have the
// order-statistic interval of the quantile and an exceedance test: the
// count of new cycles above the old sample's k-th order statistic is
// beta-binomial whatever the distribution, if both samples share one. The
// cycle and allocation rates are means over the windows (the rate over
// the span they tile) with Student's t interval, tested with
// Mann-Whitney. A maximum is one cycle: shown, never tested. The change's
// interval comes from both sides' intervals by the delta method on the log
// of the ratio. A change is significant when the test rejects at Alpha and
// its interval, when known, excludes zero.
//
// Cycles of one run are not independent (a slow machine slows a stretch of
// them), so on long runs a test may call a small change between two runs
// of one program significant; the gate's allowances are there so that
// only changes of a size that matters fail it.
package compare
