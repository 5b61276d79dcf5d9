package parser_test

import (
	"fmt"
	"strings"

	"github.com/gctrace/gctrace/parser"
)

func Example() {
	const trace = `app: starting
gc 1 @0.012s 3%: 0.015+1.2+0.004 ms clock, 0.031+0.10/1.1/0+0.009 ms cpu, 4->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P
gc 2 @0.020s 4%: 0.020+0.98+0.003 ms clock, 0.040+0.2/0.9/0+0.006 ms cpu, 4->5->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P (forced)
`
	r := parser.NewReader(strings.NewReader(trace), "run.log")
	for r.Scan() {
		switch rec := r.Record().(type) {
		case *parser.GC:
			fmt.Printf("%s:%d: gc %d at %v: pause %v, heap %d -> %d MiB live, forced=%v\n",
				rec.File, rec.Line, rec.N, rec.Start, rec.Pause(), rec.HeapEnd>>20, rec.HeapLive>>20, rec.Forced)
		case *parser.Text:
			fmt.Printf("%s:%d: program said %q\n", rec.File, rec.Line, rec.Text)
		}
	}
	// Output:
	// run.log:1: program said "app: starting"
	// run.log:2: gc 1 at 12ms: pause 19µs, heap 4 -> 1 MiB live, forced=false
	// run.log:3: gc 2 at 20ms: pause 23µs, heap 5 -> 2 MiB live, forced=true
}
