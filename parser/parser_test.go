package parser

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// readAll decodes input and returns copies of every record.
func readAll(t testing.TB, input string) []Record {
	t.Helper()
	r := NewReader(strings.NewReader(input), "in")
	var recs []Record
	for r.Scan() {
		switch rec := r.Record().(type) {
		case *GC:
			g := *rec
			recs = append(recs, &g)
		case *Runtime:
			rt := *rec
			rt.Text = append([]byte(nil), rec.Text...)
			recs = append(recs, &rt)
		case *Text:
			tx := *rec
			tx.Text = append([]byte(nil), rec.Text...)
			recs = append(recs, &tx)
		case *SyntaxError:
			e := *rec
			recs = append(recs, &e)
		}
	}
	if err := r.Err(); err != nil {
		t.Fatalf("Err() = %v", err)
	}
	return recs
}

func ms(f float64) time.Duration { return time.Duration(f * float64(time.Millisecond)) }

func TestGCFormats(t *testing.T) {
	tests := []struct {
		name   string
		line   string
		format Format
		check  func(t *testing.T, g *GC)
	}{
		{
			name:   "go1.26",
			line:   "gc 1 @0.000s 34%: 0.41+0.14+0.007 ms clock, 0.82+0.056/0.095/0+0.014 ms cpu, 4->4->3 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P",
			format: FormatGo118,
			check: func(t *testing.T, g *GC) {
				want := GC{N: 1, Start: 0, CPUPercent: 34, NClock: 3, NCPU: 5, HeapStart: 4 << 20, HeapEnd: 4 << 20, HeapLive: 3 << 20,
					HeapGoal: 4 << 20, Stacks: 0, Globals: 0, Procs: 2}
				if g.N != want.N || g.CPUPercent != want.CPUPercent || g.NClock != 3 || g.NCPU != 5 ||
					g.HeapStart != want.HeapStart || g.HeapEnd != want.HeapEnd || g.HeapLive != want.HeapLive ||
					g.HeapGoal != want.HeapGoal || g.Stacks != 0 || g.Globals != 0 || g.Procs != 2 || g.Forced {
					t.Errorf("got %+v", g)
				}
				if g.Clock[0] != 410*time.Microsecond || g.Clock[1] != 140*time.Microsecond || g.Clock[2] != 7*time.Microsecond {
					t.Errorf("clock = %v", g.Clock[:3])
				}
				if g.Pause() != 417*time.Microsecond || g.Mark() != 140*time.Microsecond {
					t.Errorf("pause %v mark %v", g.Pause(), g.Mark())
				}
				if g.Assist() != 56*time.Microsecond || g.Background() != 95*time.Microsecond || g.CPUTime() != (820+56+95+14)*time.Microsecond {
					t.Errorf("assist %v background %v cpu %v", g.Assist(), g.Background(), g.CPUTime())
				}
			},
		},
		{
			name:   "go1.26 forced",
			line:   "gc 6 @0.009s 7%: 0.10+0.10+0.001 ms clock, 0.21+0/0.033/0.096+0.003 ms cpu, 20->20->10 MB, 28 MB goal, 0 MB stacks, 0 MB globals, 2 P (forced)",
			format: FormatGo118,
			check: func(t *testing.T, g *GC) {
				if !g.Forced || g.Start != 9*time.Millisecond || g.ClockPrec != [5]uint8{2, 2, 3} {
					t.Errorf("got %+v", g)
				}
			},
		},
		{
			name:   "go1.26 leak check",
			line:   "gc 1 @0.010s 1% (checking for goroutine leaks): 0.084+0.26+0.077 ms clock, 0.16+0/0.12/0.036+0.15 ms cpu, 0->0->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P (forced)",
			format: FormatGo118,
			check: func(t *testing.T, g *GC) {
				if !g.LeakCheck || !g.Forced {
					t.Errorf("got %+v", g)
				}
			},
		},
		{
			name:   "go1.9",
			line:   "gc 290 @256.195s 3%: 0.25+100+0.10 ms clock, 2.0+208/199/0+0.84 ms cpu, 400->410->210 MB, 420 MB goal, 8 P",
			format: FormatGo16,
			check: func(t *testing.T, g *GC) {
				if g.Start != 256195*time.Millisecond || g.Clock[1] != 100*time.Millisecond || g.Stacks != Absent || g.Globals != Absent || g.Procs != 8 {
					t.Errorf("got %+v", g)
				}
			},
		},
		{
			name:   "go1.5",
			line:   "gc 1 @0.166s 0%: 0.22+2.3+0.074+0.76+0.56 ms clock, 0.45+2.3+0+0.55/0.59/0+1.1 ms cpu, 5->5->1 MB, 4 MB goal, 4 P",
			format: FormatGo15,
			check: func(t *testing.T, g *GC) {
				if g.NClock != 5 || g.NCPU != 7 || g.Pause() != 780*time.Microsecond || g.Assist() != 550*time.Microsecond || g.Background() != 590*time.Microsecond {
					t.Errorf("got %+v pause %v", g, g.Pause())
				}
			},
		},
		{
			name:   "go1.5 beta",
			line:   "gc #88 @3.243s 9%: 0.040+16+1.0+5.9+0.34 ms clock, 0.16+16+0+18/5.7/11+1.3 ms cpu, 32->33->19 MB, 33 MB goal, 4 P",
			format: FormatGo15,
			check: func(t *testing.T, g *GC) {
				if !g.Hash || g.N != 88 {
					t.Errorf("got %+v", g)
				}
			},
		},
		{
			name:   "go1.6beta1",
			line:   "gc 3 @0.5s 1%: 0.23+0+0+2.4+0.64 ms clock, 1.6+0+0+0.67/8.0/0+4.5 ms cpu, 4->4->1 MB, 5 MB goal, 8 P",
			format: FormatGo15,
		},
		{
			name:   "dev 2015 without percent, goal and live heap",
			line:   "gc #3 @1.629s: 0+2+0+12+0 ms clock, 0+2+0+0/12/0+0 ms cpu, 4->2 MB, 1 P",
			format: FormatGo15,
			check: func(t *testing.T, g *GC) {
				if g.CPUPercent != Absent || g.HeapGoal != Absent || g.HeapLive != Absent || g.HeapEnd != 2<<20 {
					t.Errorf("got %+v", g)
				}
			},
		},
		{
			name:   "go1.0",
			line:   "gc14(2): 1+1+0 ms 10 -> 5 MB 58439 -> 8912 (573381-564469) objects 184 handoff",
			format: FormatGo10,
			check: func(t *testing.T, g *GC) {
				if g.N != 14 || g.Procs != 2 || g.HeapStart != 10<<20 || g.HeapLive != 5<<20 || g.Start != Absent || g.Pause() != 2*time.Millisecond ||
					g.Old.Objects0 != 58439 || g.Old.Frees != 564469 || g.Old.Handoff[0] != 184 {
					t.Errorf("got %+v", g)
				}
			},
		},
		{
			name:   "go1.1",
			line:   "gc83(1): 8+0+0 ms, 62 -> 31 MB 19455 -> 3211 (1291202-1287991) objects, 0(0) handoff, 0(0) steal, 0/0/0 yields",
			format: FormatGo11,
		},
		{
			name:   "go1.1 busy",
			line:   "gc13(2): 48+24+2 ms, 263 -> 124 MB 1891444 -> 938285 (6426929-5488644) objects, 1(8) handoff, 3(11016) steal, 21/2/0 yields",
			format: FormatGo11,
			check: func(t *testing.T, g *GC) {
				if g.Old.Steal != [2]int64{3, 11016} || g.Old.Yields != [3]int64{21, 2, 0} {
					t.Errorf("got %+v", g.Old)
				}
			},
		},
		{
			name:   "go1.3",
			line:   "gc1(1): 5+0+186+0 us, 0 -> 0 MB, 18 (19-1) objects, 0/0/0 sweeps, 0(0) handoff, 0(0) steal, 0/0/0 yields",
			format: FormatGo13,
			check: func(t *testing.T, g *GC) {
				if g.NClock != 4 || g.Clock[2] != 186*time.Microsecond || g.HeapLive != Absent || g.Old.Objects1 != 18 {
					t.Errorf("got %+v", g)
				}
			},
		},
		{
			name:   "go1.4",
			line:   "gc6(5): 0+0+0+1000 us, 0 -> 0 MB, 2118 (2655-537) objects, 85 goroutines, 109/0/0 sweeps, 8(66) handoff, 11(38) steal, 103/4/0 yields",
			format: FormatGo14,
			check: func(t *testing.T, g *GC) {
				if g.Old.Goroutines != 85 || g.Old.Sweeps[0] != 109 || g.Pause() != time.Millisecond {
					t.Errorf("got %+v", g)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs := readAll(t, "app: before\n"+tt.line+"\n")
			if len(recs) != 2 {
				t.Fatalf("got %d records, want 2", len(recs))
			}
			g, ok := recs[1].(*GC)
			if !ok {
				t.Fatalf("record 2 is %T (%v), want *GC", recs[1], recs[1])
			}
			if g.Line != 2 || g.Col != 1 || g.File != "in" || g.Process != 1 {
				t.Errorf("position = %+v, want in:2:1 process 1", g.Pos)
			}
			if g.Format != tt.format {
				t.Errorf("format = %v, want %v", g.Format, tt.format)
			}
			if got := g.String(); got != tt.line {
				t.Errorf("printed again:\n got %s\nwant %s", got, tt.line)
			}
			if tt.check != nil {
				tt.check(t, g)
			}
		})
	}
}

func TestRuntimeLines(t *testing.T) {
	tests := []struct {
		line  string
		kind  Kind
		check func(t *testing.T, s Scavenge)
	}{
		{"GC forced", KindForced, nil},
		{"scvg0: GC forced", KindForced, nil},
		{"scvg14: 0x1a MB released", KindScavenger, func(t *testing.T, s Scavenge) {
			if s.Shape != ScavReleased || s.Gen != 14 || s.Released != 26<<20 {
				t.Errorf("%+v", s)
			}
		}},
		{"scvg3: 12 MB released", KindScavenger, func(t *testing.T, s Scavenge) {
			if s.Released != 12<<20 || s.Forced {
				t.Errorf("%+v", s)
			}
		}},
		{"scvg-1: 12 MB released", KindScavenger, func(t *testing.T, s Scavenge) {
			if !s.Forced || s.Gen != -1 {
				t.Errorf("%+v", s)
			}
		}},
		{"scvg3: inuse: 4, idle: 2, sys: 7, released: 0, consumed: 7 (MB)", KindScavenger, func(t *testing.T, s Scavenge) {
			if s.Shape != ScavInuse || s.Inuse != 4<<20 || s.Idle != 2<<20 || s.Sys != 7<<20 || s.ReleasedTotal != 0 || s.Consumed != 7<<20 {
				t.Errorf("%+v", s)
			}
		}},
		{"scvg: 0 MB released", KindScavenger, func(t *testing.T, s Scavenge) {
			if s.Gen != Absent || s.Released != 0 {
				t.Errorf("%+v", s)
			}
		}},
		{"forced scvg: inuse: 1, idle: 62, sys: 63, released: 62, consumed: 1 (MB)", KindScavenger, func(t *testing.T, s Scavenge) {
			if !s.Forced || s.Released != Absent || s.Idle != 62<<20 {
				t.Errorf("%+v", s)
			}
		}},
		{"scav 19 KiB work, 272 KiB total, 1% util (forced)", KindScavenger, func(t *testing.T, s Scavenge) {
			if s.Shape != ScavTotal || s.Work != 19<<10 || s.Total != 272<<10 || s.Util != 1 || !s.Forced || s.Gen != Absent {
				t.Errorf("%+v", s)
			}
		}},
		{"scav 3 1024 KiB work, 2048 KiB total, 5% util [controller reset]", KindScavenger, func(t *testing.T, s Scavenge) {
			if s.Gen != 3 || !s.Reset || s.Work != 1<<20 {
				t.Errorf("%+v", s)
			}
		}},
		{"scav 19920 KiB work (bg), 0 KiB work (eager), 25256 KiB now, 1% util", KindScavenger, func(t *testing.T, s Scavenge) {
			if s.Shape != ScavBgEager || s.Work != 19920<<10 || s.WorkEager != 0 || s.Total != 25256<<10 {
				t.Errorf("%+v", s)
			}
		}},
		{"scav 0 KiB work (bg), 11568 KiB work (eager), 38360 KiB now, 4% util (forced)", KindScavenger, nil},
		{"pacer: assist ratio=2.360015869140625 (scan 0 MB in 4->4 MB) workers=0+0.25", KindPacer, nil},
		{"pacer: assist ratio=+2.525911e-004 (scan 0 MB in 4->4 MB) workers=6++0.000000e+000", KindPacer, nil},
		{"pacer: H_m_prev=4194304 h_t=+9.500000e-001 H_T=8178892 h_a=+1.086040e+000 H_a=8749576 h_g=+1.000000e+000 H_g=8388608 u_a=+2.500000e-001 u_g=+2.500000e-001 W_a=35664 goalΔ=+5.000000e-002 actualΔ=+1.360400e-001 u_a/u_g=+1.000000e+000", KindPacer, nil},
		{"pacer: sweep done at heap size 7MB; allocated 4MB during sweep; swept 514 pages at 0 pages/byte", KindPacer, nil},
		{"pacer: 31% CPU (25 exp.) for 51576+2120+154666 B work (207442 B exp.) in 16333152 B -> 16341232 B (∆goal -196154, cons/mark 0)", KindPacer, nil},
		{"scan: total 30+20+15=65 objs, 7+3=10 spans", KindScan, nil},
		{"scan: class 8B 9 objs", KindScan, nil},
		{"checkfinalizers: queue: 0 finalizers + 0 cleanups", KindFinalizers, nil},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			recs := readAll(t, "prefix | "+tt.line+"\r\n")
			rt, ok := recs[0].(*Runtime)
			if !ok {
				t.Fatalf("got %T (%v), want *Runtime", recs[0], recs[0])
			}
			if rt.Kind != tt.kind || string(rt.Text) != tt.line || rt.Line != 1 || rt.Col != len("prefix | ")+1 {
				t.Errorf("got kind %v text %q at %d:%d", rt.Kind, rt.Text, rt.Line, rt.Col)
			}
			if tt.check != nil {
				tt.check(t, rt.Scav)
			}
		})
	}
}

