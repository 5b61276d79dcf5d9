package parser

import (
	"fmt"
	"time"
)

// Absent marks a numeric field the line did not print (the release had no
// such field, or the optional part was missing).
const Absent = -1

// Kind says which kind of line a record was read from.
type Kind uint8

const (
	KindText        Kind = iota // a line the runtime's GC tracing did not print
	KindGC                      // one garbage collection cycle
	KindForced                  // "GC forced": the periodic (2 min) GC helper woke up
	KindScavenger               // scvg… and scav… lines
	KindPacer                   // pacer: lines (GODEBUG=gcpacertrace=1)
	KindScan                    // scan: lines (GODEBUG=gctrace=2, Go 1.25+)
	KindFinalizers              // checkfinalizers: lines (Go 1.25+)
	KindSyntaxError             // a line that looked like a GC line but did not parse
)

var kindNames = [...]string{
	KindText:        "text",
	KindGC:          "gc",
	KindForced:      "gc-forced",
	KindScavenger:   "scavenger",
	KindPacer:       "pacer",
	KindScan:        "scan",
	KindFinalizers:  "finalizers",
	KindSyntaxError: "syntax-error",
}

// String returns the kind's name as used in exports ("gc", "pacer", …).
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// Format identifies the shape of a GC line, and so the release family that
// printed it.
type Format uint8

const (
	FormatUnknown Format = iota
	FormatGo10           // Go 1.0: "gc14(2): 1+1+0 ms 10 -> 5 MB 58439 -> 8912 (573381-564469) objects 184 handoff"
	FormatGo11           // Go 1.1–1.2: commas, handoff(count), steal, yields
	FormatGo13           // Go 1.3: four phases in µs, one object count, sweeps
	FormatGo14           // Go 1.4: as 1.3 plus "N goroutines"
	FormatGo15           // Go 1.5–1.6beta1 (and the 1.5 betas and dev forms): 5 clock phases, 7 cpu values
	FormatGo16           // Go 1.6beta2–1.17: 3 clock phases, 5 cpu values
	FormatGo118          // Go 1.18+: adds "MB stacks" and "MB globals"
)

var formatNames = [...]string{
	FormatUnknown: "unknown",
	FormatGo10:    "go1.0",
	FormatGo11:    "go1.1",
	FormatGo13:    "go1.3",
	FormatGo14:    "go1.4",
	FormatGo15:    "go1.5",
	FormatGo16:    "go1.6",
	FormatGo118:   "go1.18",
}

// String returns the first release that printed the format ("go1.18").
func (f Format) String() string {
	if int(f) < len(formatNames) {
		return formatNames[f]
	}
	return fmt.Sprintf("Format(%d)", f)
}

// Concurrent reports whether the format is that of the concurrent collector
// (Go 1.5 and later), which prints a timestamp, a goal and CPU phases.
func (f Format) Concurrent() bool { return f >= FormatGo15 }

// Pos is where a record was read.
type Pos struct {
	File    string // input name, "-" for standard input
	Line    int    // 1-based physical line number
	Col     int    // 1-based byte offset where the runtime's text starts (after any prefix)
	Process int    // 1-based process stream within the input; runtime lines before the first GC line are process 1, the program's text there 0
}

// Position returns p; it lets every record be handled as a Record.
func (p Pos) Position() Pos { return p }

// Record is one decoded line: *GC, *Runtime, *Text or *SyntaxError.
type Record interface {
	Position() Pos
}

// GC is one garbage collection cycle. It is a flat value: copying it keeps it.
//
// Sizes are bytes but carry the runtime's MiB truncation (they are multiples
// of 1 MiB, floored); times carry the printed precision (see ClockPrec).
type GC struct {
	Pos
	Format Format

	N    int  // the cycle number as printed; restarts at 1 in each process
	Hash bool // printed as "gc #N" (Go 1.5 betas)

	// Start is the time since process start at which the cycle began,
	// truncated to the millisecond; Absent (-1) before Go 1.5.
	Start      time.Duration
	CPUPercent int  // cumulative GC CPU share since start, truncated; Absent where not printed
	LeakCheck  bool // " (checking for goroutine leaks)" (Go 1.26)

	// Clock holds the wall-clock phases as printed: 3 (STW sweep
	// termination, concurrent mark, STW mark termination), 5 for Go 1.5,
	// 3 or 4 for the stop-the-world collectors before Go 1.5.
	NClock int
	Clock  [5]time.Duration
	// CPU holds the CPU phases as printed, separators dropped: 5 values
	// (sweep termination, assist, background, idle, mark termination), 7 for
	// Go 1.5 (with scan and install-write-barrier after the first); none
	// before Go 1.5.
	NCPU int
	CPU  [7]time.Duration

	// ClockPrec and CPUPrec are the digits printed after the decimal point,
	// so that a value can be printed again exactly as the runtime did
	// ("0.10" keeps its trailing zero).
	ClockPrec [5]uint8
	CPUPrec   [7]uint8
	StartPrec uint8

	HeapStart int64 // heap in use when the cycle started (H0)
	HeapEnd   int64 // heap in use when marking ended (H1)
	HeapLive  int64 // heap marked live (H2); Absent where not printed
	HeapGoal  int64 // Absent where not printed
	Stacks    int64 // scannable stacks (Go 1.18+); Absent before
	Globals   int64 // scannable globals (Go 1.18+); Absent before

	// Procs is GOMAXPROCS at the start of the cycle ("N P"). Before Go 1.5
	// it is the number of procs that took part in the collection ("gcN(P)").
	Procs  int
	Forced bool // " (forced)": runtime.GC or debug.FreeOSMemory (see gctrace-format.md for 1.5–1.8)

	Old Legacy // fields only the Go 1.0–1.4 formats print
}

