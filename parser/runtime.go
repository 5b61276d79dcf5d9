package parser

import "bytes"

// claim finds where the runtime's text starts in a line and which kind of
// line it is. The tests are cheap and specific, so that the program's own
// output is not mistaken for the runtime's: a claimed line that then fails
// to parse is reported as a syntax error.
func claim(b []byte) (int, Kind) {
	if len(b) > 2 && b[0] == 'g' && b[1] == 'c' && isGCHead(b, 0) {
		return 0, KindGC
	}
	for i := 0; i < len(b); {
		j := bytes.Index(b[i:], []byte("gc"))
		if j < 0 {
			break
		}
		if isGCHead(b, i+j) {
			return i + j, KindGC
		}
		i += j + 2
	}
	if i := bytes.Index(b, []byte("pacer: ")); i >= 0 && isPacer(b[i+len("pacer: "):]) {
		return i, KindPacer
	}
	if i := bytes.Index(b, []byte("scav")); i >= 0 {
		if k, ok := scavHead(b, i); ok {
			return k, KindScavenger
		}
	}
	if i, k := claimScvg(b); k != KindText {
		return i, k
	}
	if i := bytes.Index(b, []byte("GC forced")); i >= 0 && isBlank(b[i+len("GC forced"):]) {
		return i, KindForced
	}
	if i := bytes.Index(b, []byte("scan: ")); i >= 0 {
		r := b[i+len("scan: "):]
		if bytes.HasPrefix(r, []byte("total ")) || bytes.HasPrefix(r, []byte("class ")) {
			return i, KindScan
		}
	}
	if i := bytes.Index(b, []byte("checkfinalizers: queue: ")); i >= 0 {
		return i, KindFinalizers
	}
	if bytes.Contains(b, []byte(" ms cpu, ")) || bytes.Contains(b, []byte(" MB goal, ")) || bytes.Contains(b, []byte(" MB globals, ")) {
		return -1, KindSyntaxError
	}
	return 0, KindText
}

// isGCHead reports whether b[k:] starts a GC line: "gc N @", "gc N" at the
// end of the line (the rest was cut off by another writer), "gc #N", or the
// pre-1.5 "gcN(P): ".
func isGCHead(b []byte, k int) bool {
	i := k + 2
	if i >= len(b) {
		return false
	}
	if b[i] == ' ' {
		i++
		if i < len(b) && b[i] == '#' {
			return i+1 < len(b) && isDigit(b[i+1])
		}
		j := skipDigits(b, i)
		if j == i {
			return false
		}
		return (j+1 < len(b) && b[j] == ' ' && b[j+1] == '@') || isBlank(b[j:])
	}
	j := skipDigits(b, i)
	if j == i || j >= len(b) || b[j] != '(' {
		return false
	}
	l := skipDigits(b, j+1)
	return l > j+1 && l+1 < len(b) && b[l] == ')' && b[l+1] == ':'
}

func skipDigits(b []byte, i int) int {
	for i < len(b) && isDigit(b[i]) {
		i++
	}
	return i
}

func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}

// isPacer recognises the four pacer line shapes by what follows "pacer: ".
func isPacer(r []byte) bool {
	for _, p := range []string{"assist ratio=", "H_m_prev=", "sweep done at heap size "} {
		if len(r) >= len(p) && string(r[:len(p)]) == p {
			return true
		}
	}
	j := skipDigits(r, 0)
	return j > 0 && bytes.HasPrefix(r[j:], []byte("% CPU ("))
}

// scavHead finds the start of a scavenger line at or after b[i:] (which
// starts with "scav"): "scvg" is spelled with a 'v' too, so both are
// searched for.
func scavHead(b []byte, i int) (int, bool) {
	if bytes.HasPrefix(b[i:], []byte("scav ")) {
		j := skipDigits(b, i+5)
		if j > i+5 && (bytes.HasPrefix(b[j:], []byte(" KiB work")) || isScavGen(b, j)) {
			return i, true
		}
	}
	return 0, false
}

// isScavGen reports whether b[j:] is " W KiB work" after a generation
// number (Go 1.15–1.18 "scav <gen> <work> KiB work").
func isScavGen(b []byte, j int) bool {
	if j >= len(b) || b[j] != ' ' {
		return false
	}
	k := skipDigits(b, j+1)
	return k > j+1 && bytes.HasPrefix(b[k:], []byte(" KiB work"))
}

// claimScvg finds the pre-1.14 scavenger lines printed under gctrace:
// "scvgN: …", "scvg: …", "scvg-1: …", "forced scvg: …", and "scvgN: GC
// forced". They are looked for separately because "scvg" does not contain
// "scav".
func claimScvg(b []byte) (int, Kind) {
	i := bytes.Index(b, []byte("scvg"))
	if i < 0 {
		return 0, KindText
	}
	j := i + 4
	if j < len(b) && b[j] == '-' {
		j++
	}
	j = skipDigits(b, j)
	if !bytes.HasPrefix(b[j:], []byte(": ")) {
		return 0, KindText
	}
	r := b[j+2:]
	switch {
	case bytes.HasPrefix(r, []byte("GC forced")):
		return i, KindForced
	case bytes.HasPrefix(r, []byte("inuse: ")):
	case bytes.Contains(r, []byte(" MB released")):
	default:
		return 0, KindText
	}
	if i >= 7 && string(b[i-7:i]) == "forced " {
		i -= 7
	}
	return i, KindScavenger
}

