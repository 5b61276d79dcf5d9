package zoo

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// logger writes the scenarios' lines on the stream the runtime writes its GC
// trace to. Each line goes out in one Write, so that it does not interleave
// with the runtime's lines mid-line, and is stamped with the time since the
// start, in the style of the trace's "@1.234s", so the two read together.
type logger struct {
	mu    sync.Mutex
	w     io.Writer
	start time.Time
	buf   []byte
}

func newLogger(w io.Writer) *logger {
	return &logger{w: w, start: time.Now()}
}

// printf logs one line; a nil logger (an animal made outside Run) is silent.
func (l *logger) printf(format string, args ...any) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	ms := time.Since(l.start).Milliseconds()
	l.buf = fmt.Appendf(l.buf[:0], "bomb @%d.%03ds: ", ms/1000, ms%1000)
	l.buf = fmt.Appendf(l.buf, format, args...)
	l.buf = append(l.buf, '\n')
	l.w.Write(l.buf)
}

// raw logs a line without a time stamp, for the runner's own messages.
func (l *logger) raw(line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(append(l.buf[:0], line...), '\n')
	l.w.Write(l.buf)
}
