// Package parser decodes the garbage collector trace that Go programs print
// under GODEBUG=gctrace=1, from every Go release, as a stream of records.
package parser

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"unicode/utf8"
)

// DefaultMaxLine is how much of one line a Reader holds at once. Longer
// lines are not an error: they are delivered as several *Text pieces.
const DefaultMaxLine = 1 << 20

// Stats counts what a Reader has read so far.
type Stats struct {
	Lines     int64 // physical lines
	GC        int64 // GC cycle records
	Runtime   int64 // other runtime lines (GC forced, scavenger, pacer, scan, finalizers)
	Text      int64 // lines passed through (a long line counts once)
	Errors    int64 // claimed lines that did not parse
	Processes int   // process streams seen
	NULLines  int64 // passed-through lines holding a NUL byte (a sign of binary input)
}

// A Reader reads records from a GC trace. It is used like bufio.Scanner:
//
//	r := parser.NewReader(f, "run.log")
//	for r.Scan() {
//		switch rec := r.Record().(type) {
//		case *parser.GC: …
//		}
//	}
//	if err := r.Err(); err != nil { … }
//
// Records are reused: a record is valid until the next call to Scan. A *GC
// is a flat value, so copying it (g := *rec) keeps it.
//
// The runtime writes a GC line in many pieces, so output of the program
// can land inside it: "gc 6" + "app: tick\n" + " @0.006s …\n". The Reader
// puts such a line back together: the GC record is delivered (positioned
// at its first line) and the program's text is passed through on its own.
// A line whose rest never arrives is reported as a SyntaxError.
type Reader struct {
	name string

	// The input is read into buf as bufio.Reader would, but the Reader
	// owns the buffer so that an ordinary GC line can be decoded where it
	// lies, without first searching it for its end (see fastLine).
	src        io.Reader // nil: buf is the whole input (NewReaderBytes)
	buf        []byte
	rpos, wpos int   // buf[rpos:wpos] is read but not yet used
	rerr       error // a read error not yet handed on
	// window is how much of buf a line may fill before it is delivered
	// in pieces: the buffer's size, or bufSize over a whole input.
	window int

	// MaxLine bounds the memory held for one line; see DefaultMaxLine.
	MaxLine int

	lineNo    int
	inLong    bool // the current physical line is being delivered in pieces
	long      []byte
	scratch   []byte // a line decoded from Docker's JSON
	unescaped []byte // a line with HTML escapes undone
	joined    []byte // a pending GC line's head joined with the next line
	err       error
	done      bool
	noEOL     bool // the line being decoded ends the input without a "\n"

	rec  Record
	out  [4]slot // records decoded from the current line, in order
	nout int
	iout int

	pend  pending
	procs processes
	stats Stats

	// piece is set on a Reader of one piece of a larger input (ReadParallel):
	// process ids are left to the caller, which sees the records of all
	// pieces in order, and openAtEnd records whether a GC line or a long
	// line was still open when the piece ended, so that the records of
	// its last lines depend on the next piece.
	piece     bool
	openAtEnd bool
	shifted   int64 // bytes moved out of buf before rpos: the input used is shifted+rpos
}

// slot holds one decoded record; a line can yield several (the program's
// text and the GC line it interrupted).
type slot struct {
	gc   GC
	rt   Runtime
	txt  Text
	serr SyntaxError
	buf  []byte
	rec  Record
}

// maxPending bounds how many lines may pass before the rest of a broken GC
// line arrives; the runtime resumes within a line or two.
const maxPending = 8

// pending is the start of a GC line whose rest has not arrived yet.
type pending struct {
	active bool
	// weak is set when the head is too short to be sure it is the runtime's
	// ("gc " or "gc 6" glued to other text): its line has passed through
	// as text, and only a following line that continues it makes a record.
	weak  bool
	head  []byte // the runtime's text so far
	pos   Pos
	field string // what failed to parse when the head was cut
	lines int    // lines read since the head
	app   []byte // the line without the head, when the head is not at its start
}

