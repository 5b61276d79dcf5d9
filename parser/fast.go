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
	// The runtime prints the start time with three decimals.
	sec, j := accumDigits(b, i+2, 0)
	if w := b[j:min(j+6, len(b))]; j > i+2 && j-i-2 <= 9 && len(w) == 6 && w[0] == '.' &&
		w[1]-'0' < 10 && w[2]-'0' < 10 && w[3]-'0' < 10 && w[4] == 's' && w[5] == ' ' {
		ms := int64(w[1]-'0')*100 + int64(w[2]-'0')*10 + int64(w[3]-'0')
		g.Start, g.StartPrec, i = time.Duration(sec*1e9+ms*1e6), 3, j+6
	} else {
		start, dec, k, ok := fastDecimal(b, i+2, 9)
		if !ok || len(b)-k < 2 || b[k] != 's' || b[k+1] != ' ' {
			return -1
		}
		g.Start, g.StartPrec, i = time.Duration(start), dec, k+2
	}
	g.N, g.Hash = int(n), false
	pct, i, ok := fastUint(b, i)
	if !ok || len(b)-i < 3 || b[i] != '%' || b[i+1] != ':' || b[i+2] != ' ' {
		return -1
	}
	g.CPUPercent, g.LeakCheck = int(pct), false
	i += 3

	// Three clock phases, then five CPU phases (p+a/b/i+p), all in
	// milliseconds as cursor.ms reads them. The loop body is written out
	// rather than called: eight calls a line cost more than the digits.
	for k := 0; k < 8; k++ {
		var d time.Duration
		var dec int
		if w := b[i:min(i+6, len(b))]; len(w) == 6 && w[1] == '.' && w[0]-'0' < 10 && w[2]-'0' < 10 {
			// Nearly every value is under 10 ms and printed with one
			// to three decimals ("0.013", "0.29", "2.0"). Six bytes
			// known to be there need no bounds checks, and the digits
			// are combined without a loop.
			d0, f0, f1 := int64(w[0]-'0'), int64(w[2]-'0'), int64(w[3]-'0')
			switch {
			case w[3]-'0' >= 10:
				d, dec = time.Duration(d0*1e6+f0*1e5), 1
			case w[4]-'0' >= 10:
				d, dec = time.Duration(d0*1e6+f0*1e5+f1*1e4), 2
			case w[5]-'0' >= 10:
				d, dec = time.Duration(d0*1e6+f0*1e5+f1*1e4+int64(w[4]-'0')*1e3), 3
			}
		}
		if dec != 0 {
			i += 2 + dec
		} else {
			v, j := accumDigits(b, i, 0)
			if j == i || j-i+6 > 18 {
				return -1
			}
			if j < len(b) && b[j] == '.' {
				f := j + 1
				v, j = accumDigits(b, f, v)
				if dec = j - f; dec == 0 || dec > 6 {
					return -1
				}
			}
			d = time.Duration(v * pow10[6-dec])
			i = j
		}
		if k < 3 {
			g.Clock[k], g.ClockPrec[k] = d, uint8(dec)
		} else {
			g.CPU[k-3], g.CPUPrec[k-3] = d, uint8(dec)
		}
		switch {
		case k == 2:
			if len(b)-i < 11 || string(b[i:i+11]) != " ms clock, " {
				return -1
			}
			i += 11
		case k == 7:
			if len(b)-i < 9 || string(b[i:i+9]) != " ms cpu, " {
				return -1
			}
			i += 9
		default:
			if i >= len(b) || b[i] != msSeps[k] {
				return -1
			}
			i++
		}
	}
	g.NClock, g.Clock[3], g.Clock[4], g.ClockPrec[3], g.ClockPrec[4] = 3, 0, 0, 0, 0
	g.NCPU, g.CPU[5], g.CPU[6], g.CPUPrec[5], g.CPUPrec[6] = 5, 0, 0, 0, 0

	h0, i, ok := fastUint(b, i)
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

// msSeps[k] follows the k-th time of a GC line but the last of each group.
const msSeps = "++ +//+"

// fastUint reads the run of digits at b[i:]; more than maxDigits is not
// a number the trace prints.
func fastUint(b []byte, i int) (v int64, end int, ok bool) {
	v, j := accumDigits(b, i, 0)
	return v, j, j > i && j-i <= maxDigits
}

// accumDigits appends the run of digits at b[i:] to v and returns where
// the run ends.
func accumDigits(b []byte, i int, v int64) (int64, int) {
	for i < len(b) && b[i]-'0' < 10 {
		v = v*10 + int64(b[i]-'0')
		i++
	}
	return v, i
}

// fastDecimal reads the number at b[i:], digits with an optional fraction
// of at most maxDec digits, scaled by 10^maxDec, and the number of fraction
// digits printed. The value is scaled below: 18 digits in all stay within
// int64.
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
