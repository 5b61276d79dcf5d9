/*
The GC trace says that a program churns or grows; an allocation profile
says where. This package does what a user otherwise does by hand with
`go tool pprof http://host:6060/debug/pprof/allocs`, then top and list,
over the same window the trace covers.

# Sources

ParseSource accepts the base of a net/http/pprof endpoint
(http://host:6060, http://host:6060/debug/pprof/, host:6060), a full
profile URL (…/debug/pprof/allocs, …/debug/pprof/heap, with a query), or a
profile file saved with curl or `go tool pprof -proto` (gzip'd or plain
profile.proto; legacy text heap profiles too). A base URL serves the allocs
profile unless FetchOptions.Profile says otherwise; allocs and heap serve
the same four columns (alloc_objects, alloc_space, inuse_objects,
inuse_space) and differ only in which one is their default.

# Windows

A cumulative allocs profile counts everything since the program started,
which says little about the churn of the last minute. Fetch with Seconds
set asks the server for a delta (?seconds=N, Go 1.15+), and when the server
cannot, takes two snapshots N seconds apart and subtracts them itself
(Delta): the earlier scaled by -1 and merged, as net/http/pprof does. A
delta keeps the alloc_* columns only, and has no default sample type, so
columns are always chosen by name.

The runtime publishes allocation records when a GC cycle completes, so a
profile lags the program by up to one cycle, a window shorter than the time
between two GCs can be empty, and a heap profile of a program that has not
collected yet has no samples at all.

# Ranking

Rank reproduces `go tool pprof -top -sample_index=NAME`: flat is credited
to the leaf frame of each sample (Location[0].Line[0], which for inlined
code is the inlined callee); cum to every function on the stack, once per
sample, so recursion is not counted twice; a function whose cum is under
0.5% of the total is dropped, as pprof's default node fraction does.
Samples that have runtime/pprof or net/http/pprof on the stack are left out
of the ranking (and counted in Ranking.Profiler): they are the profiler
encoding the very profile being read, which every delta taken over HTTP
contains. The total still includes them, as pprof's does with -ignore, so
percentages agree with `go tool pprof -top -ignore='` + ProfilerIgnore + `'`.
Runtime frames above the first user frame are already hidden by the
runtime when it writes the profile, so runtime.malg and friends only
appear for allocations no user frame made (goroutine stacks created by
the runtime), and are kept.

List is pprof's list without the source: per-line flat and cum from the
file:line data in the profile itself.

# Attribution

Attribute is the one-call form for a diagnosis: Allocs pulls an allocs
delta over the window and ranks alloc_space; Heap pulls the heap profile as
it stands and ranks inuse_space. The result names at most three functions
with their share and a one-line Summary such as
"98% by (*Dog).Run (bomb/zoo/dog.go:43, 16 MiB per allocation)".
Reconcile compares the profile's allocation rate with the trace's over the
same window, and the share of the traced churn the named functions explain.

# Errors

Failures are *Error values saying in one sentence what happened and what to
do; their Kind (ErrUnreachable, ErrTimeout, ErrNotEnabled, ErrNotProfile,
ErrStatus, ErrBadProfile, ErrEmpty, ErrWrongKind) works with errors.Is.

This package alone imports github.com/google/pprof/profile, the reference
reader, merger and scaler of profile.proto, so the rest of gctrace carries
no dependency for it.
*/
package attribute
