// Package tune predicts what other GOGC and GOMEMLIMIT settings would do to
// a process, by replaying its GC trace through the pacer model of the Go GC
// guide (https://go.dev/doc/gc-guide).
//
// # The model
//
// A Recorder keeps, for each process of a trace, what every cycle printed:
// the heap at its start (H0), at mark end (H1), marked live (H2), the goal,
// scannable stacks and globals, GOMAXPROCS, the GC CPU of the cycle (every
// CPU phase but idle marking) and when it ran. From that a Model is fitted:
//
//   - the allocation history: bytes allocated by each moment, from H1(N) −
//     H0(N) during cycle N and H0(N+1) − H2(N) between cycles N and N+1,
//     linear in between;
//   - the live heap and the GC roots (stacks + globals) over time, linear
//     between the cycles that marked them;
//   - the cost of a cycle: its GC CPU regressed (least squares) on the live
//     heap it marked plus its roots;
//   - the pacing: how far under its goal a recorded cycle finished marking
//     (the median, and the 10th percentile for the peak), and what the
//     program allocated while it marked, apart for cycles whose goal GOGC
//     set and those the memory limit set.
//
// Predict replays that history under a Setting. After each cycle the goal
// is, as in the runtime: live + (live + stacks + globals) × GOGC/100 for
// Go 1.18 and later, live × (1 + GOGC/100) before; never below the minimum
// heap, 4 MiB × GOGC/100. A memory limit caps it at (limit − non-heap
// memory) less 3% headroom (at least 1 MiB), never below the live heap.
// The next cycle triggers as the runtime's pacer does: that recorded
// distance and the marking's allocation below the goal, but between 70% and
// 95% of the way from the live heap to the goal (or 4 MiB under a larger
// goal); it ends when the program has allocated that, plus what it
// allocates while marking. A recorded distance within the trace's MiB
// resolution is taken for truncation, and leaves the trigger to the bound. Under a memory limit the runtime holds GC CPU to 50% of the
// CPUs: a cycle that would cost more comes later, and the heap grows past
// the goal meanwhile. GOGC=off with a limit leaves the limit alone to set
// the goal; GOGC=off without one, no cycle at all. Forced cycles
// (runtime.GC) happen when they happened.
//
// # What it assumes
//
//   - The program allocates the same bytes at the same moments whatever the
//     setting: the GC's own CPU does not slow it down, and nothing it does
//     depends on how often the GC runs (a program that sizes caches from
//     runtime.MemStats, say, breaks this).
//   - The live heap at a moment does not depend on the setting, apart from
//     what the runtime marks live because it was allocated during marking.
//   - A cycle costs what the recorded cycles with that live heap cost.
//   - After the last cycle of the trace the process ran on for half a
//     cycle's allocation: the trace cannot say how long it ran after its
//     last GC line, and half is the expectation over where it may stop.
//   - Non-heap memory (stacks, runtime metadata, span fragmentation) is, when
//     the recorded run had a known memory limit that bound, what the goal
//     left of it; otherwise the printed stacks and globals plus a fixed
//     estimate (DefaultOverhead).
//
// # What it cannot see
//
// The trace prints the heap only. RSS beyond the heap (the runtime's
// metadata, memory the scavenger has not returned, cgo, mmap), fragmentation
// and goroutine stacks beyond the scannable part are invisible to it, so
// predicted peak heap is not the process's RSS: keep headroom between a
// memory budget and the predicted peak heap. Sizes in the trace are MiB,
// truncated; figures of a few MiB are at that resolution.
package tune
