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
type Reader struct {
	name string
	br   *bufio.Reader

	// MaxLine bounds the memory held for one line; see DefaultMaxLine.
	MaxLine int

	lineNo    int
	inLong    bool // the current physical line is being delivered in pieces
	long      []byte
	scratch   []byte // a line decoded from Docker's JSON
	unescaped []byte // a line with HTML escapes undone
	err       error
	done      bool

	rec  Record
	gc   GC
	rt   Runtime
	txt  Text
	serr SyntaxError

	procs processes
	stats Stats
}

// NewReader returns a Reader of r; name is used in positions ("-" for
// standard input).
func NewReader(r io.Reader, name string) *Reader {
	return &Reader{name: name, br: bufio.NewReaderSize(r, 64<<10), MaxLine: DefaultMaxLine}
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
	if r.done {
		return false
	}
	line, final, ok := r.readLine()
	if !ok {
		r.done = true
		return false
	}
	if !final || r.inLong {
		// A piece of an over-long line: no runtime line is that long.
		r.txt = Text{Pos: Pos{File: r.name, Line: r.lineNo, Col: 1, Process: r.procs.last}, Text: line, Partial: !final}
		r.rec = &r.txt
		if final {
			r.inLong = false
			r.stats.Text++
		} else {
			r.inLong = true
		}
		return true
	}
	r.decode(line)
	return true
}

// readLine returns the next line without its "\n", or the next piece of a
// line longer than MaxLine (final false).
func (r *Reader) readLine() (line []byte, final, ok bool) {
	r.long = r.long[:0]
	for {
		chunk, err := r.br.ReadSlice('\n')
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
		case errors.Is(err, bufio.ErrBufferFull):
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
			return r.long, true, true // a last line without "\n"
		}
	}
}

// decode classifies one complete line and fills the matching record.
func (r *Reader) decode(raw []byte) {
	b := raw
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	b = r.unwrap(b)
	at, kind := claim(b)
	pos := Pos{File: r.name, Line: r.lineNo, Col: at + 1}
	switch kind {
	case KindText:
		pos.Col, pos.Process = 1, r.procs.last
		r.txt = Text{Pos: pos, Text: raw}
		r.rec = &r.txt
		r.stats.Text++
		if bytes.IndexByte(raw, 0) >= 0 {
			r.stats.NULLines++
		}
		return
	case KindSyntaxError:
		r.fail(pos, KindGC, "line", b, errFragment)
		r.serr.Col = 1
		return
	case KindGC:
		c := cursor{b: b, i: at}
		r.gc.Pos = pos
		if field := parseGC(&c, &r.gc); field != "" {
			pos.Col = c.i + 1
			r.fail(pos, KindGC, field, b[c.i:], nil)
			return
		}
		r.gc.Process = r.procs.assign(&r.gc)
		r.rec = &r.gc
		r.stats.GC++
		return
	}
	c := cursor{b: b, i: at}
	if field := parseRuntime(&c, kind, &r.rt); field != "" {
		pos.Col = c.i + 1
		r.fail(pos, kind, field, b[c.i:], nil)
		return
	}
	pos.Process = r.procs.last
	r.rt.Pos, r.rt.Text = pos, b[at:]
	r.rec = &r.rt
	r.stats.Runtime++
}

var errFragment = errors.New("part of a GC line without its start (another writer broke the line)")

func (r *Reader) fail(pos Pos, kind Kind, field string, text []byte, err error) {
	if len(text) > 64 {
		text = text[:64]
	}
	pos.Process = r.procs.last
	r.serr = SyntaxError{Pos: pos, Kind: kind, Field: field, Text: string(text), Err: err}
	r.rec = &r.serr
	r.stats.Errors++
}

// unwrap undoes what log collectors do to a line: Docker's json-file driver
// wraps it in {"log":"…\n",…} with JSON escapes, and pages scraped from the
// web escape '>' as "&gt;". The result may alias r.scratch.
func (r *Reader) unwrap(b []byte) []byte {
	if i := bytes.Index(b, []byte(`"log":"`)); i >= 0 && bytes.HasPrefix(bytes.TrimLeft(b, " \t"), []byte("{")) {
		b = r.unquoteJSON(b[i+len(`"log":"`):])
	}
	if bytes.Contains(b, []byte("-&gt;")) {
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
