package parser

import "time"

// fastGC decodes, in one pass and straight into g, the line every release
// since Go 1.6beta2 prints in the ordinary case:
//
//	gc N @S.sss s U%: c+c+c ms clock, p+a/b/i+p ms cpu, H0->H1->H2 MB, G MB goal, [ST MB stacks, GL MB globals, ]P P[ (forced)]
//
// It is almost every line of a long trace, and parseGC's general grammar,
// built from small cursor calls, costs several times as much on it. For a
// line it accepts, fastGC sets every field of g but Pos exactly as parseGC
// would, and returns where the line's text ends: b may run on past the
// line, so the caller checks what follows. On anything else (other
// releases, a cut line, a number too long) it returns -1, with g half
// written, and parseGC decides.
func fastGC(b []byte, g *GC) int {
	if len(b) < 3 || b[0] != 'g' || b[1] != 'c' || b[2] != ' ' {
		return -1
	}
	n, i, ok := fastUint(b, 3)
	if !ok || len(b)-i < 2 || b[i] != ' ' || b[i+1] != '@' {
		return -1
	}
	start, dec, i, ok := fastDecimal(b, i+2, 9)
	if !ok || len(b)-i < 2 || b[i] != 's' || b[i+1] != ' ' {
		return -1
	}
	g.N, g.Hash, g.Start, g.StartPrec = int(n), false, time.Duration(start), dec
	pct, i, ok := fastUint(b, i+2)
	if !ok || len(b)-i < 3 || b[i] != '%' || b[i+1] != ':' || b[i+2] != ' ' {
		return -1
	}
	g.CPUPercent, g.LeakCheck = int(pct), false
	i += 3

	// Three clock phases.
	for k := 0; k < 3; k++ {
		if k > 0 {
			if i >= len(b) || b[i] != '+' {
				return -1
			}
			i++
		}
		v, dec, j, ok := fastDecimal(b, i, 6)
		if !ok {
			return -1
		}
		g.Clock[k], g.ClockPrec[k], i = time.Duration(v), dec, j
	}
	if len(b)-i < 11 || string(b[i:i+11]) != " ms clock, " {
		return -1
	}
	i += 11
	g.NClock, g.Clock[3], g.Clock[4], g.ClockPrec[3], g.ClockPrec[4] = 3, 0, 0, 0, 0

	// Five CPU phases: p+a/b/i+p.
	for k := 0; k < 5; k++ {
		if k > 0 {
			sep := byte('+')
			if k == 2 || k == 3 {
				sep = '/'
			}
			if i >= len(b) || b[i] != sep {
				return -1
			}
			i++
		}
		v, dec, j, ok := fastDecimal(b, i, 6)
		if !ok {
			return -1
		}
		g.CPU[k], g.CPUPrec[k], i = time.Duration(v), dec, j
	}
	if len(b)-i < 9 || string(b[i:i+9]) != " ms cpu, " {
		return -1
	}
	g.NCPU, g.CPU[5], g.CPU[6], g.CPUPrec[5], g.CPUPrec[6] = 5, 0, 0, 0, 0

	h0, i, ok := fastUint(b, i+9)
	if !ok || len(b)-i < 2 || b[i] != '-' || b[i+1] != '>' {
		return -1
	}
	h1, i, ok := fastUint(b, i+2)
	if !ok || len(b)-i < 2 || b[i] != '-' || b[i+1] != '>' {
		return -1
	}
	h2, i, ok := fastUint(b, i+2)
	if !ok || len(b)-i < 5 || string(b[i:i+5]) != " MB, " {
		return -1
	}
	g.HeapStart, g.HeapEnd, g.HeapLive = h0*mib, h1*mib, h2*mib

	goal, i, ok := fastUint(b, i+5)
	if !ok || len(b)-i < 10 || string(b[i:i+10]) != " MB goal, " {
		return -1
	}
	g.HeapGoal = goal * mib
	v, i, ok := fastUint(b, i+10)
	if !ok {
		return -1
	}
	g.Format, g.Stacks, g.Globals = FormatGo16, Absent, Absent
	if len(b)-i >= 12 && string(b[i:i+12]) == " MB stacks, " {
		gl, j, ok := fastUint(b, i+12)
		if !ok || len(b)-j < 13 || string(b[j:j+13]) != " MB globals, " {
			return -1
		}
		g.Format, g.Stacks, g.Globals = FormatGo118, v*mib, gl*mib
		if v, i, ok = fastUint(b, j+13); !ok {
			return -1
		}
	}
	if len(b)-i < 2 || b[i] != ' ' || b[i+1] != 'P' {
		return -1
	}
	i += 2
	g.Procs, g.Forced = int(v), false
	if len(b)-i >= 9 && string(b[i:i+9]) == " (forced)" {
		g.Forced = true
		i += 9
	}
	resetLegacy(g)
	return i
}

// fastUint reads the digits at b[i:] as cursor.uint does.
func fastUint(b []byte, i int) (v int64, end int, ok bool) {
	j := i
	for j < len(b) && b[j]-'0' < 10 {
		v = v*10 + int64(b[j]-'0')
		j++
	}
	return v, j, j > i && j-i <= maxDigits
}

// fastDecimal reads the number at b[i:] as cursor.decimal(maxDec) does.
func fastDecimal(b []byte, i, maxDec int) (v int64, dec uint8, end int, ok bool) {
	j := i
	for j < len(b) && b[j]-'0' < 10 {
		v = v*10 + int64(b[j]-'0')
		j++
	}
	if j == i || j-i+maxDec > 18 {
		return 0, 0, j, false
	}
	if j < len(b) && b[j] == '.' {
		j++
		f := j
		for j < len(b) && b[j]-'0' < 10 {
			v = v*10 + int64(b[j]-'0')
			j++
		}
		if j == f || j-f > maxDec {
			return 0, 0, j, false
		}
		dec = uint8(j - f)
	}
	return v * pow10[maxDec-int(dec)], dec, j, true
}
