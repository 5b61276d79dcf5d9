package plot

import (
	"bytes"
	"errors"
	"fmt"
	"image/png"
	"io"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Format is an output file format.
type Format uint8

const (
	PNG Format = iota + 1
	SVG
	PDF
)

var formatNames = map[Format]string{PNG: "png", SVG: "svg", PDF: "pdf"}

func (f Format) String() string {
	if n, ok := formatNames[f]; ok {
		return n
	}
	return fmt.Sprintf("Format(%d)", f)
}

// Binary reports whether the format is not text, and so not for a
// terminal.
func (f Format) Binary() bool { return f != SVG }

// ParseFormat returns the format named name: png, svg or pdf.
func ParseFormat(name string) (Format, error) {
	switch strings.ToLower(name) {
	case "png":
		return PNG, nil
	case "svg":
		return SVG, nil
	case "pdf":
		return PDF, nil
	}
	return 0, fmt.Errorf("unknown format %q (want png, svg or pdf)", name)
}

// FormatOf returns the format a file name's extension asks for.
func FormatOf(path string) (Format, error) {
	ext := filepath.Ext(path)
	if ext == "" {
		return 0, fmt.Errorf("cannot tell the format of %q: give it a .png, .svg or .pdf extension", path)
	}
	f, err := ParseFormat(ext[1:])
	if err != nil {
		return 0, fmt.Errorf("unknown format %q (want .png, .svg or .pdf)", ext)
	}
	return f, nil
}

// Default and limit sizes in pixels (at 96 dpi; SVG and PDF are the same
// size in points × 4/3).
const (
	DefaultWidth  = 1200
	DefaultHeight = 800
	MinWidth      = 320
	MinHeight     = 240
	MaxSide       = 10000 // a 10000×10000 PNG already takes 400 MB to draw
)

// RenderOptions set the size and title of a chart.
type RenderOptions struct {
	Width, Height int    // pixels; 0 means the default
	Title         string // replaces the default title naming the input and process
}

// ErrNoProcess is returned by Render for a process the Builder does not
// hold.
var ErrNoProcess = errors.New("no such process")

// Render draws the chart of one process to w.
func (b *Builder) Render(w io.Writer, f Format, id ProcessID, o RenderOptions) error {
	return b.RenderPage(w, f, []Chart{{ID: id, Title: o.Title}}, o)
}

// A Chart is one process's chart on a page of several.
type Chart struct {
	ID    ProcessID
	Title string // "" for the default title naming the input and process
}

// RenderPage draws the charts of several processes on one page, one under
// the other, each o.Width wide and o.Height high, or less high where the
// page would exceed MaxSide; o.Title is not used.
func (b *Builder) RenderPage(w io.Writer, f Format, charts []Chart, o RenderOptions) (err error) {
	if _, ok := formatNames[f]; !ok {
		return fmt.Errorf("unknown format %q", f.String())
	}
	if o.Width == 0 {
		o.Width = DefaultWidth
	}
	if o.Height == 0 {
		o.Height = DefaultHeight
	}
	if o.Width < MinWidth || o.Height < MinHeight || o.Width > MaxSide || o.Height > MaxSide {
		return fmt.Errorf("chart size %d×%d is out of range: width %d to %d, height %d to %d pixels",
			o.Width, o.Height, MinWidth, MaxSide, MinHeight, MaxSide)
	}
	if len(charts) == 0 {
		return errors.New("no chart to draw")
	}
	height := min(o.Height, MaxSide/len(charts))
	if height < MinHeight {
		return fmt.Errorf("%d charts do not fit on one page: at most %d of at least %d pixels each", len(charts), MaxSide/MinHeight, MinHeight)
	}
	series := make([]*series, len(charts))
	for i, c := range charts {
		s := b.find(c.ID)
		if s == nil || s.info.Cycles == 0 {
			return fmt.Errorf("process %d of %s: %w", c.ID.Process, c.ID.File, ErrNoProcess)
		}
		series[i] = s
	}

	// The data is sanitised and the tickers never panic, but a chart is
	// not worth a crash: anything gonum still panics on becomes an error.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("drawing the chart failed: %v", r)
		}
	}()

	wpt, hpt := vg.Length(o.Width)*0.75, vg.Length(height)*0.75
	pagePt := hpt * vg.Length(len(charts))
	var cw vg.CanvasWriterTo
	switch f {
	case PNG:
		cw = fastPNG{vgimg.NewWith(vgimg.UseWH(wpt, pagePt), vgimg.UseDPI(96))}
	case SVG:
		cw = vgsvg.New(wpt, pagePt)
	case PDF:
		cw = vgpdf.New(wpt, pagePt)
	}
	page := draw.New(cw)
	for i, s := range series {
		c := page
		c.Max.Y = page.Max.Y - hpt*vg.Length(i)
		c.Min.Y = c.Max.Y - hpt
		title := charts[i].Title
		if title == "" {
			title = b.title(s)
		}
		drawChart(c, title, b.subtitle(s, len(charts)), f != PDF, b.panels(s))
	}
	_, err = cw.WriteTo(w)
	return err
}

// panels builds the panels of one process's chart.
func (b *Builder) panels(s *series) []*panel {
	x := newXAxis(s)
	sh, rb := chartSpans(s, &x)
	panels := []*panel{heapPanel(s, &x, sh, rb), pausePanel(s, &x, sh)}
	if p := cpuPanel(s, &x, sh); p != nil {
		panels = append(panels, p)
	}
	if p := allocPanel(s, &x, sh); p != nil {
		panels = append(panels, p)
	}
	panels[len(panels)-1].showX(&x)
	return panels
}

// fastPNG writes its image as vgimg.PngCanvas does, but compressed for
// speed: with the default level, compressing the chart took as long as
// drawing it, for files a few percent smaller.
type fastPNG struct{ *vgimg.Canvas }

func (c fastPNG) WriteTo(w io.Writer) (int64, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, c.Image()); err != nil {
		return 0, err
	}
	return buf.WriteTo(w)
}
