package plot

// pausePanel draws the stop-the-world pause of each cycle as a bar; when
// several cycles share a column the bar is the longest of them.
func pausePanel(s *series, x *xAxis, sh []shade) *panel {
	_, hi, _ := s.cols.span(mPause)
	u := durationUnit(hi)
	lo, top := yRange(hi, u, 1)
	pn := newPanel(x, "pause ("+u.name+")", lo, top, 1.8)
	if len(sh) > 0 {
		pn.add("", nil, nil, &shades{sh})
	}
	xs, _, his := s.cols.extremes(mPause)
	bx := make([]float64, len(xs))
	for i := range xs {
		bx[i] = x.at(xs[i])
		his[i] /= u.div
	}
	sty := line(colPause, 1)
	pn.add("stop-the-world pause per cycle (longest per pixel)", &sty, nil, &stems{bx, his, sty})
	return pn
}
