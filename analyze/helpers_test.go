package analyze

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gctrace/gctrace/parser"
)

const mib = 1 << 20

// cyc describes one synthetic GC cycle in the units the trace prints.
type cyc struct {
	dt               time.Duration // since the previous cycle's start
	sweep, mark, end time.Duration // clock phases
	assist, bg, idle time.Duration // cpu phases (the STW ones are derived from the clock)
	h0, h1, h2, goal int64         // MiB
	stacks, globals  int64         // MiB
	procs            int
	forced           bool
	format           parser.Format
}

// healthyCycle is a GOGC=100 cycle of a 32 MiB live heap, once a second.
func healthyCycle() cyc {
	return cyc{dt: time.Second, sweep: 50 * time.Microsecond, mark: 500 * time.Microsecond, end: 20 * time.Microsecond,
		assist: 10 * time.Microsecond, bg: 300 * time.Microsecond, idle: 100 * time.Microsecond,
		h0: 63, h1: 64, h2: 32, goal: 64, procs: 4}
}

// synth feeds synthetic cycles of one process to an Analyzer.
type synth struct {
	a       *Analyzer
	file    string
	process int
	line, n int
	t       time.Duration
	first   bool
	buf     parser.GC
}

func newSynth(a *Analyzer) *synth {
	return &synth{a: a, file: "synthetic.log", process: 1, first: true}
}

// record fills s.buf for the next cycle without adding it.
func (s *synth) record(c cyc) *parser.GC {
	s.line++
	s.n++
	if !s.first {
		s.t += c.dt
	}
	s.first = false
	f := c.format
	if f == 0 {
		f = parser.FormatGo118
	}
	procs := c.procs
	g := &s.buf
	*g = parser.GC{
		Pos:    parser.Pos{File: s.file, Line: s.line, Col: 1, Process: s.process},
		Format: f, N: s.n, Start: s.t, CPUPercent: 1,
		NClock: 3, Clock: [5]time.Duration{c.sweep, c.mark, c.end},
		NCPU: 5, CPU: [7]time.Duration{c.sweep * time.Duration(max(procs, 1)), c.assist, c.bg, c.idle, c.end * time.Duration(max(procs, 1))},
		HeapStart: c.h0 * mib, HeapEnd: c.h1 * mib, HeapLive: c.h2 * mib, HeapGoal: c.goal * mib,
		Stacks: c.stacks * mib, Globals: c.globals * mib, Procs: procs, Forced: c.forced,
	}
	if f < parser.FormatGo118 {
		g.Stacks, g.Globals = parser.Absent, parser.Absent
	}
	return g
}

func (s *synth) add(c cyc) { s.a.Add(s.record(c)) }

func (s *synth) addN(n int, c cyc) {
	for i := 0; i < n; i++ {
		s.add(c)
	}
}

// text feeds a non-GC record, as the parser would.
func (s *synth) forcedLine() {
	s.line++
	s.a.Add(&parser.Runtime{Pos: parser.Pos{File: s.file, Line: s.line, Col: 1, Process: s.process}, Kind: parser.KindForced, Text: []byte("GC forced")})
}

// collect returns an Analyzer with the default configuration, changed by
// sets ("name=value"), and the findings it streams.
func collect(t testing.TB, sets ...string) (*Analyzer, *[]Finding) {
	t.Helper()
	cfg := DefaultConfig()
	for _, kv := range sets {
		k, v, _ := strings.Cut(kv, "=")
		if err := cfg.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	var got []Finding
	return New(cfg, func(f Finding) { got = append(got, f) }), &got
}

// rulesOf lists "rule:severity" of findings at or above min, sorted as the
// report sorts them.
func rulesOf(fs []Finding, min Severity) []string {
	var out []string
	for _, f := range fs {
		if f.Severity >= min {
			out = append(out, f.Rule+":"+f.Severity.String())
		}
	}
	return out
}

func findRule(fs []Finding, rule string) *Finding {
	for i := range fs {
		if fs[i].Rule == rule {
			return &fs[i]
		}
	}
	return nil
}

// analyzeFile runs a trace file through the parser and a default Analyzer.
func analyzeFile(t testing.TB, path string, cfg Config) *Report {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	a := New(cfg, nil)
	r := parser.NewReader(f, filepath.Base(path))
	for r.Scan() {
		a.Add(r.Record())
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return a.Report()
}

func analyzeText(t testing.TB, text string, cfg Config) *Report {
	t.Helper()
	a := New(cfg, nil)
	r := parser.NewReader(strings.NewReader(text), "text.log")
	for r.Scan() {
		a.Add(r.Record())
	}
	return a.Report()
}

func summary(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "%s %s p%d %d-%d: %s\n", f.Severity, f.Rule, f.Process, f.FirstLine, f.LastLine, f.Message)
	}
	return b.String()
}