// NewReader returns a Reader of r; name is used in positions ("-" for
// standard input).
func NewReader(r io.Reader, name string) *Reader {
	size := bufSize
	// bufio.NewReaderSize, which the Reader used before, keeps a larger
	// bufio.Reader as it is; the chunk size of over-long lines follows
	// the buffer's, so keep it.
	if b, ok := r.(*bufio.Reader); ok && b.Size() > size {
		size = b.Size()
	}
	return &Reader{name: name, src: r, buf: make([]byte, size), window: size, MaxLine: DefaultMaxLine}
}

// NewReaderBytes returns a Reader of data, which holds the whole input:
// a file mapped into memory, say. It reads as NewReader does over a
// bytes.Reader of data, record for record, but decodes the lines where
// they lie instead of copying them into a buffer first. The Reader never
// writes to data; the bytes of its records may point into it.
func NewReaderBytes(data []byte, name string) *Reader {
	r := new(Reader)
	r.resetBytes(data, name)
	return r
}

// resetBytes makes r a new Reader of data, as NewReaderBytes, keeping the
// storage it has grown.
func (r *Reader) resetBytes(data []byte, name string) {
	*r = Reader{name: name, buf: data, wpos: len(data), rerr: io.EOF, window: bufSize, MaxLine: DefaultMaxLine,
		long: r.long[:0], scratch: r.scratch[:0], unescaped: r.unescaped[:0], joined: r.joined[:0],
		pend: pending{head: r.pend.head[:0], app: r.pend.app[:0]}}
}

// bufSize is the read buffer's size. A line longer than it is read in
// chunks of this size, which MaxLine rounds up to.
const bufSize = 64 << 10

// maxEmptyReads is how many reads in a row may return nothing before the
// source is taken to be broken (as bufio does).
const maxEmptyReads = 100

var errBufferFull = errors.New("buffer full")

// readSlice is bufio.Reader.ReadSlice('\n') on the Reader's own buffer:
// a line with its "\n"; a full buffer and errBufferFull; or what is left
// and the read error.
func (r *Reader) readSlice() ([]byte, error) {
	s := 0 // where to search from: the part before holds no '\n'
	for {
		end := min(r.wpos, r.rpos+r.window)
		if i := bytes.IndexByte(r.buf[r.rpos+s:end], '\n'); i >= 0 {
			line := r.buf[r.rpos : r.rpos+s+i+1]
			r.rpos += s + i + 1
			return line, nil
		}
		if end == r.wpos && r.rerr != nil {
			line, err := r.buf[r.rpos:r.wpos], r.rerr
			r.rpos, r.rerr = r.wpos, nil
			return line, err
		}
		if end-r.rpos >= r.window {
			line := r.buf[r.rpos:end]
			r.rpos = end
			return line, errBufferFull
		}
		s = r.wpos - r.rpos
		r.fill()
	}
}

// fill moves what is left to the front of buf and reads once more.
func (r *Reader) fill() {
	if r.src == nil {
		r.rerr = io.EOF
		return
	}
	if r.rpos > 0 {
		copy(r.buf, r.buf[r.rpos:r.wpos])
		r.wpos -= r.rpos
		r.shifted += int64(r.rpos)
		r.rpos = 0
	}
	for range maxEmptyReads {
		n, err := r.src.Read(r.buf[r.wpos:])
		if n < 0 || n > len(r.buf)-r.wpos {
			r.rerr = errBadRead
			return
		}
		r.wpos += n
		if err != nil {
			r.rerr = err
			return
		}
		if n > 0 {
			return
		}
	}
	r.rerr = io.ErrNoProgress
}

var errBadRead = errors.New("parser: reader returned an invalid count from Read")

// cleanOffset reports how many bytes of the input the Reader has used,
// when all it has used is whole lines and nothing of them is still to
// come: no record queued, no broken GC line or long line open. A fresh
// Reader started there yields the records this one would.
func (r *Reader) cleanOffset() (int64, bool) {
	return r.shifted + int64(r.rpos), r.iout >= r.nout && !r.pend.active && !r.inLong && !r.done
}

