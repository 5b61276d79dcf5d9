package parser

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"slices"
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
	tooLong   bool  // not decoded: its last line is longer than a piece may be
	err       error // a read error, in place of the batch's records
}

// pieceSize is how many bytes of the input one batch covers, a little
// more to end on a line: big enough that handing a batch over costs
// little next to decoding it, small enough that the batches in flight
// stay a few MiB. Tests make it small, to put piece boundaries everywhere.
var pieceSize int64 = 128 << 10

// maxWorkers bounds the goroutines decoding pieces, and so the memory
// held, on a machine of many cores: past a few, the one goroutine that
// takes the records in order is the bottleneck anyway.
const maxWorkers = 8

// ReadParallel decodes the first size bytes of in, as a Reader of them
// would, on several goroutines at once, and calls fn with the records in
// input order, a Batch at a time, from the calling goroutine. It is for
// input that can be read at any offset without waiting, a regular file:
// the input is cut into pieces at line starts, each piece is decoded on
// its own, and the records are put in order, numbered by line and
// assigned to processes as the Reader does. A GC line broken across a cut
// is put back together by decoding the two pieces again as one. Where
// that keeps happening, or a line is longer than a piece may be, a
// stretch of the input is read as one stream, and pieces resume after it.
//
// It stops at the first error fn returns, or at a read error (the records
// of the piece it falls in are not handed over), and returns that error
// and the counts of what was read, as Reader.Stats. A file that shrinks
// while it is read ends where it was found to end.
func ReadParallel(in io.ReaderAt, size int64, name string, fn func(*Batch) error) (Stats, error) {
	sq := &sequencer{in: in, size: size, name: name, fn: fn}
	for off := int64(0); off < size && sq.err == nil; {
		off = sq.pieces(off)
		if off < size && sq.err == nil {
			off = sq.stream(off)
		}
	}
	if sq.procs.next > 0 {
		sq.total.Processes = sq.procs.next - 1
	}
	return sq.total, sq.err
}

// sequencer puts the records of ReadParallel in order and hands them on.
type sequencer struct {
	in    io.ReaderAt
	size  int64
	name  string
	fn    func(*Batch) error
	procs processes
	total Stats // of the records handed on
	err   error
}

// pieces decodes the input from off, a line start, in pieces, and returns
// where a stretch must be read as one stream, or size.
func (sq *sequencer) pieces(off int64) int64 {
	workers := min(runtime.GOMAXPROCS(0), maxWorkers)
	pieces := (sq.size - off + pieceSize - 1) / pieceSize
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
				b.readPiece(sq.in, off, sq.size, j.k, sq.name)
				j.done <- b
			}
		}()
	}
	// The goroutines end before pieces returns, so that in is not read
	// after ReadParallel returns.
	defer func() {
		close(stop)
		for j := range order {
			select {
			case <-j.done:
			default:
			}
		}
		wg.Wait()
	}()

	var (
		carry  []byte // bytes of batches held back: a line was open at their end
		carryK int64  // the offset carry starts at
	)
	for j := range order {
		b := <-j.done
		if b.tooLong {
			// A line longer than a piece may be: read it as a stream.
			if len(carry) > 0 {
				return carryK
			}
			return b.off
		}
		if len(carry) > 0 {
			// The batch before ended inside a GC line: decode the two
			// as one piece.
			carry = append(carry, b.data...)
			b.decode(carry, carryK, b.end, sq.name)
		}
		if b.openAtEnd && !b.last && b.err == nil {
			if len(carry) == 0 {
				carry = append(carry[:0], b.data...)
				carryK = b.off
			}
			putBatch(b)
			if int64(len(carry)) >= maxCarry*pieceSize {
				// Lines broken at cut after cut.
				return carryK
			}
			continue
		}
		carry = carry[:0]
		b.number(&sq.procs, sq.total.Lines)
		sq.total.Add(b.stats) // no processes: the pieces leave them to procs
		if len(b.Records) > 0 {
			sq.err = sq.fn(b)
		}
		if sq.err == nil {
			sq.err = b.err
		}
		last := b.last
		b.reset()
		putBatch(b)
		if sq.err != nil || last {
			break
		}
	}
	return sq.size
}

// maxCarry bounds, in pieces, how much input is held back and decoded
// again because GC lines were still open at the cuts: a trace whose lines
// the program's output breaks all the time could otherwise be decoded
// again and again.
const maxCarry = 8

// Limits of the batches of a stream: records, and bytes of text, which
// lines of up to MaxLine make large.
const (
	streamRecords = 4096
	streamBytes   = 1 << 20
)

