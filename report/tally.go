package report

import (
	"fmt"
	"io"

	"github.com/gctrace/gctrace/engine"
)

// WriteTally writes the one-paragraph account of the inputs that goes to
// standard error at the end: how many lines were read, parsed, passed
// through and not understood, then the first lines not understood.
func WriteTally(w io.Writer, t *engine.Tally) {
	fmt.Fprintf(w, "gctrace: read %d %s: %d GC %s in %d %s, %d other runtime %s, %d passed through, %d not understood\n",
		t.Lines, Plural(t.Lines, "line", "lines"), t.GC, Plural(t.GC, "cycle", "cycles"),
		t.Processes, Plural(int64(t.Processes), "process", "processes"),
		t.Runtime, Plural(t.Runtime, "line", "lines"), t.Text, t.Errors)
	for _, e := range t.Shown {
		fmt.Fprintf(w, "%s\n", e)
	}
	if t.Unshown > 0 {
		fmt.Fprintf(w, "… and %d more lines not understood\n", t.Unshown)
	}
}