// Record returns the record read by the last call to Scan.
func (r *Reader) Record() Record { return r.rec }

// Err returns the first read error other than io.EOF.
func (r *Reader) Err() error { return r.err }

// Stats returns the counts so far.
func (r *Reader) Stats() Stats {
	s := r.stats
	if r.procs.next > 0 {
		s.Processes = r.procs.next - 1
	}
	return s
}

// Scan reads the next record, reporting false at the end of the input or
// on a read error.
func (r *Reader) Scan() bool {
	if r.iout < r.nout {
		r.rec = r.out[r.iout].rec
		r.iout++
		return true
	}
	r.nout, r.iout = 0, 0
	for r.nout == 0 {
		if r.done {
			return false
		}
		if !r.inLong && !r.pend.active && r.fastLine(&r.out[0].gc) {
			break
		}
		line, final, ok := r.readLine()
		if !ok {
			r.done = true
			r.openAtEnd = r.pend.active || r.inLong
			r.flushPending()
			break
		}
		if !final || r.inLong {
			r.longPiece(line, final)
			continue
		}
		r.decode(line)
	}
	if r.nout == 0 {
		return false
	}
	r.rec = r.out[0].rec
	r.iout = 1
	return true
}

// ScanGC is Scan, except that a GC record is stored in *g, which the
// caller owns, and Record returns g. It lets a caller that keeps records
// (a pipeline handing them to another goroutine in batches) have the
// ordinary GC line decoded straight into its own storage instead of
// copying each ~400-byte record out of the Reader. Other records are
// delivered as by Scan, in the Reader's storage, and *g is left with
// undefined contents then.
func (r *Reader) ScanGC(g *GC) bool {
	// Scan's first step when nothing is queued and no line is half read.
	if r.iout >= r.nout && !r.done && !r.inLong && !r.pend.active && r.fastLine(g) {
		r.iout, r.rec = 1, g
		return true
	}
	if !r.Scan() {
		return false
	}
	if p, isGC := r.rec.(*GC); isGC {
		// Decoded off the fast path, or queued behind the program's
		// text: rare, so a copy is cheap enough.
		*g = *p
		r.rec = g
	}
	return true
}

// fastLine decodes an ordinary GC line (see fastGC) where it lies in the
// buffer, into g: the first output slot's, or the caller's under ScanGC.
// Where fastGC stops, the line must end: it then holds no '\n', so
// readLine would have returned it whole, and decode would have taken it
// to fastGC too. Anything else is left to readLine and decode.
func (r *Reader) fastLine(g *GC) bool {
	b := r.buf[r.rpos:r.wpos]
	end := fastGC(b, g)
	if end < 0 || end >= len(b) {
		return false
	}
	next := end + 1
	if b[end] != '\n' {
		if b[end] != '\r' || end+1 >= len(b) || b[end+1] != '\n' {
			return false
		}
		next++
	}
	r.rpos += next
	r.lineNo++
	r.stats.Lines++
	r.nout = 1
	g.Pos = Pos{File: r.name, Line: r.lineNo, Col: 1}
	if !r.piece {
		g.Process = r.procs.assign(g)
	}
	r.out[0].rec = g
	r.stats.GC++
	return true
}

// longPiece delivers a piece of an over-long line: no runtime line is that
// long, so it is passed through as it comes.
func (r *Reader) longPiece(line []byte, final bool) {
	// The program may have printed a long line without a newline and the
	// runtime its GC line after it: look for one in the last piece.
	at, kind := -1, KindText
	if final {
		if b := bytes.TrimSuffix(line, []byte("\r")); len(b) > 0 {
			if k, kd := claim(b); kd == KindGC {
				at, kind = k, kd
			}
		}
	}
	text := line
	if kind == KindGC {
		text = line[:at]
	}
	s := r.next()
	s.txt = Text{Pos: Pos{File: r.name, Line: r.lineNo, Col: 1, Process: r.procs.last}, Text: text, Partial: !final}
	s.rec = &s.txt
	if !final {
		r.inLong = true
		return
	}
	r.inLong = false
	r.stats.Text++
	if kind == KindGC {
		b := bytes.TrimSuffix(line, []byte("\r"))
		r.decodeGC(b, at, Pos{File: r.name, Line: r.lineNo, Col: at + 1})
	}
}

