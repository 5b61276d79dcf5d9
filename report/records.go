package report

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/gctrace/gctrace/parser"
)

// RecordFormat is the format of the records of gctrace export.
type RecordFormat string

// The formats of the records.
const (
	JSONL RecordFormat = "jsonl"
	CSV   RecordFormat = "csv"
)

// CSVColumns are the CSV header, in the order of the export schema; text
// holds the line of records that are not GC cycles.
var CSVColumns = []string{"file", "line", "process", "gc", "start_s", "gc_cpu_percent", "clock_ms", "cpu_ms",
	"heap_start_mib", "heap_end_mib", "heap_live_mib", "heap_goal_mib", "stacks_mib", "globals_mib",
	"procs", "forced", "leak_check", "kind", "text"}

// RecordWriter writes the records of the export schema, one a line: GC
// cycles and the other runtime lines; the program's output and the lines
// not understood are not exported.
type RecordWriter struct {
	out    *bufio.Writer
	cw     *csv.Writer // nil: JSON lines
	gcOnly bool
	live   bool
	buf    []byte
	row    []string
}

// NewRecordWriter returns a writer of records in the format. gcOnly leaves
// out the runtime lines that are not GC cycles; live writes each record
// through at once (records arriving from a pipe).
func NewRecordWriter(w io.Writer, f RecordFormat, gcOnly, live bool) (*RecordWriter, error) {
	rw := &RecordWriter{out: bufio.NewWriterSize(w, 64<<10), gcOnly: gcOnly, live: live}
	switch f {
	case JSONL:
	case CSV:
		rw.cw = csv.NewWriter(rw.out)
		rw.row = make([]string, len(CSVColumns))
		if err := rw.cw.Write(CSVColumns); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("unknown format %q", f)
	}
	return rw, nil
}

// Write writes one record, or nothing for a record that is not exported.
func (rw *RecordWriter) Write(rec parser.Record) error {
	switch rec.(type) {
	case *parser.Text, *parser.SyntaxError:
		return nil
	case *parser.Runtime:
		if rw.gcOnly {
			return nil
		}
	}
	if rw.cw != nil {
		CSVRow(rw.row, rec)
		if err := rw.cw.Write(rw.row); err != nil {
			return err
		}
		if rw.live {
			rw.cw.Flush()
		}
	} else {
		rw.buf = AppendJSONL(rw.buf[:0], rec)
		if _, err := rw.out.Write(rw.buf); err != nil {
			return err
		}
	}
	if rw.live {
		return rw.out.Flush()
	}
	return nil
}

// Flush writes what is buffered.
func (rw *RecordWriter) Flush() error {
	var err error
	if rw.cw != nil {
		rw.cw.Flush()
		err = rw.cw.Error()
	}
	if ferr := rw.out.Flush(); err == nil {
		err = ferr
	}
	return err
}

// AppendJSONL appends rec as one JSON object and a newline. The encoding
// is written by hand so that the times keep the digits the runtime printed
// and the field order is that of the schema.
func AppendJSONL(b []byte, rec parser.Record) []byte {
	pos := rec.Position()
	b = append(b, `{"file":`...)
	b = appendJSONString(b, pos.File)
	b = append(b, `,"line":`...)
	b = strconv.AppendInt(b, int64(pos.Line), 10)
	b = append(b, `,"process":`...)
	b = strconv.AppendInt(b, int64(pos.Process), 10)
	if rt, ok := rec.(*parser.Runtime); ok {
		b = append(b, `,"kind":`...)
		b = appendJSONString(b, rt.Kind.String())
		b = append(b, `,"text":`...)
		b = appendJSONString(b, string(rt.Text))
		return append(b, "}\n"...)
	}
	g := rec.(*parser.GC)
	b = append(b, `,"gc":`...)
	b = strconv.AppendInt(b, int64(g.N), 10)
	b = append(b, `,"start_s":`...)
	b = appendStart(b, g)
	b = append(b, `,"gc_cpu_percent":`...)
	b = appendOptInt(b, int64(g.CPUPercent), 1)
	b = append(b, `,"clock_ms":[`...)
	for i := 0; i < g.NClock; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendClock(b, g, i)
	}
	b = append(b, `],"cpu_ms":[`...)
	for i := 0; i < g.NCPU; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		b = parser.AppendMS(b, g.CPU[i], g.CPUPrec[i])
	}
	b = append(b, `],"heap_start_mib":`...)
	b = appendOptInt(b, g.HeapStart, 1<<20)
	b = append(b, `,"heap_end_mib":`...)
	b = appendOptInt(b, g.HeapEnd, 1<<20)
	b = append(b, `,"heap_live_mib":`...)
	b = appendOptInt(b, g.HeapLive, 1<<20)
	b = append(b, `,"heap_goal_mib":`...)
	b = appendOptInt(b, g.HeapGoal, 1<<20)
	b = append(b, `,"stacks_mib":`...)
	b = appendOptInt(b, g.Stacks, 1<<20)
	b = append(b, `,"globals_mib":`...)
	b = appendOptInt(b, g.Globals, 1<<20)
	b = append(b, `,"procs":`...)
	b = strconv.AppendInt(b, int64(g.Procs), 10)
	b = append(b, `,"forced":`...)
	b = strconv.AppendBool(b, g.Forced)
	b = append(b, `,"leak_check":`...)
	b = strconv.AppendBool(b, g.LeakCheck)
	return append(b, `,"kind":"gc"}`+"\n"...)
}

