package parser

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"reflect"
	"strings"
	"testing"
)

// checkParallel reads data with ReadParallel, cut into pieces of each of
// sizes, and with a Reader, and wants the same records and stats.
func checkParallel(t *testing.T, data []byte, sizes ...int64) {
	t.Helper()
	var want []Record
	r := NewReader(bytes.NewReader(data), "in")
	for r.Scan() {
		want = append(want, clone(r.Record()))
	}
	defer func(old int64) { pieceSize = old }(pieceSize)
	for _, size := range sizes {
		pieceSize = size
		var got []Record
		stats, err := ReadParallel(bytes.NewReader(data), int64(len(data)), "in", func(b *Batch) error {
			if len(b.Records) == 0 {
				t.Fatalf("pieces of %d: an empty batch", size)
			}
			for _, rec := range b.Records {
				got = append(got, clone(rec))
			}
			return nil
		})
		if err != nil {
			t.Fatalf("pieces of %d: %v", size, err)
		}
		for i := range max(len(want), len(got)) {
			if i >= len(got) || i >= len(want) || !reflect.DeepEqual(want[i], got[i]) {
				var w, g Record
				if i < len(want) {
					w = want[i]
				}
				if i < len(got) {
					g = got[i]
				}
				t.Fatalf("pieces of %d: record %d:\nReader       %#v\nReadParallel %#v", size, i, w, g)
			}
		}
		if stats != r.Stats() {
			t.Fatalf("pieces of %d: ReadParallel counts %+v, Reader %+v", size, stats, r.Stats())
		}
	}
}

// clone copies a record out of the storage of its Reader or Batch.
func clone(rec Record) Record {
	switch rec := rec.(type) {
	case *GC:
		c := *rec
		return &c
	case *Runtime:
		c := *rec
		c.Text = append([]byte{}, rec.Text...) // nil and empty alike
		return &c
	case *Text:
		c := *rec
		c.Text = append([]byte{}, rec.Text...) // nil and empty alike
		return &c
	case *SyntaxError:
		c := *rec
		return &c
	}
	panic(fmt.Sprintf("record %T", rec))
}

var pieceSizes = []int64{1, 7, 64, 300, 4096}

func TestReadParallel(t *testing.T) {
	const gc = "gc 7 @0.007s 8%: 0.005+0.44+0.001 ms clock, 0.010+0.050/0/0+0.002 ms cpu, 2->3->1 MB, 4 MB goal, 2 P"
	cases := map[string]string{
		"empty":            "",
		"no final newline": gc + "\n" + gc,
		"broken line":      gc + "\ngc 8app: tick\nmore\n @0.008s 8%: 0.005+0.44+0.001 ms clock, 0.010+0.050/0/0+0.002 ms cpu, 2->3->1 MB, 4 MB goal, 2 P\n" + gc + "\n",
		"cut off":          gc + "\n" + gc[:40] + "\n" + strings.Repeat("app\n", 20),
		"long line":        gc + "\n" + strings.Repeat("x", 3*bufSize) + "\n" + gc + "\n",
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) { checkParallel(t, []byte(in), pieceSizes...) })
	}
	checkParallel(t, benchTrace(3000), pieceSizes...)
	// Every GC line broken by the program's output: pieces are decoded
	// again with the next until that is given up for one stream.
	var broken bytes.Buffer
	for i, line := range bytes.SplitAfter(benchTrace(6000), []byte("\n")) {
		if len(line) > 20 {
			fmt.Fprintf(&broken, "%sapp: line %d\n%s", line[:20], i, line[20:])
		}
	}
	checkParallel(t, broken.Bytes(), pieceSizes...)
	eachTrace(t, func(t *testing.T, data []byte) { checkParallel(t, data, pieceSizes...) })
}

// TestReadParallelLongLines puts lines longer than a piece may be, and
// longer than MaxLine, among GC lines: those stretches are read as a
// stream, and pieces resume after them.
func TestReadParallelLongLines(t *testing.T) {
	const gc = "gc 7 @0.007s 8%: 0.005+0.44+0.001 ms clock, 0.010+0.050/0/0+0.002 ms cpu, 2->3->1 MB, 4 MB goal, 2 P"
	long := strings.Repeat("x", DefaultMaxLine+bufSize+1)
	trace := string(benchTrace(2000))
	cases := map[string]string{
		"over MaxLine":           trace + long + "\n" + trace,
		"GC line after it":       trace + long + gc + "\n" + trace,
		"a GC head after it":     trace + long + "gc 8\napp\n @0.008s 8%: 0.005+0.44+0.001 ms clock, 0.010+0.050/0/0+0.002 ms cpu, 2->3->1 MB, 4 MB goal, 2 P\n" + trace,
		"at the end, no newline": trace + long,
		"only newlines":          "\n\n\n\n",
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) { checkParallel(t, []byte(in), 300, 4096, 1<<16) })
	}
}

// eofAtEnd returns io.EOF with a full read that ends the input, as the
// io.ReaderAt contract allows.
type eofAtEnd struct{ data []byte }

func (e eofAtEnd) ReadAt(p []byte, off int64) (int, error) {
	n, err := bytes.NewReader(e.data).ReadAt(p, off)
	if err == nil && off+int64(n) == int64(len(e.data)) {
		err = io.EOF
	}
	return n, err
}

