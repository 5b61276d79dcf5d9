// Command prog runs a short, fixed allocation scenario so that
// GODEBUG=gctrace=1 prints a varied trace. gen.sh builds it with every Go
// release from go1.2 to go1.26, so it uses only the language and library of
// go1.2: no modules, no generics, no newer APIs.
//
// Phases, each announced on stderr as "<name>: phase …":
//
//	churn  short-lived objects of mixed sizes (many background cycles) while
//	       a second goroutine writes its own lines to stderr
//	grow   a pointer-rich live heap grown to 48 MB in steps
//	forced runtime.GC() twice, the second after dropping half the heap
//	free   everything dropped, then debug.FreeOSMemory()
//	gcloop optional (-gcloop): build 16 MB, drop it, runtime.GC(), repeated
//	idle   optional (-idle): -refill MB more allocated and dropped, then a
//	       long sleep, so the periodic GC and the scavenger print
package main

import (
	"flag"
	"fmt"
	"io/ioutil"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"time"
)

var (
	name     = flag.String("name", "app", "prefix of the program's own output lines")
	churnMB  = flag.Int("churn", 80, "megabytes allocated and dropped in the churn phase")
	growMB   = flag.Int("grow", 48, "megabytes of live heap built in the grow phase")
	setProcs = flag.Int("setprocs", 0, "if > 0, run the grow phase with this GOMAXPROCS, then restore it")
	leak     = flag.Bool("leak", false, "leave a leaked goroutine and request the goroutineleak profile (Go 1.26, GOEXPERIMENT=goroutineleakprofile)")
	idle     = flag.Duration("idle", 0, "sleep this long at the end so the periodic GC and scavenger print")
	refillMB = flag.Int("refill", 16, "megabytes allocated and dropped just before the idle phase")
	gcLoop   = flag.Int("gcloop", 0, "at the end, this many times: build 16 MB, drop it, runtime.GC()")
)

// node is pointer-rich so the collector has real scan work.
type node struct {
	next  *node
	child *node
	buf   []byte
	n     int
}

var (
	sink      *node   // keeps the last churned object reachable through a global
	live      []*node // a global, so liveness analysis cannot free it early
	finalized int32
)

func logf(format string, args ...interface{}) {
	// One Fprintf is one write(2): the line is atomic with respect to the
	// runtime's own prints, which is how most applications log.
	fmt.Fprintf(os.Stderr, *name+": "+format+"\n", args...)
}

func main() {
	flag.Parse()
	logf("start %s GOMAXPROCS=%d", runtime.Version(), runtime.GOMAXPROCS(0))

	churn(*churnMB << 20)
	live = grow(*growMB << 20)

	logf("phase forced")
	logf("calling runtime.GC()")
	runtime.GC()
	for i := len(live) / 2; i < len(live); i++ {
		live[i] = nil // the backing array would otherwise keep them reachable
	}
	live = live[:len(live)/2]
	logf("calling runtime.GC() after dropping half")
	runtime.GC()

	logf("phase free")
	live = nil
	logf("calling debug.FreeOSMemory()")
	debug.FreeOSMemory()

	if *leak {
		leakGoroutine()
	}

	// runtime.GC() right after a heap-triggered cycle has started shows
	// which cycle the runtime marks "(forced)".
	for i := 0; i < *gcLoop; i++ {
		grow(16 << 20)
		logf("gcloop %d: calling runtime.GC()", i)
		runtime.GC()
		logf("gcloop %d: returned", i)
	}

	if *idle > 0 {
		// Freed but not yet returned memory gives the background
		// scavenger (Go 1.13+) something to release while idle.
		logf("phase refill %dMB", *refillMB)
		grow(*refillMB << 20)
		logf("calling runtime.GC()")
		runtime.GC()
		logf("phase idle %v", *idle)
		time.Sleep(*idle)
	}

	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	// The summary goes to stdout; the traces capture stdout and stderr together.
	fmt.Printf("%s: done numgc=%d finalizers=%d\n", *name, ms.NumGC, atomic.LoadInt32(&finalized))
}

// churn allocates total bytes in objects that die young, keeping only a small
// ring of them alive. Every 64th object carries a finalizer.
func churn(total int) {
	logf("phase churn %dMB", total>>20)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		// A second writer on stderr, unsynchronised with the runtime's
		// gc lines, as in a real service that logs from several goroutines.
		defer wg.Done()
		tick := 0
		for {
			select {
			case <-stop:
				return
			default:
			}
			tick++
			logf("worker tick %d", tick)
			time.Sleep(2 * time.Millisecond)
		}
	}()

	sizes := []int{16, 48, 128, 512, 2048, 8192, 32768}
	var ring [256]*node
	allocated := 0
	for i := 0; allocated < total; i++ {
		sz := sizes[i%len(sizes)]
		n := &node{buf: make([]byte, sz), n: i}
		n.child = &node{n: i}
		if i%64 == 0 {
			runtime.SetFinalizer(n, func(*node) { atomic.AddInt32(&finalized, 1) })
		}
		ring[i%len(ring)] = n
		sink = n
		allocated += sz + 64
		if i%8192 == 0 && i > 0 {
			logf("churn progress %dMB", allocated>>20)
		}
	}
	close(stop)
	wg.Wait()
}

// grow builds a live heap of about total bytes, reporting every 8 MB. The
// returned slice is a large (64 KB) pointer array from the start, so that
// gctrace=2 shows a large object being scanned.
func grow(total int) []*node {
	if *setProcs > 0 {
		old := runtime.GOMAXPROCS(*setProcs)
		logf("GOMAXPROCS %d -> %d", old, *setProcs)
		defer func() {
			runtime.GOMAXPROCS(old)
			logf("GOMAXPROCS %d -> %d", *setProcs, old)
		}()
	}
	logf("phase grow %dMB", total>>20)
	heads := make([]*node, 0, 8192)
	var head *node
	size, next := 0, 8<<20
	for i := 0; size < total; i++ {
		n := &node{next: head, buf: make([]byte, 192), n: i}
		head = n
		size += 192 + 64
		if i%1024 == 1023 {
			heads = append(heads, head)
			head = nil
		}
		if size >= next {
			logf("grow live=%dMB", size>>20)
			next += 8 << 20
		}
	}
	return append(heads, head)
}

// leakGoroutine leaves a goroutine blocked on a channel nobody else can reach
// and asks for the goroutineleak profile, whose collection is printed as
// "(checking for goroutine leaks)". Other releases have no such profile.
func leakGoroutine() {
	ch := make(chan int)
	go func() { <-ch }()
	time.Sleep(10 * time.Millisecond)
	p := pprof.Lookup("goroutineleak")
	if p == nil {
		logf("no goroutineleak profile in %s", runtime.Version())
		return
	}
	logf("writing goroutineleak profile")
	p.WriteTo(ioutil.Discard, 1)
}
