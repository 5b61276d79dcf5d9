package parser

// maxStreams bounds how many process streams are followed at once; the
// least recently seen is forgotten first.
const maxStreams = 32

// processes tells apart the processes whose traces share one input: the
// go command and the compiler under `go run`, restarts, children, or two
// programs writing to one terminal. A GC line continues the stream whose
// cycle number it follows and whose clock it does not run back; among
// several, the one with the next number and the same P wins.
type processes struct {
	streams []stream
	next    int   // id of the next new stream, starting at 1
	last    int   // id of the stream of the most recent GC line
	lastIdx int   // index of that stream in streams
	tick    int64 // use counter, for least-recently-used eviction
}

type stream struct {
	id       int
	n        int   // last cycle number
	start    int64 // last start time in ns, Absent for pre-1.5 formats
	procs    int
	format   Format // a process prints one format all its life
	hash     bool
	lastUsed int64
}

func (p *processes) assign(g *GC) int {
	if p.next == 0 {
		p.next = 1
	}
	p.tick++
	// Nearly always the line continues the stream of the one before: the
	// next cycle number, same P, same shape, clock not run back. That
	// stream ranks first among all candidates (no rank is lower than
	// {0, 0, 1}, and it was used last, so no other stream ties), so the
	// search below would pick it too.
	if k := p.lastIdx; k < len(p.streams) {
		s := &p.streams[k]
		if s.id == p.last && g.N == s.n+1 && g.Procs == s.procs && s.format == g.Format && s.hash == g.Hash &&
			(g.Start == Absent || s.start == Absent || int64(g.Start) >= s.start) {
			s.n, s.start, s.lastUsed = g.N, int64(g.Start), p.tick
			return s.id
		}
	}
	best := -1
	var bestRank [4]int64
	for i := range p.streams {
		s := &p.streams[i]
		if g.N <= s.n || s.format != g.Format || s.hash != g.Hash {
			continue
		}
		if g.Start != Absent && s.start != Absent && int64(g.Start) < s.start {
			continue
		}
		rank := [4]int64{1, 1, int64(g.N - s.n), -s.lastUsed}
		if g.N == s.n+1 {
			rank[0] = 0
		}
		if g.Procs == s.procs {
			rank[1] = 0
		}
		if best < 0 || less(rank, bestRank) {
			best, bestRank = i, rank
		}
	}
	if best < 0 {
		best = p.add()
	}
	s := &p.streams[best]
	s.n, s.start, s.procs, s.format, s.hash, s.lastUsed = g.N, int64(g.Start), g.Procs, g.Format, g.Hash, p.tick
	p.last, p.lastIdx = s.id, best
	return s.id
}

// add starts a new stream, replacing the least recently used one when
// maxStreams are followed already.
func (p *processes) add() int {
	s := stream{id: p.next, n: -1, start: Absent}
	p.next++
	if len(p.streams) < maxStreams {
		p.streams = append(p.streams, s)
		return len(p.streams) - 1
	}
	oldest := 0
	for i := range p.streams {
		if p.streams[i].lastUsed < p.streams[oldest].lastUsed {
			oldest = i
		}
	}
	p.streams[oldest] = s
	return oldest
}

func less(a, b [4]int64) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}
