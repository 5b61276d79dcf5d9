package parser

import (
	"strconv"
	"time"
)

// AppendText appends the line the runtime printed for g (without prefix
// or newline). For any line the runtime printed it is byte-identical.
func (g *GC) AppendText(b []byte) []byte {
	if !g.Format.Concurrent() {
		return g.appendLegacy(b)
	}
	b = append(b, "gc "...)
	if g.Hash {
		b = append(b, '#')
	}
	b = strconv.AppendInt(b, int64(g.N), 10)
	b = append(b, " @"...)
	b = appendScaled(b, int64(g.Start), 9, g.StartPrec)
	b = append(b, 's')
	if g.CPUPercent != Absent {
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(g.CPUPercent), 10)
		b = append(b, '%')
	}
	if g.LeakCheck {
		b = append(b, " (checking for goroutine leaks)"...)
	}
	b = append(b, ": "...)
	for i := 0; i < g.NClock; i++ {
		if i > 0 {
			b = append(b, '+')
		}
		b = AppendMS(b, g.Clock[i], g.ClockPrec[i])
	}
	b = append(b, " ms clock, "...)
	for i := 0; i < g.NCPU; i++ {
		if i > 0 {
			if i == g.NCPU-3 || i == g.NCPU-2 {
				b = append(b, '/')
			} else {
				b = append(b, '+')
			}
		}
		b = AppendMS(b, g.CPU[i], g.CPUPrec[i])
	}
	b = append(b, " ms cpu, "...)
	b = strconv.AppendInt(b, g.HeapStart/mib, 10)
	b = append(b, "->"...)
	b = strconv.AppendInt(b, g.HeapEnd/mib, 10)
	if g.HeapLive != Absent {
		b = append(b, "->"...)
		b = strconv.AppendInt(b, g.HeapLive/mib, 10)
	}
	b = append(b, " MB, "...)
	if g.HeapGoal != Absent {
		b = strconv.AppendInt(b, g.HeapGoal/mib, 10)
		b = append(b, " MB goal, "...)
	}
	if g.Stacks != Absent {
		b = strconv.AppendInt(b, g.Stacks/mib, 10)
		b = append(b, " MB stacks, "...)
		b = strconv.AppendInt(b, g.Globals/mib, 10)
		b = append(b, " MB globals, "...)
	}
	b = strconv.AppendInt(b, int64(g.Procs), 10)
	b = append(b, " P"...)
	if g.Forced {
		b = append(b, " (forced)"...)
	}
	return b
}

// String returns the line as the runtime printed it.
func (g *GC) String() string { return string(g.AppendText(nil)) }

func (g *GC) appendLegacy(b []byte) []byte {
	o := &g.Old
	b = append(b, "gc"...)
	b = strconv.AppendInt(b, int64(g.N), 10)
	b = append(b, '(')
	b = strconv.AppendInt(b, int64(g.Procs), 10)
	b = append(b, "): "...)
	unit := time.Millisecond
	if g.Format >= FormatGo13 {
		unit = time.Microsecond
	}
	for i := 0; i < g.NClock; i++ {
		if i > 0 {
			b = append(b, '+')
		}
		b = strconv.AppendInt(b, int64(g.Clock[i]/unit), 10)
	}
	switch g.Format {
	case FormatGo10:
		b = append(b, " ms "...)
	case FormatGo11:
		b = append(b, " ms, "...)
	default:
		b = append(b, " us, "...)
	}
	b = strconv.AppendInt(b, o.Heap0, 10)
	b = append(b, " -> "...)
	b = strconv.AppendInt(b, o.Heap1, 10)
	if g.Format >= FormatGo13 {
		b = append(b, " MB, "...)
	} else {
		b = append(b, " MB "...)
		b = strconv.AppendInt(b, o.Objects0, 10)
		b = append(b, " -> "...)
	}
	b = strconv.AppendInt(b, o.Objects1, 10)
	b = append(b, " ("...)
	b = strconv.AppendInt(b, o.Mallocs, 10)
	b = append(b, '-')
	b = strconv.AppendInt(b, o.Frees, 10)
	b = append(b, ") objects"...)
	if g.Format == FormatGo10 {
		b = append(b, ' ')
		b = strconv.AppendInt(b, o.Handoff[0], 10)
		return append(b, " handoff"...)
	}
	b = append(b, ", "...)
	if g.Format == FormatGo14 {
		b = strconv.AppendInt(b, o.Goroutines, 10)
		b = append(b, " goroutines, "...)
	}
	if g.Format >= FormatGo13 {
		b = appendTriple(b, o.Sweeps)
		b = append(b, " sweeps, "...)
	}
	b = appendPair(b, o.Handoff)
	b = append(b, " handoff, "...)
	b = appendPair(b, o.Steal)
	b = append(b, " steal, "...)
	b = appendTriple(b, o.Yields)
	return append(b, " yields"...)
}

func appendPair(b []byte, v [2]int64) []byte {
	b = strconv.AppendInt(b, v[0], 10)
	b = append(b, '(')
	b = strconv.AppendInt(b, v[1], 10)
	return append(b, ')')
}

func appendTriple(b []byte, v [3]int64) []byte {
	for i, x := range v {
		if i > 0 {
			b = append(b, '/')
		}
		b = strconv.AppendInt(b, x, 10)
	}
	return b
}

// AppendMS appends d in milliseconds with prec digits after the point, the
// way the runtime printed it (truncated, never rounded).
func AppendMS(b []byte, d time.Duration, prec uint8) []byte {
	return appendScaled(b, int64(d), 6, prec)
}

// appendScaled appends v / 10^scale with prec decimals, truncating.
func appendScaled(b []byte, v int64, scale int, prec uint8) []byte {
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	div := int64(1)
	for i := 0; i < scale-int(prec); i++ {
		div *= 10
	}
	v /= div
	if prec == 0 {
		return strconv.AppendInt(b, v, 10)
	}
	p := int64(1)
	for i := 0; i < int(prec); i++ {
		p *= 10
	}
	b = strconv.AppendInt(b, v/p, 10)
	b = append(b, '.')
	frac := v % p
	for q := p / 10; q > frac && q > 1; q /= 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, frac, 10)
}
