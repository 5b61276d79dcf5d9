package plot

import (
	"image/color"
	"math"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// sparseCycles is the most cycles for which each sample is marked.
const sparseCycles = 300

// heapPanel draws the heap over time: in use when each cycle started and
// when its marking ended, marked live after it, and its goal; forced and
// periodic GCs as glyphs at the heap they started from; and on top, a
// ribbon per rule over the spans where its findings hold.
func heapPanel(s *series, x *xAxis, sh []shade, rb *ribbons) *panel {
	hi := math.Inf(-1)
	for _, m := range []metric{mHeapStart, mHeapEnd, mHeapLive, mHeapGoal} {
		if _, h, ok := s.cols.span(m); ok {
			hi = math.Max(hi, h)
		}
	}
	u := byteUnit(hi, false)
	lo, top := yRange(hi, u, 1)
	pn := newPanel(x, "heap ("+u.name+")", lo, top, 4.6)
	if len(sh) > 0 {
		pn.add("", nil, nil, &shades{sh})
	}
	// The heap in use is drawn as a sawtooth through each cycle's start,
	// end of marking and live heap. The goal holds from the previous cycle
	// up to the one it was set for, the live heap from its cycle to the
	// next.
	lines := []struct {
		m     metric
		label string
		style draw.LineStyle
		step  stepKind
	}{
		{mHeapGoal, "goal", line(colGoal, 1, 4, 2), preStep},
		{mHeapUse, "in use", line(colUse, 1), noStep},
		{mHeapLive, "live after GC", line(colLive, 1.4), postStep},
	}
	for _, ln := range lines {
		pts := s.cols.points(ln.m)
		if len(pts) == 0 {
			continue
		}
		xs, ys := xy(pts, x, u)
		sty := ln.style
		pn.add(ln.label, &sty, nil, &polyline{xs, ys, sty, ln.step})
	}
	// While cycles are few enough to tell apart, dots mark the heap at
	// each cycle's start and end of marking; further out the sawtooth
	// fills in between the live heap and the peaks anyway.
	if s.info.Cycles <= sparseCycles {
		dots := []struct {
			m     metric
			label string
			c     color.Color
		}{
			{mHeapStart, "at GC start", colStart},
			{mHeapEnd, "at GC end", colEnd},
		}
		if !s.info.Format.Concurrent() {
			// The stop-the-world collectors print one heap figure before
			// the collection, which the parser gives as both start and end.
			dots = dots[:1]
			dots[0].label = "before GC"
		}
		for _, d := range dots {
			pts := s.cols.points(d.m)
			xs, ys := xy(pts, x, u)
			sty := draw.GlyphStyle{Color: d.c, Radius: 2, Shape: draw.CircleGlyph{}}
			pn.add(d.label, nil, &sty, &glyphs{xs, ys, sty})
		}
	}
	for _, mk := range []struct {
		periodic bool
		label    string
		style    draw.GlyphStyle
	}{
		{false, "forced GC", draw.GlyphStyle{Color: colForced, Radius: vg.Length(3.5), Shape: draw.PyramidGlyph{}}},
		{true, "periodic GC", draw.GlyphStyle{Color: colPeriodic, Radius: vg.Length(3), Shape: draw.RingGlyph{}}},
	} {
		pts := s.cols.markers(mk.periodic)
		if len(pts) == 0 {
			continue
		}
		xs, ys := xy(pts, x, u)
		sty := mk.style
		pn.add(mk.label, nil, &sty, &glyphs{xs, ys, sty})
	}
	if len(rb.rows) > 0 {
		pn.add("", nil, nil, rb)
		pn.reserve = rb.rowHeight() * vg.Length(len(rb.rows))
	}
	return pn
}
