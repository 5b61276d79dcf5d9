package plot

// allocPanel draws the allocation rate over the same sliding window as GC
// CPU: what drives the collector's frequency. The bytes allocated during
// cycle N are H1(N) − H2(N−1), as the runtime resets its count to the
// marked bytes. It returns nil when there is nothing to draw.
func allocPanel(s *series, x *xAxis, sh []shade) *panel {
	pts := s.cols.points(mAllocRate)
	if len(pts) == 0 {
		return nil
	}
	_, hi, _ := s.cols.span(mAllocRate)
	u := byteUnit(hi, true)
	lo, top := yRange(hi, u, 1)
	pn := newPanel(x, "alloc ("+u.name+")", lo, top, 1.5)
	if len(sh) > 0 {
		pn.add("", nil, nil, &shades{sh})
	}
	xs, ys := xy(pts, x, u)
	sty := line(colAlloc, 1.2)
	pn.add("allocation rate (same window)", &sty, nil, &polyline{xs, ys, sty, preStep})
	return pn
}