// Legacy holds what the stop-the-world collectors of Go 1.0–1.4 printed
// beyond the common fields. Every field is Absent where a release did not
// print it.
type Legacy struct {
	// Heap0 and Heap1 are the two MiB figures as printed. Go 1.0–1.2:
	// heap before and after the collection. Go 1.3–1.4: live heap after
	// the previous collection and heap size before this one.
	Heap0, Heap1 int64
	// Objects0 -> Objects1 (Go 1.0–1.2: live objects before and after);
	// Go 1.3–1.4 print one count, kept in Objects1.
	Objects0, Objects1 int64
	Mallocs, Frees     int64 // cumulative, "(mallocs-frees)"
	Goroutines         int64 // Go 1.4
	Sweeps             [3]int64
	Handoff            [2]int64 // "N(M) handoff"; Go 1.0 prints only N
	Steal              [2]int64
	Yields             [3]int64
}

// Pause is the stop-the-world time of the cycle: the first and last clock
// phases for Go 1.5+, the whole collection before.
func (g *GC) Pause() time.Duration {
	if g.NClock == 0 {
		return 0
	}
	if !g.Format.Concurrent() {
		var d time.Duration
		for _, c := range g.Clock[:g.NClock] {
			d += c
		}
		return d
	}
	return g.Clock[0] + g.Clock[g.NClock-1]
}

// Mark is the wall time of the concurrent phases (the middle clock values).
func (g *GC) Mark() time.Duration {
	if !g.Format.Concurrent() || g.NClock < 3 {
		return 0
	}
	var d time.Duration
	for _, c := range g.Clock[1 : g.NClock-1] {
		d += c
	}
	return d
}

// CPUTime is the CPU the collector spent on the cycle: every CPU phase
// except idle marking, which only used otherwise idle Ps.
func (g *GC) CPUTime() time.Duration {
	var d time.Duration
	for i, c := range g.CPU[:g.NCPU] {
		if i == g.NCPU-2 { // idle mark is the value before mark termination
			continue
		}
		d += c
	}
	return d
}

// Assist and Background are the mark-assist and background mark CPU time.
func (g *GC) Assist() time.Duration {
	if g.NCPU < 5 {
		return 0
	}
	return g.CPU[g.NCPU-4]
}

// Background is the dedicated and fractional background mark CPU time.
func (g *GC) Background() time.Duration {
	if g.NCPU < 5 {
		return 0
	}
	return g.CPU[g.NCPU-3]
}

// Runtime is a runtime line that accompanies the GC trace: "GC forced",
// scavenger, pacer, scan and checkfinalizers lines.
type Runtime struct {
	Pos
	Kind Kind
	// Text is the runtime's text, from the recognised literal to the end of
	// the line (without line terminator). It aliases the reader's buffer
	// and is valid only until the next call to Scan.
	Text []byte
	Scav Scavenge // KindScavenger only
}

// ScavShape tells the scavenger line shapes apart.
type ScavShape uint8

const (
	ScavNone     ScavShape = iota
	ScavReleased           // scvgN: N MB released (Go 1.0–1.13; hex in Go 1.0–1.1)
	ScavInuse              // scvgN: inuse: …, idle: …, sys: …, released: …, consumed: … (MB)
	ScavTotal              // scav [gen] N KiB work, N KiB total, N% util (Go 1.14–1.20)
	ScavBgEager            // scav N KiB work (bg), N KiB work (eager), N KiB now, N% util (Go 1.21+)
)

// Scavenge holds the numbers of a scavenger line, in bytes; Absent where
// not printed.
type Scavenge struct {
	Shape  ScavShape
	Gen    int64 // "scvgN" / "scav N" generation; Absent for "scvg:"; -1 is also what "scvg-1" (FreeOSMemory) prints, see Forced
	Forced bool  // debug.FreeOSMemory: "scvg-1:", "forced scvg:", "(forced)"
	Reset  bool  // "[controller reset]"

	Released                                  int64 // ScavReleased
	Inuse, Idle, Sys, ReleasedTotal, Consumed int64 // ScavInuse
	Work, WorkEager, Total                    int64 // ScavTotal (Work, Total) and ScavBgEager (Work = bg, WorkEager, Total = now)
	Util                                      int64 // percent
}

// Text is a line that is not part of the GC trace: the program's own output,
// or any other runtime message. It is passed through untouched.
type Text struct {
	Pos
	// Text is the line without its "\n" (a "\r" before it is kept). It
	// aliases the reader's buffer and is valid only until the next Scan.
	Text []byte
	// Partial is set when the line was longer than the reader keeps in
	// memory at once (MaxLine) and arrives in pieces; the last piece has
	// Partial false.
	Partial bool
}

// SyntaxError is a line that was claimed as part of the GC trace but could
// not be decoded. Reading goes on after it.
type SyntaxError struct {
	Pos
	Kind  Kind   // the kind of line it was taken for
	Field string // the field that failed ("clock", "heap", "end of line", …)
	Text  string // the offending text, at most 64 bytes
	Err   error  // the cause, if any
}

func (e *SyntaxError) Error() string {
	msg := fmt.Sprintf("%s:%d:%d: %s line: bad %s", e.File, e.Line, e.Col, e.Kind, e.Field)
	if e.Text != "" {
		msg += fmt.Sprintf(" at %q", e.Text)
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *SyntaxError) Unwrap() error { return e.Err }
