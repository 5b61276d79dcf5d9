package parser

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"sync"
)

// A Batch is a run of consecutive records decoded by ReadParallel, in input
// order. Its records, and the bytes they point to, are valid until the
// function it was handed to returns.
type Batch struct {
	Records []Record

	gcs   []GC
	rts   []Runtime
	txts  []Text
	errs  []SyntaxError
	arena []byte // the bytes of Text and Runtime records

	off, end  int64      // the piece of the input decoded
	data      []byte     // its bytes
	rd        Reader     // decodes them
	look      [4096]byte // for finding where a piece starts
	stats     Stats
	openAtEnd bool
	last      bool  // the input ends with this batch
	err       error // a read error after the batch's records
}

// pieceSize is how many bytes of the input one batch covers, a little
// more to end on a line: big enough that handing a batch over costs
// little next to decoding it, small enough that the batches in flight
// stay a few MiB. Tests make it small, to put piece boundaries everywhere.
var pieceSize int64 = 128 << 10

// ReadParallel decodes the first size bytes of in, as a Reader of them would,
// on several goroutines at once, and calls fn with the records in input
// order, a Batch at a time, from the calling goroutine. It is for input
// that can be read at any offset without waiting, a regular file: the
// input is cut into pieces at line ends, each piece is decoded on its
// own, and the records are put in order, numbered by line and assigned
// to processes as the Reader does. A GC line broken across the cut is
// put back together by decoding the two pieces again as one.
//
// It stops at the first error fn returns, or at a read error after the
// records before it, and returns that error and the counts of what was
// read, as Reader.Stats.
func ReadParallel(in io.ReaderAt, size int64, name string, fn func(*Batch) error) (Stats, error) {
	workers := runtime.GOMAXPROCS(0)
	pieces := (size + pieceSize - 1) / pieceSize
	type job struct {
		k    int64
		done chan *Batch
	}
	// order holds the jobs in input order, at most ahead of them: it
	// bounds the batches in flight and so the memory held.
	ahead := 2 * workers
	order := make(chan *job, ahead)
	jobs := make(chan *job)
	stop := make(chan struct{})
	// Batches are reused, so that a steady read allocates nothing: no
	// more than ahead wait in order, one more is being handed over, and
	// each worker fills one.
	free := make(chan *Batch, ahead+workers+1)
	getBatch := func() *Batch {
		select {
		case b := <-free:
			return b
		default:
			return new(Batch)
		}
	}
	putBatch := func(b *Batch) {
		select {
		case free <- b:
		default:
		}
	}

	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // dispatch
		defer wg.Done()
		defer close(jobs)
		defer close(order)
		for k := int64(0); k < pieces; k++ {
			j := &job{k: k, done: make(chan *Batch, 1)}
			select {
			case order <- j:
			case <-stop:
				return
			}
			select {
			case jobs <- j:
			case <-stop:
				return
			}
		}
	}()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				b := getBatch()
				b.readPiece(in, size, j.k, name)
				j.done <- b
			}
		}()
	}
	// stopAll ends the goroutines and waits for them, so that in is not
	// read after ReadParallel returns.
	stopped := false
	stopAll := func() {
		if stopped {
			return
		}
		stopped = true
		close(stop)
		for j := range order {
			select {
			case <-j.done:
			default:
			}
		}
		wg.Wait()
	}
	defer stopAll()

	var (
		total  Stats
		procs  processes
		carry  []byte // bytes of batches held back: a line was open at their end
		carryK int64  // the offset carry starts at
		err    error
	)
	for j := range order {
		b := <-j.done
		if len(carry) > 0 {
			// The batch before ended inside a GC line: decode the two
			// as one piece.
			carry = append(carry, b.data...)
			b.decode(carry, carryK, b.end, name)
		}
		if b.openAtEnd && !b.last && b.err == nil {
			if len(carry) == 0 {
				carry = append(carry[:0], b.data...)
				carryK = b.off
			}
			if int64(len(carry)) < maxCarry*pieceSize {
				putBatch(b)
				continue
			}
			// Lines broken at cut after cut: decode the rest as one
			// stream.
			stopAll()
			b.reset()
			err = b.readSerial(in, carryK, size, name, &procs, &total, fn)
			break
		}
		carry = carry[:0]
		b.number(&procs, total.Lines)
		total.Add(b.stats) // no processes: the pieces leave them to procs
		if len(b.Records) > 0 {
			err = fn(b)
		}
		if err == nil {
			err = b.err
		}
		last := b.last
		b.reset()
		putBatch(b)
		if err != nil || last {
			break
		}
	}
	stopAll()
	if procs.next > 0 {
		total.Processes = procs.next - 1
	}
	return total, err
}

// maxCarry bounds, in pieces, how much input is held back and decoded
// again because GC lines were still open at the cuts: a trace whose lines
// the program's output breaks all the time could otherwise be decoded
// again and again.
const maxCarry = 8

// serialBatch is how many records readSerial hands over at a time.
const serialBatch = 4096

// readSerial decodes the input from offset to size with one Reader, as
// ReadParallel's loop would, and hands the records to fn in batches.
func (b *Batch) readSerial(in io.ReaderAt, offset, size int64, name string, procs *processes, total *Stats, fn func(*Batch) error) error {
	r := NewReader(io.NewSectionReader(in, offset, size-offset), name)
	r.piece = true
	base := total.Lines
	for more := true; more; {
		b.clearRecords()
		more = b.fill(r, serialBatch)
		b.number(procs, base)
		if len(b.Records) > 0 {
			if err := fn(b); err != nil {
				total.Add(r.Stats())
				return err
			}
		}
	}
	total.Add(r.Stats())
	return r.Err()
}

