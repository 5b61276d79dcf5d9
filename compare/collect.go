package compare

import (
	"bytes"
	"time"

	"github.com/gctrace/gctrace/parser"
)

// MaxCycles bounds the cycles kept per process: past it a process is
// compared on its first MaxCycles cycles, and says so.
const MaxCycles = 500_000

// cycle is what a comparison keeps of one GC record.
type cycle struct {
	t                int64 // start, ns since process start; -1 when not printed
	procs            int
	pause            float64 // ms
	cpu, assist, bg  int64   // ns
	alloc            float64 // MiB allocated since the previous cycle; -1 unknown
	live, peak, gogc float64 // MiB, MiB, percent; -1 unknown
}

// Process is one process stream of a trace: its cycles as samples, and the
// program's name when the stream reveals it.
type Process struct {
	File      string
	ID        int    // the process's id within its input, as gctrace analyze prints it
	Program   string // the package of a "go test" result line ("ok  pkg 1.2s"); "" when unknown
	FirstLine int

	cycles    []cycle
	truncated bool // more than MaxCycles cycles; the rest were not kept
	prevN     int
	prevLive  int64 // H2 of the previous cycle; -1 unknown
}

// Cycles is the number of cycles kept.
func (p *Process) Cycles() int { return len(p.cycles) }

// Collector gathers the samples of every process of a trace as its records
// stream by. Records are handed to Add in order; it keeps no reference to
// them.
type Collector struct {
	procs []*Process
	byKey map[procKey]*Process
	last  *Process // the process of the latest GC record
}

type procKey struct {
	file string
	id   int
}

// NewCollector returns an empty Collector.
func NewCollector() *Collector { return &Collector{byKey: map[procKey]*Process{}} }

// Processes returns the processes seen, in order of their first cycle.
func (c *Collector) Processes() []*Process { return c.procs }

// Add takes one record.
func (c *Collector) Add(rec parser.Record) {
	switch r := rec.(type) {
	case *parser.GC:
		c.addGC(r)
	case *parser.Text:
		if !r.Partial {
			c.name(r)
		}
	}
}

func (c *Collector) addGC(g *parser.GC) {
	k := procKey{g.File, g.Process}
	p := c.byKey[k]
	if p == nil {
		p = &Process{File: g.File, ID: g.Process, FirstLine: g.Line, prevN: -1, prevLive: -1}
		c.byKey[k] = p
		c.procs = append(c.procs, p)
	}
	c.last = p
	if len(p.cycles) >= MaxCycles {
		p.truncated = true
		return
	}
	consecutive := p.prevN >= 0 && g.N == p.prevN+1
	cy := cycle{t: -1, procs: max(g.Procs, 1), pause: float64(g.Pause()) / float64(time.Millisecond),
		alloc: -1, live: -1, gogc: -1}
	if g.Start >= 0 {
		cy.t = int64(g.Start)
	}
	// The formulas of gctrace analyze (see PRODUCT.md): GC CPU leaves idle
	// marking out; bytes allocated during a cycle are H1 less the
	// previous cycle's marked heap.
	cy.cpu, cy.assist, cy.bg = int64(g.CPUTime()), int64(g.Assist()), int64(g.Background())
	if g.HeapLive >= 0 {
		cy.live = float64(g.HeapLive) / mib
	}
	cy.peak = float64(max(g.HeapStart, g.HeapEnd)) / mib
	if consecutive && p.prevLive >= 0 {
		cy.alloc = float64(max(g.HeapEnd-p.prevLive, 0)) / mib
		// Effective GOGC can be read back only where GOGC alone set the
		// goal: Go 1.18+, above the 4 MiB floor.
		if g.Format >= parser.FormatGo118 && g.HeapGoal > 4<<20 && p.prevLive >= 4<<20 && !g.Forced {
			base := float64(p.prevLive + max(g.Stacks, 0) + max(g.Globals, 0))
			cy.gogc = float64(g.HeapGoal-p.prevLive) / base * 100
		}
	}
	p.cycles = append(p.cycles, cy)
	p.prevN, p.prevLive = g.N, g.HeapLive
}

const mib = 1 << 20

// name reads a "go test" package result line, which the go command prints
// right after the test binary's output: it names the process of the GC
// lines just before it, unless that one has a name already.
func (c *Collector) name(t *parser.Text) {
	pkg := testPackage(t.Text)
	if pkg == "" || c.last == nil || c.last.Program != "" || c.last.File != t.File {
		return
	}
	c.last.Program = pkg
}

// testPackage returns the package of a "go test" result line: "ok  \tpkg\t1.2s"
// or "FAIL\tpkg\t1.2s". A cached result, a build failure or a package
// without tests ran no binary, and is no name.
func testPackage(line []byte) string {
	line = bytes.TrimRight(line, "\r")
	var rest []byte
	switch {
	case bytes.HasPrefix(line, []byte("ok ")), bytes.HasPrefix(line, []byte("ok\t")):
		rest = line[2:]
	case bytes.HasPrefix(line, []byte("FAIL\t")), bytes.HasPrefix(line, []byte("FAIL ")):
		rest = line[4:]
	default:
		return ""
	}
	f := bytes.Fields(rest)
	if len(f) < 2 || !bytes.HasSuffix(f[1], []byte("s")) {
		return "" // "(cached)", "[build failed]", "[no test files]"
	}
	if _, err := time.ParseDuration(string(f[1])); err != nil {
		return ""
	}
	return string(f[0])
}