// readLine returns the next line without its "\n", or the next piece of a
// line longer than MaxLine (final false).
func (r *Reader) readLine() (line []byte, final, ok bool) {
	r.long = r.long[:0]
	r.noEOL = false
	for {
		chunk, err := r.readSlice()
		switch {
		case err == nil:
			if !r.inLong {
				r.lineNo++
				r.stats.Lines++
			}
			chunk = chunk[:len(chunk)-1]
			if len(r.long) == 0 {
				return chunk, true, true
			}
			r.long = append(r.long, chunk...)
			return r.long, true, true
		case err == errBufferFull:
			r.long = append(r.long, chunk...)
			if len(r.long) >= r.MaxLine {
				if !r.inLong {
					r.lineNo++
					r.stats.Lines++
				}
				return r.long, false, true
			}
		default:
			if !errors.Is(err, io.EOF) {
				r.err = err
			}
			r.long = append(r.long, chunk...)
			if len(r.long) == 0 {
				if r.inLong { // the over-long line ended exactly at EOF
					return r.long, true, true
				}
				return nil, false, false
			}
			if !r.inLong {
				r.lineNo++
				r.stats.Lines++
			}
			r.noEOL = true
			return r.long, true, true // a last line without "\n"
		}
	}
}

// next reserves the next output slot.
func (r *Reader) next() *slot {
	s := &r.out[r.nout]
	r.nout++
	return s
}

// decode classifies one complete line and queues its records.
func (r *Reader) decode(raw []byte) {
	b := raw
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	// A line that fastGC accepts holds nothing unwrap would change (no
	// '{' first, no '&') and is claimed at column 1 as a GC line.
	if !r.pend.active {
		s := r.next()
		if fastGC(b, &s.gc) == len(b) {
			s.gc.Pos = Pos{File: r.name, Line: r.lineNo, Col: 1}
			r.acceptGC(s)
			return
		}
		r.nout--
	}
	b = r.unwrap(b)
	if r.pend.active && r.continuePending(raw, b) {
		return
	}
	at, kind := claim(b)
	pos := Pos{File: r.name, Line: r.lineNo, Col: at + 1}
	switch kind {
	case KindText:
		r.holdWeak(raw, b)
		r.emitText(Pos{File: r.name, Line: r.lineNo, Col: 1}, raw, false)
		return
	case KindSyntaxError:
		pos.Col = 1
		r.emitError(pos, KindGC, "line", b, errFragment)
		return
	case KindGC:
		r.decodeGC(b, at, pos)
		return
	}
	c := cursor{b: b, i: at}
	s := r.next()
	if field := parseRuntime(&c, kind, &s.rt); field != "" {
		r.nout--
		pos.Col = c.i + 1
		r.emitError(pos, kind, field, b[c.i:], nil)
		return
	}
	// Runtime lines before the first GC line ("GC forced", pacer) belong
	// to the process that will print it.
	pos.Process = max(r.procs.last, 1)
	s.rt.Pos, s.rt.Text = pos, b[at:]
	s.rec = &s.rt
	r.stats.Runtime++
}

