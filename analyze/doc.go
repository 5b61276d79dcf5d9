// # Use
//
// An Analyzer takes every record a parser.Reader returns, in order, and
// calls back with each finding the moment it is detected; Report returns
// the summary and all findings so far, and may be called at any time (on
// an interrupt, say) and more than once:
//
//	a := analyze.New(analyze.DefaultConfig(), func(f analyze.Finding) { fmt.Println(f.Rule, f.Message) })
//	r := parser.NewReader(os.Stdin, "-")
//	for r.Scan() {
//		a.Add(r.Record())
//	}
//	rep := a.Report()
//
// A finding is streamed once per rule and process, and again only if it
// becomes more severe (high-gc-cpu, long-pause). The report's copy covers
// everything seen since: its last line, end and numbers are the final ones.
//
// # Figures
//
// Each process stream (the parser's process id, per input file) gets a
// ProcessReport. The formulas are those of PRODUCT.md:
//
//   - pause: first plus last clock phase (the whole collection before Go 1.5);
//     mark: the middle clock phases.
//   - GC CPU of a cycle: every cpu value except idle mark; over a span,
//     Σ GC CPU / Σ (Δt × P), never the printed cumulative percentage.
//   - assist share: assist / (assist + background).
//   - allocated in cycle N: H1(N) − H2(N−1), for consecutive cycles.
//   - effective GOGC: (goal(N) − H2(N−1)) / (H2(N−1) + stacks + globals) × 100,
//     Go 1.18+ only and only where the previous live heap is at least 4 MiB
//     and the goal above the 4 MiB minimum.
//   - live-heap slope and R²: least squares of H2 over time.
//
// Times are as printed: truncated to two significant digits below 10 ms and
// to the millisecond for cycle starts. Heap figures are MiB truncated, so
// a heap printed as 0 or 1 MB is anything below 2 MiB. A process whose
// figures mostly sit at that floor lists them in AtResolutionFloor and gets
// a low-resolution finding.
//
// # Memory and speed
//
// Memory does not grow with the input: quantiles come from log-bucketed
// histograms (64 buckets per power of two, under 1% error), windows are a
// ring of cumulative sums snapshotted every Window/64 of process time, the
// live-heap trend is a least-squares fit kept as 32 mergeable blocks, and
// at most 32 processes are followed at once, as the parser does; finished
// ones are folded into their summary, of which MaxProcesses are kept (those
// with the worst findings, then the most cycles). Add does not allocate once
// a process is known.
//
// # Windows
//
// The windowed rules (gc-frequency, alloc-churn, high-gc-cpu, mark-assist,
// min-heap-thrash) look at the last Window of process time (10 s by
// default; all of it early on, once it spans a second) and fire when their
// condition has held without a break for the rule's min-duration, so a
// burst at start-up or a program that only runs a second does not fire.
// Traces before Go 1.5 print no times, so these rules and the rates stay
// silent on them.
//
// # Rules
//
// Every threshold can be changed by name with Config.Set ("long-pause.warning",
// "5ms"); Rules returns the catalogue with its defaults. Two settings apply
// to all: window (10s) and max-processes (1000).
//
//	| rule | severity | detects | defaults |
//	|---|---|---|---|
//	| alloc-churn | warning | a high allocation rate of memory that is garbage by the next cycle | min-rate 8MiB/s, max-live-share 25%, min-duration 3s |
//	| forced-gc | warning | the program calls runtime.GC or debug.FreeOSMemory itself | min-cycles 10, min-share 0% |
//	| gc-frequency | warning | the GC runs many times a second, for seconds on end | max-per-second 20, min-duration 3s |
//	| heap-doubling | warning | the heap goal doubles several cycles in a row: something loads a lot into memory at once | cycles 3, within 4, min-factor 1.9, min-heap 16MiB, startup 1s |
//	| heap-overshoot | warning | the heap at mark end exceeds the goal in many cycles: the GC starts too late for the allocation rate | min-excess 10%, min-share 25%, min-cycles 10, min-heap 16MiB |
//	| high-gc-cpu | warning, error | the GC uses a large share of the available CPU (from the cpu fields, over a sliding window) | warning 25%, error 50%, min-duration 3s |
//	| live-heap-growth | warning | the live heap after GC climbs steadily: a leak or an unbounded cache | min-duration 5s, min-growth 16MiB, min-percent 50%, min-r2 0.8, max-step 25% |
//	| long-pause | warning, error | a stop-the-world pause (first plus last clock phase) is long | warning 10ms, error 100ms, min-cycles 2 |
//	| low-resolution | info | most figures sit at the trace's print floor (0–1 MB heaps, pauses printed as 0, a clock that ticks in ms) | min-share 50% |
//	| mark-assist | warning | goroutines spend much of the marking CPU assisting the GC instead of running: allocation outpaces marking | max-share 25%, min-gc-cpu 10%, min-duration 3s |
//	| memory-limit-pressure | warning | the heap goal sits well below what GOGC alone would give: the memory limit binds | max-goal-share 75%, min-cycles 10, min-heap 16MiB |
//	| min-heap-thrash | warning | the heap goal is pinned at the 4 MiB minimum while GCs come many times a second | max-goal 4MiB, min-per-second 20, min-duration 3s |
//	| periodic-gc | info | the runtime forced a GC because none ran for 2 minutes (GC forced) | min-cycles 1 |
//	| procs-change | info | GOMAXPROCS changed within a process | – |
//	| unparsed-lines | warning | lines that look like GC trace lines but could not be read (the program's output broke them, or a new format) | min-lines 1 |
//
// (end of rule table)
//
// # Calibration
//
// The defaults were chosen on the bomb's scenarios, recorded with Go 1.26 on
// two CPUs (testdata/bomb, see gen.sh there), and on ordinary programs
// traced with every Go release from 1.2 to 1.26 (testdata/runtimes), which
// raise nothing at warning or above. Each scenario raises exactly the rules
// it was built for; the table is what the tests compute (first process):
//
//	| scenario | rules at warning or above | info | GC/s | GC CPU | alloc MiB/s | live MB | goal MB (max) |
//	|---|---|---|---|---|---|---|---|
//	| dog | alloc-churn | – | 4.6 | 0.0883% | 13.9 | 0–0 | 4 |
//	| mouse | heap-doubling | – | 0.833 | 0.0276% | 69.5 | 4–588 | 596 |
//	| spike | heap-doubling | – | 2.68 | 0.069% | 85 | 0–171 | 342 |
//	| leak | live-heap-growth | – | 3.55 | 0.135% | 35.1 | 0–37 | 67 |
//	| tiny | gc-frequency, min-heap-thrash | – | 45.7 | 1.46% | 139 | 0–1 | 4 |
//	| forced | forced-gc | low-resolution | 10 | 0.295% | 10 | 0–0 | 4 |
//	| limit | memory-limit-pressure | – | 8.27 | 4.9% | 136 | 6–106 | 119 |
//	| assist | high-gc-cpu (error), mark-assist | – | 5.76 | 53.9% | 505 | 5–94 | 189 |
//	| healthy | – | – | 0.871 | 0.033% | 23.3 | 4–32 | 64 |
//	| tiger | – | – | no GC | | | | |
//	| wolf | – | – | no GC | | | | |
//	| cat | – | – | no GC | | | | |
//	| animals | heap-doubling | – | 1.73 | 0.256% | 92.8 | 3–683 | 706 |
//
// (end of calibration table)
//
// The margins: tiny runs at about 46 GCs/s against gc-frequency's and
// min-heap-thrash's 20, while the dog, at the same 4 MB goal, averages under
// 5 GCs/s in bursts and allocates 13 MiB/s of which nothing survives,
// against alloc-churn's 8 MiB/s and 25% (the healthy service keeps half of
// its heap live). The limit scenario's goal is 55% of what GOGC would give,
// against 75%, and its 5% GC CPU, a third of it assists, stays under
// mark-assist's 10%; the assist scenario runs at about 50% GC CPU, on the
// edge of high-gc-cpu's error level. The animals, with the dog's garbage
// between the mouse's steps, double the goal five times in thirteen cycles.
// Heap-doubling counts doublings from any goal once a process is a second
// old, and before that only from 16 MiB up: every ordinary program here
// grows from the 4 MiB minimum to its working set by doublings, ending by
// 0.45 s (the 48 MB grow phase of testdata/runtimes in 0.05–0.3 s, the
// healthy service's 4 → 39 MB in 0.15 s, the compiler processes of `go
// build -a std` from a raised start-up goal), while the mouse doubles once
// a second from 2 s on, so that its first 6 s (4 → 9 → 18 → 36 → 72 MB)
// fire. Alloc-churn does not fire on the animals: the mouse's hoard makes most of
// the heap live.
package analyze