// TestMessyLogs covers what log collectors and other writers do to lines.
func TestMessyLogs(t *testing.T) {
	const gc = "gc 5 @1.016s 2%: 0.015+1.2+0.004 ms clock, 0.031+0.10/1.1/0+0.009 ms cpu, 7->7->3 MB, 8 MB goal, 0 MB stacks, 0 MB globals, 2 P"
	ok := []struct{ name, line string }{
		{"plain", gc},
		{"CRLF", gc + "\r"},
		{"trailing blanks", gc + "  "},
		{"RFC3339 timestamp", "2019-01-10T02:44:05.630872Z " + gc},
		{"kubectl --timestamps", "2024-03-01T10:00:00.123456789Z " + gc},
		{"CRI", "2024-03-01T10:00:00.123456789+00:00 stderr F " + gc},
		{"journald", "mar 13 20:18:26 machine-name dockerd[1905973]: " + gc},
		{"docker-compose", "svc_1  | " + gc},
		{"markdown indent", "    " + gc},
		{"benchmark name", "BenchmarkParse-12   \t" + gc},
		{"docker json-file", `{"log":"` + strings.ReplaceAll(gc, ">", `\u003e`) + `\n","stream":"stderr","time":"2019-01-10T02:44:05.630872Z"}`},
		{"html escaped", strings.ReplaceAll(gc, ">", "&gt;")},
	}
	for _, tt := range ok {
		t.Run(tt.name, func(t *testing.T) {
			recs := readAll(t, tt.line+"\n")
			g, isGC := recs[0].(*GC)
			if !isGC {
				t.Fatalf("got %T (%v), want *GC", recs[0], recs[0])
			}
			if g.String() != gc {
				t.Errorf("got %s", g)
			}
		})
	}

	t.Run("interrupted by the program", func(t *testing.T) {
		// The runtime writes the line piece by piece; the program's own
		// line lands in between, more than once.
		in := "gc 5 @1.016s 2%: 0.015+1.2+0.004" + "hello from the app\n" +
			" ms clock, 0.031+0.10/1.1/0+0.009 ms cpu, " + "tick 1\n" + "tick 2\n" +
			"7->7->3 MB, 8 MB goal, 0 MB stacks, 0 MB globals, 2 P\n" + gc + "\n"
		recs := readAll(t, in)
		var got []string
		for _, rec := range recs {
			got = append(got, fmt.Sprintf("%d:%s", rec.Position().Line, describe(rec)))
		}
		want := []string{"1:text hello from the app", "2:text tick 1", "3:text tick 2", "1:gc 5", "5:gc 5"}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("records:\n got %q\nwant %q", got, want)
		}
		if g := recs[3].(*GC); g.String() != gc {
			t.Errorf("put together as %s", g)
		}
	})

	t.Run("short head glued to the program's text", func(t *testing.T) {
		for _, head := range []string{"gc ", "gc 5"} {
			in := "ts " + head + "app: tick 7\n" + strings.TrimPrefix(gc, head) + "\n"
			var got []string
			for _, rec := range readAll(t, in) {
				got = append(got, fmt.Sprintf("%d:%s", rec.Position().Line, describe(rec)))
			}
			// The short head cannot be told from the program's text
			// until the rest comes, so the line passes through whole.
			want := []string{"1:text ts " + head + "app: tick 7", "1:gc 5"}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("%q: records %q, want %q", head, got, want)
			}
		}
		// Two of the program's lines before the rest.
		var got []string
		for _, rec := range readAll(t, "gc bomb: wolf drink\nbomb: wolf howl\n"+strings.TrimPrefix(gc, "gc ")+"\n") {
			got = append(got, fmt.Sprintf("%d:%s", rec.Position().Line, describe(rec)))
		}
		want := []string{"1:text gc bomb: wolf drink", "2:text bomb: wolf howl", "1:gc 5"}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("records %q, want %q", got, want)
		}
		// Not followed by the rest: the held line passes through as it was.
		recs := readAll(t, "run gc now\ndone\n")
		if len(recs) != 2 || describe(recs[0]) != "text run gc now" || describe(recs[1]) != "text done" {
			t.Errorf("got %v", recs)
		}
	})

	t.Run("rest never comes", func(t *testing.T) {
		recs := readAll(t, "gc 5 @1.016s 2%: 0.015+1.2+0.004"+"hello\nbye\n")
		var got []string
		for _, rec := range recs {
			got = append(got, fmt.Sprintf("%d:%s", rec.Position().Line, describe(rec)))
		}
		want := []string{"1:text hello", "2:text bye", "1:error clock"}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("records %q, want %q", got, want)
		}
		if e := recs[2].(*SyntaxError); !errors.Is(e, errCutOff) || e.Col != 33 {
			t.Errorf("error = %v", e)
		}
	})

	t.Run("truncated last line", func(t *testing.T) {
		recs := readAll(t, gc+"\n"+gc[:len(gc)-20])
		if len(recs) != 2 {
			t.Fatalf("got %d records: %v", len(recs), recs)
		}
		if e, ok := recs[1].(*SyntaxError); !ok || !errors.Is(e, errTruncated) || e.Line != 2 {
			t.Errorf("got %v", recs[1])
		}
	})

	t.Run("GC line after a line longer than MaxLine", func(t *testing.T) {
		in := strings.Repeat("x", 3<<20) + " " + gc + "\n"
		var last Record
		r := NewReader(strings.NewReader(in), "in")
		for r.Scan() {
			last = r.Record()
		}
		if g, ok := last.(*GC); !ok || g.Line != 1 || g.String() != gc {
			t.Errorf("got %T %v", last, last)
		}
	})

	t.Run("runtime line before the first GC line", func(t *testing.T) {
		recs := readAll(t, "GC forced\n"+gc+"\n")
		if p := recs[0].Position().Process; p != 1 {
			t.Errorf("process %d, want 1", p)
		}
	})

	t.Run("fragment without its start", func(t *testing.T) {
		recs := readAll(t, "0.031+0.10/1.1/0+0.009 ms cpu, 7->7->3 MB, 8 MB goal, 2 P\n")
		if e, ok := recs[0].(*SyntaxError); !ok || !errors.Is(e, errFragment) {
			t.Errorf("got %v", recs[0])
		}
	})

	t.Run("program text after a whole line", func(t *testing.T) {
		recs := readAll(t, gc+"ok  \tpkg\t0.01s\n")
		if len(recs) != 2 || describe(recs[0]) != "gc 5" || describe(recs[1]) != "text ok  \tpkg\t0.01s" {
			t.Fatalf("got %v", recs)
		}
	})

	t.Run("missing final newline", func(t *testing.T) {
		recs := readAll(t, "app\n"+gc)
		if g, ok := recs[1].(*GC); !ok || g.Line != 2 {
			t.Fatalf("got %T %v", recs[1], recs[1])
		}
	})

	t.Run("NUL bytes and invalid UTF-8", func(t *testing.T) {
		r := NewReader(strings.NewReader("a\x00b\n\xff\xfe gc\n"+gc+"\n"), "in")
		var kinds []string
		for r.Scan() {
			kinds = append(kinds, kindOf(r.Record()))
		}
		if strings.Join(kinds, ",") != "text,text,gc" {
			t.Errorf("kinds = %v", kinds)
		}
		if st := r.Stats(); st.NULLines != 1 || st.Lines != 3 {
			t.Errorf("stats = %+v", st)
		}
	})

	t.Run("10 MiB line", func(t *testing.T) {
		long := bytes.Repeat([]byte("x"), 10<<20)
		in := io.MultiReader(strings.NewReader("before\n"), bytes.NewReader(long), strings.NewReader("\n"+gc+"\n"))
		r := NewReader(in, "in")
		var pieces, total int
		var last Record
		for r.Scan() {
			if tx, ok := r.Record().(*Text); ok && tx.Line == 2 {
				pieces++
				total += len(tx.Text)
			}
			last = r.Record()
		}
		if total != 10<<20 || pieces < 2 {
			t.Errorf("long line: %d bytes in %d pieces, want %d bytes in several", total, pieces, 10<<20)
		}
		if g, ok := last.(*GC); !ok || g.Line != 3 {
			t.Errorf("after the long line: %T %v", last, last)
		}
		if st := r.Stats(); st.Lines != 3 || st.Text != 2 {
			t.Errorf("stats = %+v", st)
		}
	})

	t.Run("not claimed", func(t *testing.T) {
		for _, line := range []string{
			"init runtime @0.008 ms, 0.010 ms clock, 0 bytes, 0 allocs",
			"running gc 5 times",
			"scan: 5 files",
			"pacer: hello",
			"the GC forced us to wait",
			"SCHED 1004ms: gomaxprocs=4 idleprocs=0 threads=11",
			"",
		} {
			recs := readAll(t, line+"\n")
			if _, ok := recs[0].(*Text); !ok {
				t.Errorf("%q: got %T %v, want text", line, recs[0], recs[0])
			}
		}
	})
}

