package analyze_test

import (
	"fmt"
	"strings"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/parser"
)

func Example() {
	// Five seconds of a program that collects every 20 ms at the 4 MB
	// minimum heap.
	var trace strings.Builder
	for i := 1; i <= 250; i++ {
		ms := 20 * i
		fmt.Fprintf(&trace, "gc %d @%d.%03ds 1%%: 0.020+0.30+0.005 ms clock, 0.040+0.010/0.20/0.10+0.010 ms cpu, 3->3->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n",
			i, ms/1000, ms%1000)
	}

	cfg := analyze.DefaultConfig()
	if err := cfg.Set("gc-frequency.max-per-second", "60"); err != nil {
		panic(err)
	}
	a := analyze.New(cfg, func(f analyze.Finding) {
		fmt.Printf("line %d: %s: %s\n", f.LastLine, f.Rule, f.Message)
	})
	r := parser.NewReader(strings.NewReader(trace.String()), "trace.log")
	for r.Scan() {
		a.Add(r.Record())
	}
	rep := a.Report()
	p := rep.Processes[0]
	fmt.Printf("%d cycles, %.0f GCs/s, pause p50 %.3f ms, %d finding(s)\n", p.Cycles, p.GCPerSecond, p.PauseMS.P50, len(rep.Findings))
	// Output:
	// line 209: min-heap-thrash: heap goal at the 4MiB minimum while up to 50 GCs/s ran over 10s windows, for 3.0s; live heap at most 0 MB
	// 250 cycles, 50 GCs/s, pause p50 0.025 ms, 1 finding(s)
}
