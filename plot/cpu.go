package plot

import (
	"fmt"
	"math"
)

// cpuPanel draws the share of CPU the collector used: over a sliding
// window of recent cycles, computed from the CPU phases, and the
// cumulative figure the runtime printed, which hides a collector busy now
// behind a quiet past. It returns nil when there is nothing to draw (one
// cycle, or no CPU phases before Go 1.5).
func cpuPanel(s *series, x *xAxis, sh []shade) *panel {
	win := s.cols.points(mCPU)
	printed := s.cols.points(mCPUPrinted)
	if len(win) == 0 {
		return nil
	}
	hi := math.Inf(-1)
	for _, m := range []metric{mCPU, mCPUPrinted} {
		if _, h, ok := s.cols.span(m); ok {
			hi = math.Max(hi, h)
		}
	}
	pct := unit{1, "%"}
	lo, top := yRange(hi, pct, 10)
	pn := newPanel(x, "GC CPU (%)", lo, top, 1.8)
	if len(sh) > 0 {
		pn.add("", nil, nil, &shades{sh})
	}
	if len(printed) > 0 {
		xs, ys := xy(printed, x, pct)
		sty := line(colPrinted, 1, 3, 2)
		pn.add("as printed (cumulative since start)", &sty, nil, &polyline{xs, ys, sty, noStep})
	}
	xs, ys := xy(win, x, pct)
	sty := line(colCPU, 1.2)
	// A value covers the time before it: preStep keeps an idle gap flat.
	pn.add(fmt.Sprintf("recent: last %d cycles, at most %v", windowCycles, windowMax), &sty, nil, &polyline{xs, ys, sty, preStep})
	return pn
}
