package plot

import (
	"fmt"
	"image/color"
	"time"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// A chart is a title over panels stacked on a shared x axis. Each panel
// is a gonum plot with a legend strip above it; the panels' data areas are
// aligned so that one x means one position on all of them.

// panel is one plot of the stack and what its legend shows.
type panel struct {
	p       *gplot.Plot
	legend  []legendEntry
	weight  float64   // share of the chart's height
	reserve vg.Length // room kept free above the data, for the finding ribbons
}

// legendEntry is a line sample or a glyph, and its label.
type legendEntry struct {
	label string
	line  *draw.LineStyle
	glyph *draw.GlyphStyle
}

// xAxis is the shared x axis: nanoseconds since process start shown in s,
// min or h, or cycle numbers.
type xAxis struct {
	u      unit
	lo, hi float64
	cycles bool // counts cycles: marks at whole numbers only
	label  string
}

func (x *xAxis) at(v int64) float64 { return float64(v) / x.u.div }

func newXAxis(s *series) xAxis {
	in := &s.info
	if !in.Timed() {
		lo, hi := float64(in.FirstCycle), float64(in.LastCycle)
		if hi <= lo {
			lo, hi = lo-1, hi+1
		}
		return xAxis{u: unit{1, ""}, lo: lo, hi: hi, cycles: true, label: "GC cycle (no timestamps before Go 1.5)"}
	}
	// The axis ends where the last cycle did, not where it started.
	start, end := in.Start, max(in.End, time.Duration(s.useX))
	u := timeUnit(end - start)
	x := xAxis{u: u, lo: float64(start) / u.div, hi: float64(end) / u.div, label: "time since process start (" + u.name + ")"}
	if start < (end-start)/4 {
		x.lo = 0 // the first cycle came early: show the process's start
	}
	if in.Cycles == 1 || x.hi <= x.lo {
		// One cycle, or all in the same instant: from the process's start
		// to twice as far, so the cycles are in the middle.
		x.lo, x.hi = 0, 2*x.hi
		if x.hi == 0 {
			x.hi = float64(10*time.Millisecond) / u.div
		}
	}
	return x
}

// newPanel returns a panel with the chart's common styling.
func newPanel(x *xAxis, ylabel string, ylo, yhi, weight float64) *panel {
	p := gplot.New()
	p.BackgroundColor = nil // the chart paints one background for all
	p.X.Min, p.X.Max = x.lo, x.hi
	p.Y.Min, p.Y.Max = ylo, yhi
	for _, a := range []*gplot.Axis{&p.X, &p.Y} {
		a.Tick.Label = textStyle(8.5, color.Black)
		a.Label.TextStyle = textStyle(9.5, color.Black)
		a.Tick.Length = 4
		a.Padding = 2
		a.LineStyle = line(color.Gray{0x80}, 0.5)
		a.Tick.LineStyle = line(color.Gray{0x80}, 0.5)
	}
	p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = draw.XCenter, draw.YTop
	p.Y.Tick.Label.XAlign, p.Y.Tick.Label.YAlign = draw.XRight, draw.YCenter
	p.X.Label.TextStyle.XAlign = draw.XCenter
	p.Y.Label.TextStyle.XAlign = draw.XCenter
	p.X.Tick.Marker = ticks{n: 8, hide: true, integer: x.cycles}
	p.Y.Label.Text = ylabel
	p.Add(grid{})
	return &panel{p: p, weight: weight}
}

// showX gives the panel the x axis's labels: the bottom panel only.
func (pn *panel) showX(x *xAxis) {
	pn.p.X.Tick.Marker = ticks{n: 8, integer: x.cycles}
	pn.p.X.Label.Text = x.label
}

func (pn *panel) add(label string, sty *draw.LineStyle, g *draw.GlyphStyle, p gplot.Plotter) {
	pn.p.Add(p)
	if label != "" {
		pn.legend = append(pn.legend, legendEntry{label: label, line: sty, glyph: g})
	}
}

// xy converts downsampled points to axis units.
func xy(pts []point, x *xAxis, u unit) (xs, ys []float64) {
	xs, ys = make([]float64, len(pts)), make([]float64, len(pts))
	for i, p := range pts {
		xs[i], ys[i] = x.at(p.X), p.Y/u.div
	}
	return xs, ys
}

// chartSpans returns the shading of the finding spans and the ribbons of
// their rules, one row per rule in sorted order, so colours and rows are
// stable.
func chartSpans(s *series, x *xAxis) (sh []shade, rb *ribbons) {
	rb = &ribbons{}
	for _, sp := range s.sortedSpans() {
		n := len(rb.rows)
		if n == 0 || rb.rows[n-1].rule != sp.rule {
			rb.rows = append(rb.rows, ribbon{rule: sp.rule, row: n, fill: spanRibbon[n%len(spanRibbon)], text: textStyle(8, spanText[n%len(spanText)])})
			n++
		}
		r := &rb.rows[n-1]
		x0, x1 := x.at(sp.start), x.at(sp.end)
		r.spans = append(r.spans, [2]float64{x0, x1})
		// A span over most of the chart would only tint everything; its
		// ribbon says it all.
		if x1-x0 <= (x.hi-x.lo)/2 {
			sh = append(sh, shade{x0, x1, spanFill[r.row%len(spanFill)]})
		}
	}
	return sh, rb
}

// title names the input and process the chart shows.
func (b *Builder) title(s *series) string {
	in := &s.info
	p := fmt.Sprintf("P=%d", in.ProcsMax)
	if in.ProcsMin != in.ProcsMax {
		p = fmt.Sprintf("P=%d–%d", in.ProcsMin, in.ProcsMax)
	}
	file := in.File
	if file == "-" {
		file = "standard input"
	}
	return fmt.Sprintf("gctrace: %s — process %d (%s trace, %s)", file, in.Process, formatLabel(in), p)
}

// subtitle says how much the chart covers, on a page of shown charts.
func (b *Builder) subtitle(s *series, shown int) string {
	in := &s.info
	txt := fmt.Sprintf("%d GC %s", in.Cycles, plural(in.Cycles, "cycle", "cycles"))
	switch {
	case in.Timed() && in.Cycles == 1:
		txt += fmt.Sprintf(" at %s", fmtDuration(in.Start))
	case in.Timed():
		txt += fmt.Sprintf(" from %s to %s", fmtDuration(in.Start), fmtDuration(in.End))
	case in.Cycles == 1:
		txt += fmt.Sprintf(", gc %d", in.FirstCycle)
	default:
		txt += fmt.Sprintf(", gc %d to gc %d", in.FirstCycle, in.LastCycle)
	}
	if in.Forced > 0 {
		txt += fmt.Sprintf(" · %d forced", in.Forced)
	}
	if in.Periodic > 0 {
		txt += fmt.Sprintf(" · %d periodic", in.Periodic)
	}
	if others := len(b.procs) - shown + b.omitted.processes; others > 0 {
		txt += fmt.Sprintf(" · %d other %s in the input not shown", others, plural(int64(others), "process", "processes"))
	}
	if s.spansOmitted > 0 {
		txt += fmt.Sprintf(" · %d finding spans not shaded", s.spansOmitted)
	}
	return txt
}

func formatLabel(in *Process) string {
	switch f := in.Format.String(); f {
	case "go1.1":
		return "Go 1.1–1.2"
	case "go1.6":
		return "Go 1.6–1.17"
	case "go1.18":
		return "Go 1.18+"
	default:
		if len(f) > 2 && f[:2] == "go" {
			return "Go " + f[2:]
		}
		return f
	}
}

// fmtDuration prints a time since process start in a unit a reader takes
// in at once: 1.23s, 12m3s, 5h2m.
func fmtDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%.3gs", d.Seconds())
	case d < time.Hour:
		return fmt.Sprintf("%dm%ds", int(d/time.Minute), int(d%time.Minute/time.Second))
	}
	return fmt.Sprintf("%dh%dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// drawChart lays out and draws the title and the panels on c.
//
// The title is bold except in PDF: gonum's PDF canvas registers every
// face under the regular style and then fails to find the bold one.
func drawChart(c draw.Canvas, title, subtitle string, bold bool, panels []*panel) {
	c.SetColor(color.White)
	c.Fill(c.Rectangle.Path())

	const margin = vg.Length(6)
	c = draw.Crop(c, margin, -margin, margin, -margin)

	ts := textStyle(11, color.Black)
	if bold {
		ts = boldStyle(11, color.Black)
	}
	ts.XAlign, ts.YAlign = draw.XCenter, draw.YTop
	c.FillText(ts, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: c.Max.Y}, title)
	top := c.Max.Y - ts.Height(title) - 2
	if subtitle != "" {
		ss := textStyle(8.5, colNote)
		ss.XAlign, ss.YAlign = draw.XCenter, draw.YTop
		c.FillText(ss, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: top}, subtitle)
		top -= ss.Height(subtitle) + 2
	}
	c.Max.Y = top

	// Heights by weight; each panel's legend strip sits on top of it.
	var total float64
	for _, pn := range panels {
		total += pn.weight
	}
	legendH := textStyle(8.5, color.Black).Height("Mg") + 4
	areas := make([]draw.Canvas, len(panels))
	plots := make([]draw.Canvas, len(panels))
	y := c.Max.Y
	avail := c.Max.Y - c.Min.Y
	for i, pn := range panels {
		h := vg.Length(pn.weight / total * float64(avail))
		a := c
		a.Max.Y, a.Min.Y = y, y-h
		y -= h
		areas[i] = a
		plots[i] = a
		plots[i].Max.Y -= legendH
		// About one labelled mark per 30 points of height.
		pn.p.Y.Tick.Marker = ticks{n: max(2, int((h-legendH)/30))}
	}

	// Raise the top of the y axis so the data stays below the reserved
	// room: data height h − reserve must show the range the panel asked for.
	for i, pn := range panels {
		if pn.reserve <= 0 {
			continue
		}
		d := pn.p.DataCanvas(plots[i])
		if h := d.Max.Y - d.Min.Y; h > 0 {
			frac := min(float64(pn.reserve/h), 0.5)
			pn.p.Y.Max = pn.p.Y.Min + (pn.p.Y.Max-pn.p.Y.Min)/(1-frac)
		}
	}

	// Align the data areas on the x axis, as gonum's Align does for a
	// grid of equal tiles.
	var left, right vg.Length
	for i, pn := range panels {
		d := pn.p.DataCanvas(plots[i])
		left = max(left, d.Min.X-plots[i].Min.X)
		right = max(right, plots[i].Max.X-d.Max.X)
	}
	for i, pn := range panels {
		d := pn.p.DataCanvas(plots[i])
		plots[i] = draw.Crop(plots[i], left-(d.Min.X-plots[i].Min.X), -(right - (plots[i].Max.X - d.Max.X)), 0, 0)
		pn.p.Draw(plots[i])
		drawLegend(areas[i], c.Min.X+left, pn.legend)
	}
}

// drawLegend draws a panel's legend in one row along the top of its area,
// starting at the left edge of the data, so it never covers data.
func drawLegend(a draw.Canvas, x vg.Length, entries []legendEntry) {
	ts := textStyle(8.5, color.Black)
	ts.YAlign = draw.YCenter
	y := a.Max.Y - ts.Height("Mg")/2 - 1
	const thumb, gap = vg.Length(16), vg.Length(4)
	for _, e := range entries {
		switch {
		case e.glyph != nil:
			a.DrawGlyphNoClip(*e.glyph, vg.Point{X: x + thumb/2, Y: y})
		case e.line != nil:
			a.StrokeLine2(*e.line, x, y, x+thumb, y)
		}
		x += thumb + gap
		a.FillText(ts, vg.Point{X: x, Y: y}, e.label)
		x += ts.Width(e.label) + 3*gap
	}
}
