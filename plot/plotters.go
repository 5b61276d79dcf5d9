package plot

import (
	"image/color"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// The plotters below draw already downsampled data: a few thousand points
// at most, whatever the length of the trace.

// polyline is a line through points in data coordinates.
type polyline struct {
	xs, ys []float64
	style  draw.LineStyle
	step   stepKind
}

// stepKind says how a level holds between two points.
type stepKind uint8

const (
	noStep   stepKind = iota // straight from point to point
	preStep                  // a value holds since the previous point (a goal, set before the cycle)
	postStep                 // a value holds until the next point (the live heap, after the cycle)
)

func (l *polyline) Plot(c draw.Canvas, p *gplot.Plot) {
	if len(l.xs) == 0 {
		return
	}
	trX, trY := p.Transforms(&c)
	pts := make([]vg.Point, 0, 2*len(l.xs))
	for i := range l.xs {
		pt := vg.Point{X: trX(l.xs[i]), Y: trY(l.ys[i])}
		if i > 0 {
			prev := pts[len(pts)-1]
			switch l.step {
			case preStep:
				pts = append(pts, vg.Point{X: prev.X, Y: pt.Y})
			case postStep:
				pts = append(pts, vg.Point{X: pt.X, Y: prev.Y})
			}
		}
		pts = append(pts, pt)
	}
	if len(pts) == 1 {
		// A lone value still shows, as a short tick.
		c.StrokeLine2(l.style, pts[0].X-4, pts[0].Y, pts[0].X+4, pts[0].Y)
		return
	}
	c.StrokeLines(l.style, chunks(c.ClipLinesXY(pts), strokeChunk)...)
}

// strokeChunk bounds the points stroked at once. The PNG rasteriser
// searches its cells linearly, so one stroke over a dense downsampled line
// costs quadratic time (tens of seconds for a few thousand columns of a
// noisy series); short strokes keep it linear. Neighbouring chunks share
// an end point, so the line stays continuous.
const strokeChunk = 16

func chunks(lines [][]vg.Point, n int) [][]vg.Point {
	var out [][]vg.Point
	for _, l := range lines {
		for len(l) > n {
			out = append(out, l[:n])
			l = l[n-1:]
		}
		out = append(out, l)
	}
	return out
}

// stems are vertical bars from zero to each value.
type stems struct {
	xs, ys []float64
	style  draw.LineStyle
}

func (s *stems) Plot(c draw.Canvas, p *gplot.Plot) {
	trX, trY := p.Transforms(&c)
	y0 := trY(max(p.Y.Min, 0))
	for i := range s.xs {
		x := trX(s.xs[i])
		if !c.ContainsX(x) {
			continue
		}
		y := trY(s.ys[i])
		if y-y0 < 0.5 {
			y = y0 + 0.5 // a zero pause still marks that a cycle ran
		}
		c.StrokeLine2(s.style, x, y0, x, y)
	}
}

// glyphs are markers at points.
type glyphs struct {
	xs, ys []float64
	style  draw.GlyphStyle
}

func (g *glyphs) Plot(c draw.Canvas, p *gplot.Plot) {
	trX, trY := p.Transforms(&c)
	for i := range g.xs {
		pt := vg.Point{X: trX(g.xs[i]), Y: trY(g.ys[i])}
		if c.Contains(pt) {
			c.DrawGlyph(g.style, pt)
		}
	}
}

// shade is a finding's span: the full height of the panel between two x.
type shade struct {
	x0, x1 float64
	fill   color.Color
}

// shades draws spans under the data. A span shorter than minWidth (one
// cycle) is widened to it so that it shows.
type shades struct {
	spans []shade
}

const minShade = vg.Length(3)

// spanX widens a span from x0 to x1 to at least minShade, so a short one
// still shows, and clips it to the canvas; ok is false when nothing of it
// is on the canvas.
func spanX(c draw.Canvas, x0, x1 vg.Length) (_, _ vg.Length, ok bool) {
	if w := x1 - x0; w < minShade {
		x0 -= (minShade - w) / 2
		x1 = x0 + minShade
	}
	x0, x1 = max(x0, c.Min.X), min(x1, c.Max.X)
	return x0, x1, x1 > x0
}

func (s *shades) Plot(c draw.Canvas, p *gplot.Plot) {
	trX, _ := p.Transforms(&c)
	for _, sp := range s.spans {
		x0, x1, ok := spanX(c, trX(sp.x0), trX(sp.x1))
		if !ok {
			continue
		}
		c.FillPolygon(sp.fill, []vg.Point{{X: x0, Y: c.Min.Y}, {X: x1, Y: c.Min.Y}, {X: x1, Y: c.Max.Y}, {X: x0, Y: c.Max.Y}})
	}
}

// ribbon is one rule's row at the top of the heap panel: a bar over each
// span where the rule's findings hold, and its ID at the first one, like a
// timeline of what went wrong.
type ribbon struct {
	rule  string
	row   int
	spans [][2]float64 // x from, to
	fill  color.Color
	text  text.Style
}

type ribbons struct {
	rows []ribbon
}

// rowHeight is the height of one ribbon row.
func (r *ribbons) rowHeight() vg.Length {
	if len(r.rows) == 0 {
		return 0
	}
	return r.rows[0].text.Height("Mg") + 3
}

func (r *ribbons) Plot(c draw.Canvas, p *gplot.Plot) {
	trX, _ := p.Transforms(&c)
	rh := r.rowHeight()
	for _, rb := range r.rows {
		top := c.Max.Y - vg.Length(rb.row)*rh
		bottom := top - rh + 1
		first := true
		var lx, rx vg.Length
		for _, sp := range rb.spans {
			x0, x1, ok := spanX(c, trX(sp[0]), trX(sp[1]))
			if !ok {
				continue
			}
			c.FillPolygon(rb.fill, []vg.Point{{X: x0, Y: bottom}, {X: x1, Y: bottom}, {X: x1, Y: top}, {X: x0, Y: top}})
			if first {
				lx, rx, first = x0, x1, false
			}
		}
		if first {
			continue
		}
		// The ID starts with the rule's first span, or ends with it when it
		// would run past the right edge.
		w := rb.text.Width(rb.rule)
		x := lx + 2
		if x+w > c.Max.X-2 {
			x = max(rx-w-2, c.Min.X+2)
		}
		c.FillText(rb.text, vg.Point{X: x, Y: bottom + 1}, rb.rule)
	}
}

// grid draws light lines at the labelled marks of both axes.
type grid struct{}

func (grid) Plot(c draw.Canvas, p *gplot.Plot) {
	trX, trY := p.Transforms(&c)
	sty := line(colGrid, 0.5)
	for _, t := range p.X.Tick.Marker.Ticks(p.X.Min, p.X.Max) {
		if x := trX(t.Value); c.ContainsX(x) {
			c.StrokeLine2(sty, x, c.Min.Y, x, c.Max.Y)
		}
	}
	for _, t := range p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max) {
		if y := trY(t.Value); c.ContainsY(y) {
			c.StrokeLine2(sty, c.Min.X, y, c.Max.X, y)
		}
	}
}
