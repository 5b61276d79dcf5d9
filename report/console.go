package report

import (
	"bufio"
	"fmt"
	"io"
	"sync"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/engine"
	"github.com/gctrace/gctrace/parser"
)

// Console is the subscriber that prints on a terminal or into a pipeline:
// each finding the moment it is detected and its attribution when it
// arrives ("gctrace: FILE:LINE: severity: rule: message"), and the lines
// of the program's own output (passthrough). Either writer may be nil.
type Console struct {
	engine.Base
	// Findings receives the finding and attribution lines; nil: not
	// printed.
	Findings *LineWriter
	// Echo receives the program's lines; nil: not echoed.
	Echo *LineWriter
	// EchoGC echoes the GC trace's lines too, as the runtime printed
	// them.
	EchoGC bool
}

// Record echoes the program's lines.
func (c *Console) Record(rec parser.Record) {
	if c.Echo == nil {
		return
	}
	switch rec := rec.(type) {
	case *parser.Text:
		c.Echo.Pass(rec.Text, !rec.Partial)
	case *parser.GC:
		if c.EchoGC {
			c.Echo.Pass(rec.AppendText(nil), true)
		}
	}
}

// Finding prints a finding as it is detected.
func (c *Console) Finding(f analyze.Finding) {
	if c.Findings != nil {
		c.Findings.Say("gctrace: " + FindingLine(&f))
	}
}

// Attribution prints the code a profile names behind a finding.
func (c *Console) Attribution(f analyze.Finding) {
	if c.Findings != nil {
		c.Findings.Say(fmt.Sprintf("gctrace: %sattribution: %s: %s", FindingPos(&f), f.Rule, f.Attribution))
	}
}

// Done ends the findings' stream on a line of its own and writes it out.
func (c *Console) Done(*analyze.Report, bool) {
	if c.Findings != nil {
		c.Findings.FlushHeld()
		c.Findings.Flush()
	}
}

// LineWriter writes the program's lines and gctrace's own lines to one
// stream without cutting either: a line of gctrace's that comes while a
// line of the program is half written waits for its end. It is safe for
// concurrent use (profile pulls report from their own goroutines).
type LineWriter struct {
	mu    sync.Mutex
	w     *bufio.Writer
	live  bool   // flush after every write
	mid   bool   // the program's last line is not finished
	wrote bool   // anything was written
	held  []byte // gctrace's lines waiting for it
	err   error
}

func NewLineWriter(w io.Writer, live bool) *LineWriter {
	return &LineWriter{w: bufio.NewWriterSize(w, 32<<10), live: live}
}

// Pass writes the program's bytes, and a newline after them if eol.
func (lw *LineWriter) Pass(b []byte, eol bool) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	lw.wrote = true
	if len(lw.held) > 0 && lw.mid {
		if i := indexNL(b); i >= 0 {
			lw.w.Write(b[:i+1])
			b = b[i+1:]
			lw.mid = false
			lw.writeHeld()
		} else if eol {
			lw.w.Write(b)
			lw.w.WriteByte('\n')
			lw.mid = false
			lw.writeHeld()
			lw.sync()
			return
		}
	}
	lw.w.Write(b)
	if eol {
		lw.w.WriteByte('\n')
		lw.mid = false
	} else if len(b) > 0 {
		lw.mid = b[len(b)-1] != '\n'
	}
	if !lw.mid {
		lw.writeHeld()
	}
	lw.sync()
}

// Write passes raw bytes through; it makes a LineWriter an io.Writer for
// io.TeeReader.
func (lw *LineWriter) Write(b []byte) (int, error) {
	lw.Pass(b, false)
	return len(b), nil
}

func indexNL(b []byte) int {
	for i, c := range b {
		if c == '\n' {
			return i
		}
	}
	return -1
}

// Say writes one line of gctrace's own, now or at the end of the
// program's current line.
func (lw *LineWriter) Say(line string) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	lw.wrote = true
	if lw.mid {
		lw.held = append(append(lw.held, line...), '\n')
		return
	}
	lw.w.WriteString(line)
	lw.w.WriteByte('\n')
	lw.sync()
}

func (lw *LineWriter) writeHeld() {
	if len(lw.held) > 0 {
		lw.w.Write(lw.held)
		lw.held = lw.held[:0]
	}
}

func (lw *LineWriter) sync() {
	if lw.live {
		if err := lw.w.Flush(); err != nil && lw.err == nil {
			lw.err = err
		}
	}
}

// FlushHeld ends the program's unfinished line so that what gctrace holds,
// and the report after it, start on a line of their own.
func (lw *LineWriter) FlushHeld() {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	if lw.mid {
		lw.w.WriteByte('\n')
		lw.mid = false
	}
	lw.writeHeld()
}

func (lw *LineWriter) Flush() error {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	if err := lw.w.Flush(); err != nil {
		return err
	}
	return lw.err
}

// Wrote reports whether anything was written.
func (lw *LineWriter) Wrote() bool {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	return lw.wrote
}