// parseRuntime decodes a runtime line of kind k starting at c's position
// into rt. It returns the field that failed, or "".
func parseRuntime(c *cursor, k Kind, rt *Runtime) string {
	rt.Kind = k
	rt.Scav = Scavenge{Gen: Absent, Released: Absent, Inuse: Absent, Idle: Absent, Sys: Absent, ReleasedTotal: Absent,
		Consumed: Absent, Work: Absent, WorkEager: Absent, Total: Absent, Util: Absent}
	switch k {
	case KindScavenger:
		if bytes.HasPrefix(c.b[c.i:], []byte("scav ")) {
			return parseScav(c, &rt.Scav)
		}
		return parseScvg(c, &rt.Scav)
	case KindFinalizers:
		c.lit("checkfinalizers: queue: ")
		if _, ok := c.uint(); !ok || !c.lit(" finalizers + ") {
			return "finalizers"
		}
		if _, ok := c.uint(); !ok || !c.lit(" cleanups") {
			return "cleanups"
		}
		return endOfLine(c)
	}
	// "GC forced", pacer and scan lines are kept as text once recognised.
	return ""
}

// parseScav decodes the scavtrace line (Go 1.14+) in its three shapes.
func parseScav(c *cursor, s *Scavenge) string {
	c.lit("scav ")
	a, ok := c.uint()
	if !ok {
		return "work"
	}
	if !c.lit(" KiB work") { // Go 1.15–1.18: a generation number comes first
		if !c.lit(" ") {
			return "work"
		}
		s.Gen = a
		if a, ok = c.uint(); !ok {
			return "work"
		}
		if !c.lit(" KiB work") {
			return "work"
		}
	}
	s.Work = a << 10
	if c.lit(" (bg), ") {
		s.Shape = ScavBgEager
		e, ok := c.uint()
		if !ok || !c.lit(" KiB work (eager), ") {
			return "eager work"
		}
		s.WorkEager = e << 10
		t, ok := c.uint()
		if !ok || !c.lit(" KiB now, ") {
			return "now"
		}
		s.Total = t << 10
	} else {
		s.Shape = ScavTotal
		if !c.lit(", ") {
			return "work"
		}
		t, ok := c.uint()
		if !ok || !c.lit(" KiB total, ") {
			return "total"
		}
		s.Total = t << 10
	}
	u, ok := c.uint()
	if !ok || !c.lit("% util") {
		return "util"
	}
	s.Util = u
	s.Forced = c.lit(" (forced)")
	s.Reset = c.lit(" [controller reset]") || c.lit("[controller reset]")
	return endOfLine(c)
}

// parseScvg decodes the scavenger lines gctrace printed up to Go 1.13.
func parseScvg(c *cursor, s *Scavenge) string {
	s.Forced = c.lit("forced ")
	if !c.lit("scvg") {
		return "scvg"
	}
	if g, ok := c.int(); ok {
		s.Gen = g
		if g == -1 {
			s.Forced = true
		}
	}
	if !c.lit(": ") {
		return "scvg"
	}
	if c.lit("inuse: ") {
		s.Shape = ScavInuse
		for _, f := range []struct {
			dst  *int64
			next string
		}{{&s.Inuse, ", idle: "}, {&s.Idle, ", sys: "}, {&s.Sys, ", released: "}, {&s.ReleasedTotal, ", consumed: "}, {&s.Consumed, " (MB)"}} {
			v, ok := c.uint()
			if !ok || !c.lit(f.next) {
				return "inuse"
			}
			*f.dst = v * mib
		}
		return endOfLine(c)
	}
	s.Shape = ScavReleased
	var v int64
	if c.lit("0x") { // Go 1.0–1.1 printed the released MiB with %p
		j := c.i
		for c.i < len(c.b) && c.i-j < 16 && isHex(c.b[c.i]) {
			v = v<<4 | int64(unhex(c.b[c.i]))
			c.i++
		}
		if c.i == j {
			return "released"
		}
	} else {
		var ok bool
		if v, ok = c.uint(); !ok {
			return "released"
		}
	}
	if !c.lit(" MB released") {
		return "released"
	}
	s.Released = v * mib
	return endOfLine(c)
}

func isHex(b byte) bool { return isDigit(b) || ('a' <= b && b <= 'f') || ('A' <= b && b <= 'F') }

func unhex(b byte) byte {
	switch {
	case isDigit(b):
		return b - '0'
	case 'a' <= b && b <= 'f':
		return b - 'a' + 10
	default:
		return b - 'A' + 10
	}
}