// readPiece reads the k-th piece of the input, from the first line that
// starts in it to the first that starts after it, and decodes it.
func (b *Batch) readPiece(in io.ReaderAt, size, k int64, name string) {
	b.reset()
	start, err := lineStart(in, size, k*pieceSize, &b.look)
	end := start
	if err == nil {
		end, err = lineStart(in, size, (k+1)*pieceSize, &b.look)
	}
	if err == nil && end > start {
		b.data = grow(b.data, int(end-start))
		if cap(b.gcs) == 0 {
			// Room for a piece of GC lines, which are longer than this.
			b.gcs = make([]GC, 0, pieceSize/96)
			b.Records = make([]Record, 0, pieceSize/96)
		}
		var n int
		n, err = in.ReadAt(b.data, start)
		if err == io.EOF && n < len(b.data) {
			// The file shrank since its size was taken: it ends here.
			end, err = start+int64(n), nil
			b.last = true
		}
		b.data = b.data[:n]
	}
	if err != nil {
		b.off, b.end, b.err, b.last = start, start, err, true
		return
	}
	b.last = b.last || end >= size
	b.decode(b.data, start, end, name)
}

// decode decodes data, the input from offset to end, into the batch.
func (b *Batch) decode(data []byte, offset, end int64, name string) {
	b.off, b.end = offset, end
	b.clearRecords()
	r := &b.rd
	r.resetBytes(data, name)
	r.piece = true
	b.fill(r, 0)
	b.stats, b.openAtEnd = r.Stats(), r.openAtEnd
}

func (b *Batch) clearRecords() {
	clear(b.Records) // drop the pointers into the old arrays
	b.Records, b.gcs, b.rts, b.txts, b.errs, b.arena = b.Records[:0], b.gcs[:0], b.rts[:0], b.txts[:0], b.errs[:0], b.arena[:0]
}

// fill adds the records of r to the batch, at most max of them (0: no
// limit), and reports whether r has more. A record taken before one of
// the arrays grew points into the old array, which holds it as well.
func (b *Batch) fill(r *Reader, max int) bool {
	for max == 0 || len(b.Records) < max {
		n := len(b.gcs)
		if n < cap(b.gcs) {
			b.gcs = b.gcs[:n+1]
		} else {
			b.gcs = append(b.gcs, GC{})
		}
		g := &b.gcs[n]
		if !r.ScanGC(g) {
			b.gcs = b.gcs[:n]
			return false
		}
		if r.Record() == Record(g) {
			b.Records = append(b.Records, g)
			continue
		}
		b.gcs = b.gcs[:n]
		b.keep(r.Record())
	}
	return true
}

// keep copies a record other than a GC record (which ScanGC decodes
// into the batch) into the batch.
func (b *Batch) keep(rec Record) {
	switch rec := rec.(type) {
	case *Text:
		t := *rec
		t.Text = b.bytes(rec.Text)
		b.txts = append(b.txts, t)
		b.Records = append(b.Records, &b.txts[len(b.txts)-1])
	case *Runtime:
		t := *rec
		t.Text = b.bytes(rec.Text)
		b.rts = append(b.rts, t)
		b.Records = append(b.Records, &b.rts[len(b.rts)-1])
	case *SyntaxError:
		b.errs = append(b.errs, *rec)
		b.Records = append(b.Records, &b.errs[len(b.errs)-1])
	}
}

// bytes copies p into the arena. When the arena grows, the slices handed
// out before keep the old array, which stays valid.
func (b *Batch) bytes(p []byte) []byte {
	n := len(b.arena)
	b.arena = append(b.arena, p...)
	return b.arena[n:len(b.arena):len(b.arena)]
}

// number gives the records their line numbers in the whole input, the
// lines before the batch being base, and their processes, as a Reader of
// the whole input does as it goes: a GC line continues a stream or starts
// one, and other lines belong to the stream of the GC line before them
// (runtime lines before any to the first).
func (b *Batch) number(p *processes, base int64) {
	for _, rec := range b.Records {
		switch rec := rec.(type) {
		case *GC:
			rec.Line += int(base)
			rec.Process = p.assign(rec)
		case *Runtime:
			rec.Line += int(base)
			rec.Process = max(p.last, 1)
		case *Text:
			rec.Line += int(base)
			rec.Process = p.last
		case *SyntaxError:
			rec.Line += int(base)
			rec.Process = p.last
		}
	}
}

func (b *Batch) reset() {
	b.clearRecords()
	b.data = b.data[:0]
	b.stats, b.openAtEnd, b.last, b.err = Stats{}, false, false, nil
}

// Add adds the counts of t to s.
func (s *Stats) Add(t Stats) {
	s.Lines += t.Lines
	s.GC += t.GC
	s.Runtime += t.Runtime
	s.Text += t.Text
	s.Errors += t.Errors
	s.Processes += t.Processes
	s.NULLines += t.NULLines
}

// lineStart returns where the first line that starts at or after off
// begins: off itself when the byte before it ends a line, size when no
// line starts from off to the end.
func lineStart(in io.ReaderAt, size, off int64, buf *[4096]byte) (int64, error) {
	if off <= 0 {
		return 0, nil
	}
	for pos := off - 1; pos < size; {
		n, err := in.ReadAt(buf[:min(int64(len(buf)), size-pos)], pos)
		if i := bytes.IndexByte(buf[:n], '\n'); i >= 0 {
			return pos + int64(i) + 1, nil
		}
		pos += int64(n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, err
		}
	}
	return size, nil
}

func grow(b []byte, n int) []byte {
	if cap(b) < n {
		return make([]byte, n)
	}
	return b[:n]
}