// streamMin is how far a stream reads before pieces may resume: a stretch
// that defeated the pieces is likely to go on for a while.
func streamMin() int64 { return 16 * pieceSize }

// stream decodes the input from off, a line start, with one Reader, until
// it stands at a line start where pieces can resume, which it returns, or
// to the end.
func (sq *sequencer) stream(off int64) int64 {
	b := new(Batch)
	r := NewReader(io.NewSectionReader(sq.in, off, sq.size-off), sq.name)
	r.piece = true
	base := sq.total.Lines
	for more := true; more && sq.err == nil; {
		b.clearRecords()
		more = b.fill(r, streamRecords, streamBytes)
		b.number(&sq.procs, base)
		if len(b.Records) > 0 {
			sq.err = sq.fn(b)
		}
		if used, ok := r.cleanOffset(); ok && more && used >= streamMin() {
			sq.total.Add(r.Stats())
			return off + used
		}
	}
	sq.total.Add(r.Stats())
	if sq.err == nil {
		sq.err = r.Err()
	}
	return sq.size
}

// readPiece reads the k-th piece of the input from off, a line start, and
// decodes it: the lines that start from off+k×pieceSize up to the next
// piece, the last of them to its end.
func (b *Batch) readPiece(in io.ReaderAt, off, size, k int64, name string) {
	b.reset()
	lo, hi := off+k*pieceSize, min(off+(k+1)*pieceSize, size)
	start := lo
	if k > 0 {
		// Only this piece's own bytes are searched: a piece inside a line
		// that started before it is empty, so a long line costs its
		// length once.
		p, found, err := lineStart(in, lo, hi-1, &b.look)
		if err != nil || !found {
			b.off, b.end, b.err, b.last = hi, hi, err, hi >= size || p < 0
			return
		}
		start = p
	}
	end := size
	if hi < size {
		lim := min(start+2*pieceSize+DefaultMaxLine, size)
		p, found, err := lineStart(in, hi, lim, &b.look)
		switch {
		case err != nil:
			b.off, b.end, b.err, b.last = start, start, err, true
			return
		case p < 0: // the input ends before hi now
			end, b.last = hi, true
		case found:
			end = p
		case lim < size:
			b.off, b.end, b.tooLong = start, start, true
			return
		}
	}
	b.data = slices.Grow(b.data[:0], int(end-start))[:end-start]
	n, err := in.ReadAt(b.data, start)
	if errors.Is(err, io.EOF) {
		if n < len(b.data) { // the file shrank since its size was taken
			end, b.last = start+int64(n), true
		}
		err = nil
	}
	if err != nil {
		b.off, b.end, b.err, b.last = start, start, err, true
		return
	}
	b.data = b.data[:n]
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
	b.fill(r, 0, 0)
	b.stats, b.openAtEnd = r.Stats(), r.openAtEnd
}

func (b *Batch) clearRecords() {
	clear(b.Records) // drop the pointers into the old arrays
	b.Records, b.gcs, b.rts, b.txts, b.errs, b.arena = b.Records[:0], b.gcs[:0], b.rts[:0], b.txts[:0], b.errs[:0], b.arena[:0]
}

// fill adds the records of r to the batch, until it holds maxRecords or
// maxBytes of text (0: no limit), and reports whether r has more. A
// record taken before one of the arrays grew points into the old array,
// which holds it as well.
func (b *Batch) fill(r *Reader, maxRecords, maxBytes int) bool {
	for (maxRecords == 0 || len(b.Records) < maxRecords) && (maxBytes == 0 || len(b.arena) < maxBytes) {
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
	b.stats, b.openAtEnd, b.last, b.tooLong, b.err = Stats{}, false, false, false, nil
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

// lineStart returns the first line start p from off to lim, off > 0: the
// first p whose byte before is a newline. found is false when there is
// none; p is -1 when the input ends before lim (it shrank).
func lineStart(in io.ReaderAt, off, lim int64, buf *[4096]byte) (p int64, found bool, err error) {
	for pos := off - 1; pos < lim; {
		n, err := in.ReadAt(buf[:min(int64(len(buf)), lim-pos)], pos)
		if i := bytes.IndexByte(buf[:n], '\n'); i >= 0 {
			return pos + int64(i) + 1, true, nil
		}
		pos += int64(n)
		if errors.Is(err, io.EOF) {
			if pos < lim {
				return -1, false, nil
			}
			break
		}
		if err != nil {
			return 0, false, err
		}
	}
	return 0, false, nil
}
