// Package plot draws the GC trace of a process: heap over time, pauses,
// GC CPU and allocation rate.
//
// A Builder is fed parser.GC records as they are read and keeps, per
// process, each series downsampled to a fixed number of columns (about two
// per pixel), keeping each column's first, last, smallest and largest
// value with where they fell: a chart of millions of cycles costs the same
// memory as one of a hundred and shows every peak. The time range is not
// known in advance, so columns start narrow and merge pairwise whenever a
// cycle falls beyond the last one; nothing is read twice.
//
// Render draws one process as PNG, SVG or PDF, with gonum.org/v1/plot
// (imported by this package alone): the heap panel (a sawtooth of the heap
// in use through each cycle's start, end of marking and live heap; the
// live heap; the goal; forced and periodic GCs; the spans of findings
// added with AddSpan), then on the same time axis the stop-the-world
// pauses, GC CPU over a sliding window next to the cumulative figure the
// runtime prints, and the allocation rate. Traces from before Go 1.5 have
// no timestamps: their x axis counts cycles and there is no CPU panel.
//
// The bundled Liberation fonts are used throughout, so an SVG is the same
// byte for byte on every machine.
package plot
