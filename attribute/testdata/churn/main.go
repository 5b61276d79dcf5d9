// Command churn allocates from a few known functions and saves the
// program's allocs profile, the fixture the attribute tests and the
// gctrace attribute golden files read. See ../README.md.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// sink keeps allocations reachable long enough that the compiler cannot
// drop them.
var sink any

// Dog churns: it allocates a fresh buffer per step and drops it.
type Dog struct{ steps int }

//go:noinline
func (d *Dog) Run() {
	for i := 0; i < d.steps; i++ {
		sink = make([]byte, 1<<20)
	}
}

// Mouse grows: it keeps what it takes.
type Mouse struct{ stash [][]byte }

//go:noinline
func (m *Mouse) Steal(n int) {
	for i := 0; i < n; i++ {
		m.stash = append(m.stash, make([]byte, 256<<10))
	}
}

// descend allocates at every level of a recursion, so its cum counts each
// sample once while its frames appear many times on the stack.
//
//go:noinline
func descend(depth int) {
	sink = make([]byte, 64<<10)
	if depth > 0 {
		descend(depth - 1)
	}
}

// record is small enough to be inlined into fill, so its allocations
// land on an inlined frame.
func record(n int) []byte { return make([]byte, n) }

//go:noinline
func fill(n int) {
	for i := 0; i < n; i++ {
		sink = record(32 << 10)
	}
}

func main() {
	out := flag.String("o", "allocs.pb.gz", "where to write the allocs profile")
	flag.Parse()

	(&Dog{steps: 256}).Run()
	m := &Mouse{}
	m.Steal(128)
	for i := 0; i < 64; i++ {
		descend(8)
	}
	fill(1024)
	runtime.GC()

	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	runtime.KeepAlive(m)
}