func describe(r Record) string {
	switch r := r.(type) {
	case *GC:
		return fmt.Sprintf("gc %d", r.N)
	case *Text:
		return "text " + string(r.Text)
	case *SyntaxError:
		return "error " + r.Field
	case *Runtime:
		return r.Kind.String()
	}
	return "?"
}

func kindOf(r Record) string {
	switch r := r.(type) {
	case *GC:
		return "gc"
	case *Runtime:
		return r.Kind.String()
	case *Text:
		return "text"
	case *SyntaxError:
		return "error"
	}
	return "?"
}

func TestSyntaxErrors(t *testing.T) {
	tests := []struct {
		line  string
		field string
		at    string // the error points at the first occurrence of this
	}{
		{"gc 1 @0.000s 34%: 0.41+0.14 ms clock, 0.82+0.056/0.095/0+0.014 ms cpu, 4->4->3 MB, 4 MB goal, 2 P", "clock", "0.41"},
		{"gc 1 @0.000s 34%: 0.41+0.14+0.007 ms clock, 0.82+0.056+0.095/0+0.014 ms cpu, 4->4->3 MB, 4 MB goal, 2 P", "cpu", "+0.095"},
		{"gc 1 @0.000s 34%: 0.41+0.14+0.007 ms clock, 0.82+0.056/0.095/0+0.014 ms cpu, 4->x->3 MB, 4 MB goal, 2 P", "heap", "x->"},
		{"gc 1 @x", "start time", "x"},
		{"gc 1", "start time", ""},
		{"gc 99999999999999999999 @0.000s 1%: 0.1+0.1+0.1 ms clock, …", "cycle number", "999"},
		{"scav 1 KiB work, x KiB total, 1% util", "total", "x"},
		{"gc3(1): 1+2 us, 0 -> 0 MB, 1 (1-0) objects, 0/0/0 sweeps, 0(0) handoff, 0(0) steal, 0/0/0 yields", "clock", "1+2"},
	}
	for _, tt := range tests {
		var e *SyntaxError
		for _, rec := range readAll(t, "x\n"+tt.line+"\n") {
			if se, ok := rec.(*SyntaxError); ok {
				e = se
			}
		}
		if e == nil {
			t.Errorf("%q: no syntax error", tt.line)
			continue
		}
		col := len(tt.line) + 1
		if tt.at != "" {
			col = strings.Index(tt.line, tt.at) + 1
		}
		if e.Field != tt.field || e.Line != 2 || e.Col != col || e.File != "in" {
			t.Errorf("%q: got %v (field %q col %d), want field %q at 2:%d", tt.line, e, e.Field, e.Col, tt.field, col)
		}
		if !strings.HasPrefix(e.Error(), "in:2:") {
			t.Errorf("message %q does not start with file:line", e.Error())
		}
	}
}

