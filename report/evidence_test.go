package report

import (
	"testing"

	"github.com/gctrace/gctrace/analyze"
)

// TestFindingEvidence checks that counts print exactly and that a unit
// the figure's name already says is not printed again.
func TestFindingEvidence(t *testing.T) {
	f := &analyze.Finding{Evidence: []analyze.Figure{
		{Name: "heap_peak_mib", Value: 2708, Unit: "MiB"},
		{Name: "cycles", Value: 2035800, Unit: "cycles"},
		{Name: "long_pauses", Value: 3, Unit: "cycles"},
		{Name: "alloc_mib_per_cycle", Value: 3.02, Unit: "MiB"},
		{Name: "held_s", Value: 8.63, Unit: "s"},
		{Name: "live_share_percent", Value: 0, Unit: "%"},
		{Name: "procs_max", Value: 8, Unit: "P"},
		{Name: "doublings", Value: 4},
	}}
	want := "alloc_mib_per_cycle=3.02, cycles=2035800, doublings=4, heap_peak_mib=2708, held_s=8.63, " +
		"live_share_percent=0, long_pauses=3 cycles, procs_max=8 P"
	if got := findingEvidence(f); got != want {
		t.Errorf("findingEvidence:\n got %s\nwant %s", got, want)
	}
}