// decodeGC decodes a line claimed as a GC line at b[at:].
func (r *Reader) decodeGC(b []byte, at int, pos Pos) {
	c := cursor{b: b, i: at}
	s := r.next()
	s.gc.Pos = pos
	field := parseGC(&c, &s.gc)
	switch {
	case field == "":
		r.acceptGC(s)
	case field == "end of line":
		// The whole GC line is there and the program's text follows it.
		r.acceptGC(s)
		r.emitText(Pos{File: r.name, Line: r.lineNo, Col: c.i + 1}, b[c.i:], false)
	case looksLikeGC(b[c.i:]):
		// The rest is the runtime's own text: the line is malformed, not
		// interrupted.
		r.nout--
		pos.Col = c.i + 1
		r.emitError(pos, KindGC, field, b[c.i:], nil)
	case r.noEOL:
		// The input ends inside the GC line: it was truncated, not
		// interrupted, and no rest can follow.
		r.nout--
		pos.Col = c.i + 1
		r.emitError(pos, KindGC, field, b[max(at, c.i-64):c.i], errTruncated)
	default:
		// Cut off by the program's output: keep the head, pass the
		// program's text through, and look for the rest on the next lines.
		r.nout--
		if r.pend.active {
			r.dropPending()
		}
		r.startPending(b, at, c.i, pos, field, false)
		if app := r.appText(b, at, c.i); len(app) > 0 {
			r.emitText(Pos{File: r.name, Line: r.lineNo, Col: 1}, app, true)
		}
	}
}

func (r *Reader) acceptGC(s *slot) {
	if !r.piece {
		s.gc.Process = r.procs.assign(&s.gc)
	}
	s.rec = &s.gc
	r.stats.GC++
}

// appText is the line with the runtime's head b[at:cut] taken out.
func (r *Reader) appText(b []byte, at, cut int) []byte {
	if at == 0 {
		return b[cut:]
	}
	r.pend.app = append(append(r.pend.app[:0], b[:at]...), b[cut:]...)
	return r.pend.app
}

func (r *Reader) startPending(b []byte, at, cut int, pos Pos, field string, weak bool) {
	p := &r.pend
	p.active, p.weak, p.pos, p.field, p.lines = true, weak, pos, field, 0
	p.head = append(p.head[:0], b[at:cut]...)
}

// holdWeak looks in a text line for a short GC head glued to other text
// ("gc " or "gc 6" followed by the program's output). The line passes
// through as it is, and the head is kept for a few lines in case the rest
// of the GC line follows once the program's lines are written.
func (r *Reader) holdWeak(raw, b []byte) {
	if r.pend.active && !r.pend.weak {
		return
	}
	k := bytes.Index(b, []byte("gc "))
	if k < 0 || k+3 >= len(b) {
		return
	}
	c := cursor{b: b, i: k + 3}
	c.uint()
	if c.i < len(b) && (b[c.i] == ' ' || b[c.i] == '#') {
		return // "gc 12 times": a GC head would have been claimed
	}
	r.startPending(b, k, c.i, Pos{File: r.name, Line: r.lineNo, Col: k + 1}, "cycle number", true)
}

// continuePending tries the line as the rest of a pending GC line. It
// reports whether the line was used.
func (r *Reader) continuePending(raw, b []byte) bool {
	p := &r.pend
	r.joined = append(append(r.joined[:0], p.head...), b...)
	c := cursor{b: r.joined}
	s := r.next()
	s.gc.Pos = p.pos
	field := parseGC(&c, &s.gc)
	cut := c.i - len(p.head) // how far into b the GC line went
	if field != "" && field != "end of line" && cut <= 0 {
		// No progress: this line is something else.
		r.nout--
		p.lines++
		if p.lines >= maxPending {
			r.dropPending()
		}
		return false
	}
	p.weak = false // confirmed
	switch field {
	case "":
		p.active = false
		r.acceptGC(s)
	case "end of line":
		p.active = false
		r.acceptGC(s)
		r.emitText(Pos{File: r.name, Line: r.lineNo, Col: cut + 1}, b[cut:], false)
	default:
		r.nout--
		p.head = append(p.head, b[:cut]...)
		p.field = field
		if len(b) > cut {
			r.emitText(Pos{File: r.name, Line: r.lineNo, Col: cut + 1}, b[cut:], false)
		}
	}
	return true
}

// looksLikeGC reports whether b holds pieces only the runtime's GC line
// prints.
func looksLikeGC(b []byte) bool {
	return bytes.Contains(b, []byte(" ms clock, ")) || bytes.Contains(b, []byte(" ms cpu, ")) || bytes.Contains(b, []byte(" MB, ")) ||
		bytes.Contains(b, []byte(" MB goal, ")) || bytes.Contains(b, []byte(" MB globals, ")) || bytes.Contains(b, []byte(" objects"))
}