func TestProcesses(t *testing.T) {
	line := func(n int, at string, p int) string {
		return "gc " + itoa(n) + " @" + at + "s 1%: 0.1+1.0+0.01 ms clock, 0.2+0.1/1.0/0+0.02 ms cpu, 4->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, " + itoa(p) + " P"
	}
	in := strings.Join([]string{
		line(1, "0.001", 8), // go command
		line(2, "0.050", 8),
		line(1, "0.002", 2), // compiler: restarts at 1
		line(3, "0.090", 8), // go command again, interleaved
		line(2, "0.010", 2), // compiler
		line(3, "0.020", 2),
		line(4, "0.100", 8),
		line(1, "0.001", 8), // the program itself
		line(2, "0.003", 8),
		line(4, "0.005", 8), // a line was lost: still the same process
	}, "\n") + "\n"
	r := NewReader(strings.NewReader(in), "in")
	var got []int
	for r.Scan() {
		got = append(got, r.Record().(*GC).Process)
	}
	want := []int{1, 1, 2, 1, 2, 2, 1, 3, 3, 3}
	if !equalInts(got, want) {
		t.Errorf("processes = %v, want %v", got, want)
	}
	if n := r.Stats().Processes; n != 3 {
		t.Errorf("Stats().Processes = %d, want 3", n)
	}
}

