package zoo

import (
	"context"
	"runtime"
	"sync"
	"time"
)

// node is a pointer-dense object: every one costs the GC a visit.
type node struct {
	left, right, next *node
	id                uint64
}

// graph is a large pointer-rich live heap that takes marking a while.
type graph struct {
	roots []*node
}

// build allocates size bytes of nodes in lists of 1024, each node also
// pointing at two earlier nodes, so that marking chases pointers all over.
//
//go:noinline
func (g *graph) build(ctx context.Context, size int64) {
	n := int(size / 32)
	var prev *node
	var seed uint64 = 1
	all := make([]*node, 0, 4096)
	for i := 0; i < n; i++ {
		if i%4096 == 0 && ctx.Err() != nil {
			return
		}
		x := &node{id: uint64(i)}
		if i%1024 == 0 {
			g.roots = append(g.roots, x)
		} else {
			prev.next = x
		}
		if len(all) > 0 {
			seed = seed*6364136223846793005 + 1442695040888963407
			x.left = all[seed>>33%uint64(len(all))]
			x.right = all[(seed>>13)%uint64(len(all))]
		}
		if len(all) < cap(all) {
			all = append(all, x)
		} else {
			all[seed>>40%uint64(len(all))] = x
		}
		prev = x
	}
}

// allocator allocates short lists of nodes as fast as it can.
type allocator struct {
	last *node
}

// spin allocates lists of 16 nodes until ctx is done.
//
//go:noinline
func (a *allocator) spin(ctx context.Context) {
	for i := 0; ctx.Err() == nil; i++ {
		for range 1024 {
			var head *node
			for range 16 {
				head = &node{next: head}
			}
			a.last = head
		}
	}
}

func runAssist(ctx context.Context, e *env) {
	g := &graph{}
	e.log.printf("assist: building %s of pointer-rich nodes", formatSize(e.cfg.AssistHeap))
	g.build(ctx, e.cfg.AssistHeap)
	procs := runtime.GOMAXPROCS(0)
	e.log.printf("assist: %d goroutines allocate nodes as fast as they can", procs)
	var wg sync.WaitGroup
	for range procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			(&allocator{}).spin(ctx)
		}()
	}
	every(ctx, time.Second, func() {})
	wg.Wait()
	runtime.KeepAlive(g)
}
