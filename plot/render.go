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
func (b *Builder) Render(w io.Writer, f Format, id ProcessID, o RenderOptions) (err error) {
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
	s := b.find(id)
	if s == nil || s.info.Cycles == 0 {
		return fmt.Errorf("process %d of %s: %w", id.Process, id.File, ErrNoProcess)
	}

	// The data is sanitised and the tickers never panic, but a chart is
	// not worth a crash: anything gonum still panics on becomes an error.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("drawing the chart failed: %v", r)
		}
	}()

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

	title := o.Title
	if title == "" {
		title = b.title(s)
	}
	wpt, hpt := vg.Length(o.Width)*0.75, vg.Length(o.Height)*0.75
	var cw vg.CanvasWriterTo
	switch f {
	case PNG:
		cw = fastPNG{vgimg.NewWith(vgimg.UseWH(wpt, hpt), vgimg.UseDPI(96))}
	case SVG:
		cw = vgsvg.New(wpt, hpt)
	case PDF:
		cw = vgpdf.New(wpt, hpt)
	}
	drawChart(draw.New(cw), title, b.subtitle(s), f != PDF, panels)
	_, err = cw.WriteTo(w)
	return err
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