func itoa(n int) string { return string(appendScaled(nil, int64(n), 0, 0)) }

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestEmptyAndBinary(t *testing.T) {
	if recs := readAll(t, ""); len(recs) != 0 {
		t.Errorf("empty input gave %d records", len(recs))
	}
	bin := make([]byte, 4096)
	for i := range bin {
		bin[i] = byte(i * 7)
	}
	r := NewReader(bytes.NewReader(bin), "bin")
	for r.Scan() {
	}
	if st := r.Stats(); st.GC != 0 || st.NULLines == 0 {
		t.Errorf("binary input: %+v", st)
	}
}

// TestRealTraces reads every trace printed by a real runtime and checks
// that each GC line prints again byte for byte and that nothing claimed
// fails to parse.
func TestRealTraces(t *testing.T) {
	files, _ := filepath.Glob("../testdata/*/*.log")
	if len(files) == 0 {
		t.Skip("no traces under testdata")
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		r := NewReader(bytes.NewReader(data), file)
		for r.Scan() {
			switch rec := r.Record().(type) {
			case *GC:
				if !spansLines(data, rec.Line, rec.Col, rec.String()) {
					t.Errorf("%s:%d: printed again as\n%s\nwhich is not what the lines from there hold", file, rec.Line, rec)
				}
			case *SyntaxError:
				if !strings.Contains(file, "twoproc") {
					t.Errorf("%v", rec)
				}
			}
		}
	}
}

