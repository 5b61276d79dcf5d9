// Package zoo is the bomb's behaviours: small programs that misbehave on
// purpose, each with a known signature in the GC trace and in pprof.
//
// The animals come from the pprof walkthrough many Go developers learned on
// (wolfogre/go-pprof-practice), under the same names, so that walkthrough
// reads the same with gctrace. The other scenarios are GC behaviours it
// lacks, one per pattern gctrace analyze recognises.
//
//	scenario  what it does                             gctrace pattern                           pprof profile      rule gctrace analyze raises
//	--------  ---------------------------------------  ----------------------------------------  -----------------  ----------------------------
//	tiger     (*Tiger).Eat spins ~1 s of CPU per call  none: it does not allocate                profile (CPU)      none (not a GC fault)
//	mouse     (*Mouse).Steal hoards 1 MiB arrays,      live heap and goal double, about one      heap, inuse_space  heap-doubling
//	          doubling its hoard each call             cycle per call, and never come down
//	dog       (*Dog).Run: 16 MiB of instant garbage    3->3->0 MB at the 4 MB goal, ~5 GCs per   allocs,            alloc-churn, gc-frequency
//	          per call                                 call: all churn, nothing kept             alloc_space
//	wolf      (*Wolf).Drink leaks 10 goroutines for    none                                      goroutine, mutex   none (not a GC fault)
//	          30 s; (*Wolf).Howl waits 1 s on a lock
//	cat       (*Cat).Pee blocks 1 s on a channel       none                                      block              none (not a GC fault)
//	leak      a session cache that never evicts keeps  live heap (H2) climbs ~1 MB a cycle,      heap, inuse_space  live-heap-growth
//	          4 of every 32 MiB/s served               steadily; goal follows at 2x
//	spike     a batch job loads --spike-max, drops it  goal doubles 5-6 cycles in a row, then    allocs,            heap-doubling
//	          and writes results; then 2 s of calm     the heap falls back (e.g. 339->339->2)    alloc_space
//	tiny      160 MiB/s of 64-byte objects, 4 KiB      goal pinned at 4 MB, ~50 GCs per second,  allocs,            min-heap-thrash, gc-frequency
//	          kept                                     3->3->0 MB                                alloc_space
//	forced    runtime.GC() after each 1 MiB job,       every line "(forced)", 1->1->0 MB         profile (CPU):     forced-gc
//	          ten times a second                                                                 runtime.GC caller
//	limit     debug.SetMemoryLimit(--limit), live      goal flat just under the limit while      heap, inuse_space  memory-limit-pressure
//	          heap from 1/2 to ~5/6 of it, churning    live climbs and GCs come 2-3x faster
//	assist    --assist-heap of pointer-rich nodes,     assist (2nd cpu value) ~2/3 of            profile (CPU):     mark-assist, high-gc-cpu
//	          every P allocating flat out              assist+background; GC CPU 40-50%          gcAssistAlloc
//	healthy   a fixed --healthy-heap working set,      flat live heap, ~0.7 GC/s, GC CPU ~0%     none needed        none (the baseline)
//	          22 MiB/s of request garbage
//
// Scenarios lists the same, and the rule IDs are those of gctrace rules.
// Traces of every scenario, recorded with Go 1.26 on two cores, are in the
// repository's testdata/bomb, next to the script that makes them.
//
// # Reading the scenarios
//
// Sizes in the trace are MiB, truncated. "H0->H1->H2 MB" is the heap when
// the cycle started, when marking ended, and what was marked live; the goal
// is where the next cycle aims to end, twice the live heap with GOGC=100 and
// never below 4 MB.
//
// The mouse grows its hoard one doubling per call: each call crosses one
// goal, so the trace shows the goal doubling once per call, cycle after
// cycle, and the live heap never falling. By default it stops at 1 GiB.
//
// The dog allocates its 16 MiB in 32 KiB pieces. The walkthrough's dog makes
// one 16 MiB buffer, but the runtime zeroes a buffer that large after its own
// allocation has started the GC, while the allocating frame still holds it;
// whenever a P is idle the collector scans that frame and keeps the buffer,
// so half the cycles would show "32->32->16 MB" and hide the churn. Small
// pieces are zeroed before the trigger is checked. With the 4 MB minimum
// goal, 16 MiB per call is about five cycles per call.
//
// The spike's batch goes out as fast as it came in, and the job stops
// writing once the runtime has seen the batch go: without that the calm
// traffic would take minutes to fill the doubled goal and the heap would not
// be seen falling back within a demo's run.
//
// The limit scenario sets a process-wide memory limit while it runs and puts
// the old one back when it stops. The limit counts the runtime's own memory
// too (about 8-10 MiB here), so the goal sits that much below it.
//
// Any program that builds a working set fast shows a short ladder of goal
// doublings as it starts (4, 8, 16, 32 MB within milliseconds): healthy,
// limit and assist do. It is the first tenth of a second of the trace, not a
// fault; the mouse and the spike double over hundreds of milliseconds to
// seconds, at sizes the start-up does not reach.
//
// # Running
//
// Main is the bomb command, for cmd/gctrace's demo as much as for bomb's
// main. Run plays a Config. Both stop promptly when their context is done;
// everything they start is bounded (the mouse's hoard, the leak, the spike,
// the limit) and gone when they return.
package zoo
