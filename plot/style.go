package plot

import (
	"image/color"

	stdfont "golang.org/x/image/font"
	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Colours from the Okabe–Ito palette, which stays distinguishable with the
// common forms of colour blindness.
var (
	colStart    = rgb(0xE6, 0x9F, 0x00)        // orange: heap at GC start
	colEnd      = rgb(0xD5, 0x5E, 0x00)        // vermillion: heap at GC end
	colUse      = rgba(0xD5, 0x5E, 0x00, 0xB0) // vermillion, see-through where cycles crowd: heap in use
	colLive     = rgb(0x00, 0x72, 0xB2)        // blue: live heap
	colGoal     = rgb(0x55, 0x55, 0x55)        // grey: goal
	colForced   = rgb(0xCC, 0x79, 0xA7)        // reddish purple: forced GC
	colPeriodic = rgb(0x00, 0x00, 0x00)        // black: periodic GC
	colPause    = rgb(0x56, 0xB4, 0xE9)        // sky blue: pauses
	colCPU      = rgb(0x00, 0x9E, 0x73)        // bluish green: windowed GC CPU
	colPrinted  = rgb(0x55, 0x55, 0x55)        // grey: the printed cumulative %
	colAlloc    = rgb(0x7B, 0x32, 0x94)        // purple: allocation rate
	colGrid     = rgb(0xE4, 0xE4, 0xE4)
	colNote     = rgb(0x55, 0x55, 0x55)
)

// Finding spans: a light tint over every panel, a stronger ribbon in the
// rule's row, and the ID in a darker shade of the same hue, one hue per
// rule in sorted order.
var (
	spanHues = [][3]uint8{
		{0xD5, 0x5E, 0x00},
		{0x00, 0x72, 0xB2},
		{0xE6, 0x9F, 0x00},
		{0x00, 0x9E, 0x73},
		{0xCC, 0x79, 0xA7},
		{0x56, 0xB4, 0xE9},
		{0x80, 0x80, 0x80},
		{0xB0, 0xA0, 0x00},
	}
	spanFill   = hues(0x18)
	spanRibbon = hues(0x70)
	spanText   = darkHues()
)

func hues(alpha uint8) []color.Color {
	out := make([]color.Color, len(spanHues))
	for i, h := range spanHues {
		out[i] = rgba(h[0], h[1], h[2], alpha)
	}
	return out
}

func darkHues() []color.Color {
	out := make([]color.Color, len(spanHues))
	for i, h := range spanHues {
		out[i] = rgb(h[0]*2/3, h[1]*2/3, h[2]*2/3)
	}
	return out
}

func rgb(r, g, b uint8) color.Color     { return color.NRGBA{r, g, b, 0xFF} }
func rgba(r, g, b, a uint8) color.Color { return color.NRGBA{r, g, b, a} }

// sans is the face of every text: gonum's bundled Liberation fonts, so the
// output does not depend on the fonts installed and SVG goldens are stable.
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

func textStyle(size vg.Length, c color.Color) text.Style {
	return text.Style{
		Color:   c,
		Font:    font.From(sans, size),
		XAlign:  draw.XLeft,
		YAlign:  draw.YBottom,
		Handler: gplot.DefaultTextHandler,
	}
}

func boldStyle(size vg.Length, c color.Color) text.Style {
	s := textStyle(size, c)
	s.Font.Weight = stdfont.WeightBold
	return s
}

func line(c color.Color, width vg.Length, dashes ...vg.Length) draw.LineStyle {
	return draw.LineStyle{Color: c, Width: width, Dashes: dashes}
}
