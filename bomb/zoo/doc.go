// Package zoo is the bomb's behaviours: small programs that misbehave on
// purpose, each with a known signature in the GC trace and in pprof.
//
// The animals come from the pprof walkthrough many Go developers learned on
// (wolfogre/go-pprof-practice), under the same names, so that walkthrough
// reads the same with gctrace. The other scenarios are GC behaviours it
// lacks, one per pattern gctrace analyze recognises.
//
//	scenario  what it does                             gctrace pattern                           pprof profile      rules gctrace analyze raises
//	--------  ---------------------------------------  ----------------------------------------  -----------------  ----------------------------
//	tiger     (*Tiger).Eat spins ~1 s of CPU per call  none: it does not allocate                profile (CPU)      none (not a GC fault)
//	mouse     (*Mouse).Steal hoards 1 MiB arrays,      goal 4, 9, 18, 36 ... ~590 MB: live heap  heap, inuse_space  heap-doubling
//	          doubling its hoard each call to 1 GiB    and goal double once per call, never fall
//	dog       (*Dog).Run: 16 MiB of instant garbage    3->3->0 MB at the 4 MB goal, ~5 cycles    allocs,            alloc-churn
//	          per call                                 per call: all churn, nothing kept         alloc_space
//	wolf      (*Wolf).Drink leaks 10 goroutines for    none                                      goroutine, mutex   none (not a GC fault)
//	          30 s; (*Wolf).Howl waits 1 s on a lock
//	cat       (*Cat).Pee blocks 1 s on a channel       none                                      block              none (not a GC fault)
//	leak      a session cache that never evicts keeps  live heap (H2) ~1 MB higher every cycle,  heap, inuse_space  live-heap-growth
//	          4 of the 32 MiB/s it serves              0 to 37 MB in 10 s; goal follows at 2x
//	spike     a batch job loads --spike-max, drops it  goal doubles 6-7 cycles running (4 to     allocs,            heap-doubling
//	          and writes results; then 2 s of calm     342 MB), then 339->339->2 MB, calm again  alloc_space
//	tiny      160 MiB/s of 64-byte objects, 4 KiB      goal pinned at 4 MB, 3->3->0 MB, ~46      allocs,            min-heap-thrash, gc-frequency
//	          kept                                     cycles per second                         alloc_space
//	forced    runtime.GC() after each 1 MiB job,       1->1->0 MB ... (forced), every cycle,     profile (CPU):     forced-gc
//	          ten times a second                       ten a second                              runtime.GC caller
//	limit     debug.SetMemoryLimit(--limit), live      goal flat just under the limit (119 MB    heap, inuse_space  memory-limit-pressure
//	          heap from 1/2 to ~5/6 of it, churning    of 128) while live climbs ~70 to ~103 MB
//	          the limit's worth per second             and cycles go from 4/s to 10/s
//	assist    --assist-heap of pointer-rich nodes,     assist (2nd cpu value) 60-65% of          profile (CPU):     mark-assist, high-gc-cpu
//	          every P allocating flat out              assist+background; GC CPU ~50%           gcAssistAlloc
//	healthy   a fixed --healthy-heap working set,      63->63->32 MB, 64 MB goal every 1.4 s,    none needed        none (the baseline)
//	          22 MiB/s of request garbage              GC CPU 0%
//
// The figures are from the traces in the repository's testdata/bomb,
// recorded with Go 1.26 and GOMAXPROCS=2 at the default sizes, next to the
// script that makes them. Scenarios returns the table in short. The rule IDs
// are those of gctrace rules, the one that names the fault first; others,
// such as gc-frequency, may fire too.
//
// # Reading the scenarios
//
// Sizes in the trace are MiB, truncated. "H0->H1->H2 MB" is the heap when
// the cycle started, when marking ended, and what was marked live; the goal
// is the heap size the cycle aimed to finish under: with GOGC=100, twice what
// the cycle before marked live, and never below 4 MB.
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
// doublings as it starts (healthy: from 4 to about 40 MB in its first fifth
// of a second; limit and assist alike). It is start-up, not a fault: the ladder
// ends within a fraction of a second at the working set's size, while the
// mouse doubles once a second for as long as it steals and the spike doubles
// to hundreds of MB and falls back, again and again.
//
// # Running
//
// Main is the bomb command, for cmd/gctrace's demo as much as for bomb's
// main. Run plays a Config. Both stop promptly when their context is done;
// everything they start is bounded (the mouse's hoard, the leak, the spike,
// the limit) and gone when they return.
package zoo
