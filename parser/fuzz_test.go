package parser

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzReader checks the reader's promises on any input: no panic, every
// position within the input, no more GC, runtime or error records than
// lines, and every GC record printed again parses to the same record.
func FuzzReader(f *testing.F) {
	for _, s := range []string{
		"gc 1 @0.000s 34%: 0.41+0.14+0.007 ms clock, 0.82+0.056/0.095/0+0.014 ms cpu, 4->4->3 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n",
		"gc 290 @256.195s 3%: 0.25+100+0.10 ms clock, 2.0+208/199/0+0.84 ms cpu, 400->410->210 MB, 420 MB goal, 8 P (forced)\n",
		"gc #88 @3.243s 9%: 0.040+16+1.0+5.9+0.34 ms clock, 0.16+16+0+18/5.7/11+1.3 ms cpu, 32->33->19 MB, 33 MB goal, 4 P",
		"gc14(2): 1+1+0 ms 10 -> 5 MB 58439 -> 8912 (573381-564469) objects 184 handoff\n",
		"gc6(5): 0+0+0+1000 us, 0 -> 0 MB, 2118 (2655-537) objects, 85 goroutines, 109/0/0 sweeps, 8(66) handoff, 11(38) steal, 103/4/0 yields\r\n",
		"gc 6app: tick\n @0.006s 8%: 0.005+0.44+0.001 ms clock, 0.010+0.050/0/0+0.002 ms cpu, 2->3->1 MB, 4 MB goal, 2 P\n",
		"scav 19920 KiB work (bg), 0 KiB work (eager), 25256 KiB now, 1% util\nGC forced\nscvg-1: 12 MB released\n",
		`{"log":"gc 1 @0.1s 1%: 0+0+0 ms clock, 0+0/0/0+0 ms cpu, 4-\u003e4-\u003e0 MB, 4 MB goal, 1 P\n"}` + "\n",
		"\x00\xff\xfe\n\n\n",
	} {
		f.Add([]byte(s))
	}
	files, _ := filepath.Glob("../testdata/runtimes/*.log")
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil && len(data) < 64<<10 {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, line := range bytes.Split(data, []byte("\n")) {
			checkFastGC(t, line)
		}
		lines := bytes.Count(data, []byte("\n"))
		if len(data) > 0 && data[len(data)-1] != '\n' {
			lines++
		}
		r := NewReader(bytes.NewReader(data), "fuzz")
		r.MaxLine = 4096
		var claimed int
		for r.Scan() {
			rec := r.Record()
			pos := rec.Position()
			if pos.Line < 1 || pos.Line > lines {
				t.Fatalf("line %d outside 1..%d: %#v", pos.Line, lines, rec)
			}
			switch rec := rec.(type) {
			case *GC:
				claimed++
				again := readOne(t, rec.String())
				g2, ok := again.(*GC)
				if !ok {
					t.Fatalf("%q printed as %q reads as %#v", data, rec.String(), again)
				}
				g1 := *rec
				g1.Pos, g2.Pos = Pos{}, Pos{}
				if g1 != *g2 {
					t.Fatalf("round trip changed the record:\n%#v\n%#v", g1, *g2)
				}
			case *Runtime, *SyntaxError:
				claimed++
			}
		}
		if r.Err() != nil {
			t.Fatal(r.Err())
		}
		if claimed > lines {
			t.Fatalf("%d records claimed from %d lines", claimed, lines)
		}
		if st := r.Stats(); st.Lines != int64(lines) {
			t.Fatalf("Stats().Lines = %d, want %d", st.Lines, lines)
		}
	})
}

func readOne(t *testing.T, line string) Record {
	r := NewReader(bytes.NewReader([]byte(line+"\n")), "again")
	if !r.Scan() {
		t.Fatalf("%q reads as nothing", line)
	}
	rec := r.Record()
	if g, ok := rec.(*GC); ok {
		c := *g
		return &c
	}
	return rec
}

// checkFastGC checks that a line fastGC accepts decodes as parseGC decodes
// it, whatever the record held before.
func checkFastGC(t *testing.T, line []byte) {
	t.Helper()
	var fast, slow GC
	fast.Old.Heap0 = 7 // left over from a pre-1.5 line
	if fastGC(line, &fast) != len(line) {
		return
	}
	if field := parseGC(&cursor{b: line}, &slow); field != "" {
		t.Fatalf("%q: fastGC accepts it, parseGC fails at %s", line, field)
	}
	if fast != slow {
		t.Fatalf("%q:\nfastGC  %#v\nparseGC %#v", line, fast, slow)
	}
}