// appendStart appends the start time in seconds with the printed digits.
func appendStart(b []byte, g *parser.GC) []byte {
	if g.Start == parser.Absent {
		return append(b, "null"...)
	}
	// Start is in ns; printed as seconds with StartPrec decimals, which
	// AppendMS renders when given ms-scaled input: shift by 1e3.
	return parser.AppendMS(b, g.Start/1000, g.StartPrec)
}

// appendClock appends a clock phase in ms. Before Go 1.3 phases were whole
// ms; Go 1.3 and 1.4 printed µs, which become ms with three decimals.
func appendClock(b []byte, g *parser.GC, i int) []byte {
	if !g.Format.Concurrent() {
		if g.Format >= parser.FormatGo13 {
			return parser.AppendMS(b, g.Clock[i], 3)
		}
		return parser.AppendMS(b, g.Clock[i], 0)
	}
	return parser.AppendMS(b, g.Clock[i], g.ClockPrec[i])
}

func appendOptInt(b []byte, v, unit int64) []byte {
	if v == parser.Absent {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, v/unit, 10)
}

// appendJSONString appends s as a JSON string; invalid UTF-8 becomes U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// CSVRow fills row with rec's columns; absent values are empty cells and
// arrays are space-separated.
func CSVRow(row []string, rec parser.Record) {
	for i := range row {
		row[i] = ""
	}
	pos := rec.Position()
	row[0], row[1], row[2] = pos.File, strconv.Itoa(pos.Line), strconv.Itoa(pos.Process)
	if rt, ok := rec.(*parser.Runtime); ok {
		row[17], row[18] = rt.Kind.String(), string(rt.Text)
		return
	}
	g := rec.(*parser.GC)
	var b []byte
	cell := func(f func([]byte) []byte) string {
		b = f(b[:0])
		if string(b) == "null" {
			return ""
		}
		return string(b)
	}
	row[3] = strconv.Itoa(g.N)
	row[4] = cell(func(b []byte) []byte { return appendStart(b, g) })
	row[5] = cell(func(b []byte) []byte { return appendOptInt(b, int64(g.CPUPercent), 1) })
	row[6] = cell(func(b []byte) []byte {
		for i := 0; i < g.NClock; i++ {
			if i > 0 {
				b = append(b, ' ')
			}
			b = appendClock(b, g, i)
		}
		return b
	})
	row[7] = cell(func(b []byte) []byte {
		for i := 0; i < g.NCPU; i++ {
			if i > 0 {
				b = append(b, ' ')
			}
			b = parser.AppendMS(b, g.CPU[i], g.CPUPrec[i])
		}
		return b
	})
	for i, v := range []int64{g.HeapStart, g.HeapEnd, g.HeapLive, g.HeapGoal, g.Stacks, g.Globals} {
		row[8+i] = cell(func(b []byte) []byte { return appendOptInt(b, v, 1<<20) })
	}
	row[14] = strconv.Itoa(g.Procs)
	row[15] = strconv.FormatBool(g.Forced)
	row[16] = strconv.FormatBool(g.LeakCheck)
	row[17] = "gc"
}