func TestReadParallelEOFAtEnd(t *testing.T) {
	data := benchTrace(10)
	st, err := ReadParallel(eofAtEnd{data}, int64(len(data)), "in", func(b *Batch) error { return nil })
	if err != nil || st.GC != 10 {
		t.Fatalf("ReadParallel returned %+v, %v; want 10 cycles and no error", st, err)
	}
}

// TestReadParallelMixed reads random mixes of every kind of line, broken
// GC lines, long lines and CRLF among them.
func TestReadParallelMixed(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for i := range 4 {
		var b bytes.Buffer
		n := 0
		gc := func() string {
			n++
			return fmt.Sprintf("gc %d @%d.%03ds 8%%: 0.005+0.44+0.001 ms clock, 0.010+0.050/0/0+0.002 ms cpu, 2->3->1 MB, 4 MB goal, 2 P", n, n/1000, n%1000)
		}
		for range 3000 {
			eol := "\n"
			if rng.Intn(10) == 0 {
				eol = "\r\n"
			}
			switch rng.Intn(12) {
			case 0, 1, 2, 3:
				b.WriteString(gc() + eol)
			case 4:
				l := gc()
				k := rng.Intn(len(l))
				b.WriteString(l[:k] + "app: tick" + eol)
				for j := rng.Intn(10); j > 0; j-- {
					b.WriteString("app line" + eol)
				}
				b.WriteString(l[k:] + eol)
			case 5:
				fmt.Fprintf(&b, "foo gc %d%s", n+1, eol)
			case 6:
				if rng.Intn(8) == 0 {
					b.WriteString(strings.Repeat("y", []int{bufSize, DefaultMaxLine + 1}[rng.Intn(2)]) + gc() + eol)
				}
			case 7:
				b.WriteString("GC forced" + eol)
			case 8:
				n = rng.Intn(5) // another process
				b.WriteString(gc() + eol)
			case 9:
				b.WriteString("\x00bin\x00" + eol)
			default:
				b.WriteString("app: hello" + eol)
			}
		}
		t.Run(fmt.Sprint(i), func(t *testing.T) { checkParallel(t, b.Bytes(), 64, 1000, 1<<16) })
	}
}

// TestReadParallelStops wants fn's error back, and no batch after it.
func TestReadParallelStops(t *testing.T) {
	defer func(old int64) { pieceSize = old }(pieceSize)
	pieceSize = 1000
	data := benchTrace(3000)
	stop := errors.New("stop")
	calls := 0
	_, err := ReadParallel(bytes.NewReader(data), int64(len(data)), "in", func(b *Batch) error {
		calls++
		if calls == 3 {
			return stop
		}
		return nil
	})
	if err != stop || calls != 3 {
		t.Fatalf("ReadParallel returned %v after %d calls, want stop after 3", err, calls)
	}
}

// failingReaderAt fails every read at or after bad.
type failingReaderAt struct {
	data []byte
	bad  int64
}

var errDisk = errors.New("disk on fire")

func (f failingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off+int64(len(p)) > f.bad {
		return 0, errDisk
	}
	return bytes.NewReader(f.data).ReadAt(p, off)
}

func TestReadParallelReadError(t *testing.T) {
	defer func(old int64) { pieceSize = old }(pieceSize)
	pieceSize = 1000
	data := benchTrace(300)
	var lines int64
	stats, err := ReadParallel(failingReaderAt{data, 20000}, int64(len(data)), "in", func(b *Batch) error {
		lines += int64(len(b.Records))
		return nil
	})
	if !errors.Is(err, errDisk) || lines == 0 || stats.Lines != lines {
		t.Fatalf("ReadParallel returned %v after %d lines (counted %d); want the read error after the lines before it", err, lines, stats.Lines)
	}
}

// TestReadParallelShrunk reads a file that is shorter than the size given,
// as one cut while it was read: the records are those of what is there.
func TestReadParallelShrunk(t *testing.T) {
	defer func(old int64) { pieceSize = old }(pieceSize)
	pieceSize = 1000
	data := benchTrace(300)
	short := data[:len(data)/2]
	var n int64
	stats, err := ReadParallel(bytes.NewReader(short), int64(len(data)), "in", func(b *Batch) error {
		n += int64(len(b.Records))
		return nil
	})
	want := NewReader(bytes.NewReader(short), "in")
	for want.Scan() {
	}
	if err != nil || stats != want.Stats() {
		t.Fatalf("ReadParallel returned %v, %+v; want %+v", err, stats, want.Stats())
	}
}

func FuzzReadParallel(f *testing.F) {
	f.Add([]byte("gc 1 @0.000s 34%: 0.41+0.14+0.007 ms clock, 0.82+0.056/0.095/0+0.014 ms cpu, 4->4->3 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n"), int64(10))
	f.Add([]byte("gc 6app: tick\n @0.006s 8%: 0.005+0.44+0.001 ms clock, 0.010+0.050/0/0+0.002 ms cpu, 2->3->1 MB, 4 MB goal, 2 P\n"), int64(3))
	f.Fuzz(func(t *testing.T, data []byte, size int64) {
		if size <= 0 || size > 1<<20 {
			return
		}
		checkParallel(t, data, size)
	})
}