// dropPending reports a GC line whose rest never came.
func (r *Reader) dropPending() {
	p := &r.pend
	p.active = false
	if p.weak {
		return // its line passed through already
	}
	pos := p.pos
	pos.Col += len(p.head)
	// Quote the end of the head, where the line was cut.
	text := p.head
	if len(text) > 64 {
		text = text[len(text)-64:]
	}
	r.emitError(pos, KindGC, p.field, text, errCutOff)
}

// flushPending ends the input with whatever is still pending.
func (r *Reader) flushPending() {
	if r.pend.active {
		r.dropPending()
	}
}

func (r *Reader) emitText(pos Pos, text []byte, copied bool) {
	s := r.next()
	if copied {
		s.buf = append(s.buf[:0], text...)
		text = s.buf
	}
	pos.Process = r.procs.last
	s.txt = Text{Pos: pos, Text: text}
	s.rec = &s.txt
	r.stats.Text++
	if bytes.IndexByte(text, 0) >= 0 {
		r.stats.NULLines++
	}
}

var (
	errFragment  = errors.New("part of a GC line without its start (another writer broke the line)")
	errCutOff    = errors.New("the GC line was cut off and its rest never came")
	errTruncated = errors.New("the input ends in the middle of the GC line")
)

func (r *Reader) emitError(pos Pos, kind Kind, field string, text []byte, err error) {
	if len(text) > 64 {
		text = text[:64]
	}
	pos.Process = r.procs.last
	s := r.next()
	s.serr = SyntaxError{Pos: pos, Kind: kind, Field: field, Text: string(text), Err: err}
	s.rec = &s.serr
	r.stats.Errors++
}

// unwrap undoes what log collectors do to a line: Docker's json-file driver
// wraps it in {"log":"…\n",…} with JSON escapes, and pages scraped from the
// web escape '>' as "&gt;". The result may alias r.scratch.
func (r *Reader) unwrap(b []byte) []byte {
	if len(b) > 0 && (b[0] == '{' || b[0] == ' ' || b[0] == '\t') && bytes.HasPrefix(bytes.TrimLeft(b, " \t"), []byte("{")) {
		if i := bytes.Index(b, []byte(`"log":"`)); i >= 0 {
			b = r.unquoteJSON(b[i+len(`"log":"`):])
		}
	}
	if bytes.IndexByte(b, '&') >= 0 && bytes.Contains(b, []byte("-&gt;")) {
		out := r.unescaped[:0]
		for {
			i := bytes.Index(b, []byte("&gt;"))
			if i < 0 {
				break
			}
			out = append(out, b[:i]...)
			out = append(out, '>')
			b = b[i+4:]
		}
		b = append(out, b...)
		r.unescaped = b
	}
	return b
}

// unquoteJSON decodes a JSON string body up to its closing quote into
// r.scratch, dropping a final "\n".
func (r *Reader) unquoteJSON(b []byte) []byte {
	out := r.scratch[:0]
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == '"' {
			break
		}
		if c != '\\' || i+1 == len(b) {
			out = append(out, c)
			continue
		}
		i++
		switch b[i] {
		case 'n':
			out = append(out, '\n')
		case 't':
			out = append(out, '\t')
		case 'r':
			out = append(out, '\r')
		case 'u':
			if i+4 < len(b) {
				var v rune
				for _, h := range b[i+1 : i+5] {
					if !isHex(h) {
						v = -1
						break
					}
					v = v<<4 | rune(unhex(h))
				}
				if v >= 0 {
					out = utf8.AppendRune(out, v)
					i += 4
					continue
				}
			}
			out = append(out, '\\', 'u')
		default: // \" \\ \/
			out = append(out, b[i])
		}
	}
	for len(out) > 0 && (out[len(out)-1] == '\n' || out[len(out)-1] == '\r') {
		out = out[:len(out)-1]
	}
	r.scratch = out
	return out
}