// spansLines reports whether text is what the runtime wrote from line n,
// column col on: the line holds a prefix of it, and each following line
// (within a few) either continues it from its first byte or is the
// program's own output.
func spansLines(data []byte, n, col int, text string) bool {
	lines := strings.Split(string(data), "\n")
	rest := strings.TrimPrefix(lines[n-1][col-1:], "")
	k := commonPrefix(text, rest)
	if k < 2 {
		return false
	}
	text = text[k:]
	for i := n; i < len(lines) && i < n+maxPending && text != ""; i++ {
		text = text[commonPrefix(text, lines[i]):]
	}
	return text == ""
}

func commonPrefix(a, b string) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return i
}

// TestFastGC checks fastGC against parseGC at the edges of what it takes:
// number lengths, decimals, the optional parts, and lines it must leave
// to the general grammar.
func TestFastGC(t *testing.T) {
	const line = "gc 12 @3.456s 7%: 0.013+1.2+0.056 ms clock, 0.10+0.050/0.59/0.090+0.45 ms cpu, 5->6->2 MB, 6 MB goal, 0 MB stacks, 1 MB globals, 8 P"
	take := []string{
		line,
		line + " (forced)",
		"gc 1 @123456789.123s 0%: 0+0+0 ms clock, 0+0/0/0+0 ms cpu, 0->0->0 MB, 0 MB goal, 2 P",
		"gc 1 @0.000s 0%: 0+0+0 ms clock, 0+0/0/0+0 ms cpu, 0->0->0 MB, 0 MB goal, 2 P",
		"gc 1 @0s 0%: 0.5+12+100 ms clock, 1.0000+0.123456/999999999999/0.1+7 ms cpu, 4->4->3 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P",
		"gc 9999999999999 @999999999.123456789s 100%: 999999999999.999999+0+0 ms clock, 0+0/0/0+0 ms cpu, 9999999999999->1->1 MB, 1 MB goal, 9999999999999 P",
	}
	leave := []string{
		"gc 12 @3.456s 7%: 0.013+1.2+0.056 ms clock, 0.10+0.050/0.59/0.090+0.45 ms cpu, 5->6->2 MB, 6 MB goal, 0 MB stacks, 1 MB globals, 8 P ",
		"gc 12 @3.456s 7%: 0.013+1.2+0.056 ms clock, 0.10+0.050/0.59/0.090+0.45 ms cpu, 5->6->2 MB, 6 MB goal, 8 P (forced)app",
		"gc #12 @3.456s 7%: 0.013+1.2+0.056 ms clock, 0.10+0.050/0.59/0.090+0.45 ms cpu, 5->6->2 MB, 6 MB goal, 8 P",
		"gc 12 @3.456s: 0.013+1.2+0.056 ms clock, 0.10+0.050/0.59/0.090+0.45 ms cpu, 5->6->2 MB, 6 MB goal, 8 P",
		"gc 12 @3.456s 7% (checking for goroutine leaks): 0.013+1.2+0.056 ms clock, 0.10+0.050/0.59/0.090+0.45 ms cpu, 5->6->2 MB, 6 MB goal, 8 P",
		"gc 12 @3.456s 7%: 0.013+1.2+0.056+1+1 ms clock, 0.10+1+1+0.050/0.59/0.090+0.45 ms cpu, 5->6->2 MB, 6 MB goal, 8 P",
		"gc 12 @3.456s 7%: 0.013+1.2+0.056 ms clock, 0.10+0.050/0.59/0.090+0.45 ms cpu, 5->6 MB, 6 MB goal, 8 P",
		"gc 12 @3.456s 7%: 0.013+1.2+0.056 ms clock, 0.10+0.050/0.59/0.090+0.45 ms cpu, 5->6->2 MB, 8 P",
		"gc 12 @3.456s 7%: 0.013+1.2+0.0567890 ms clock, 0.10+0.050/0.59/0.090+0.45 ms cpu, 5->6->2 MB, 6 MB goal, 8 P",
		"gc 12 @3.456s 7%: 0.013+1.+0.056 ms clock, 0.10+0.050/0.59/0.090+0.45 ms cpu, 5->6->2 MB, 6 MB goal, 8 P",
		"gc 12 @3.456s 7%: 0.013+1.2+1234567890123.1 ms clock, 0.10+0.050/0.59/0.090+0.45 ms cpu, 5->6->2 MB, 6 MB goal, 8 P",
		"gc 12 @1234567890.1s 7%: 0.013+1.2+0.056 ms clock, 0.10+0.050/0.59/0.090+0.45 ms cpu, 5->6->2 MB, 6 MB goal, 8 P",
		"gc 12 @3.4567890123s 7%: 0.013+1.2+0.056 ms clock, 0.10+0.050/0.59/0.090+0.45 ms cpu, 5->6->2 MB, 6 MB goal, 8 P",
		"gc 12 @3.456s 7%: 0.013+1.2+0.056 ms clock, 0.10+0.050/0.59/0.090+0.45 ms cpu, 5->6->2 MB, 6 MB goal, 12345678901234 P",
		"gc 12 @3.456s 7%: 0.013+1.2+0.056 ms clock, 0.10+0.050/0.59/0.090+0.45 ms cpu, 5->6->2 MB, 6 MB goal, 0 MB stacks, 8 P",
		"gc 12 @3.456s 7%: 0.013+1.2+0.056 ms clock, 0.10+0.050/0.59/0.090+0.45 ms cpu, 5->6->2 MB, 6 MB goal",
		"gc 12 @3.456s 7%: 0.013+1.2+0.056 ms clock, 0.10+0.050/0.59/0.090+0.45 ms cpu, 5->6->2 MB, 6 MB goal, 8",
		"gc 12 @3.456s 7%: 0.",
		"gc 12",
		"gc14(2): 1+1+0 ms 10 -> 5 MB 58439 -> 8912 (573381-564469) objects 184 handoff",
	}
	for _, s := range take {
		var g GC
		if got := fastGC([]byte(s), &g); got != len(s) {
			t.Errorf("fastGC(%q) = %d, want %d", s, got, len(s))
		}
		checkFastGC(t, []byte(s))
		for n := range len(s) {
			checkFastGC(t, []byte(s[:n]))
		}
	}
	for _, s := range leave {
		var g GC
		if got := fastGC([]byte(s), &g); got == len(s) {
			t.Errorf("fastGC(%q) takes the line; the general grammar should decide", s)
		}
	}
	files, _ := filepath.Glob("../testdata/*/*.log")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range bytes.Split(data, []byte("\n")) {
			checkFastGC(t, bytes.TrimSuffix(l, []byte("\r")))
		}
	}
}
