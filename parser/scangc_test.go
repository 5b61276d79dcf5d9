package parser

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// checkScanGC reads data with Scan and with ScanGC into a few reused,
// dirty slots, and wants the same records, stats and error from both.
func checkScanGC(t *testing.T, data []byte) {
	t.Helper()
	want := NewReader(bytes.NewReader(data), "in")
	want.MaxLine = 4096
	got := NewReader(bytes.NewReader(data), "in")
	got.MaxLine = 4096
	// Slots that held a pre-1.5 record before, as a reused batch's do.
	var slots [3]GC
	for i := range slots {
		slots[i].Old.Heap0, slots[i].Old.Yields[2], slots[i].N = 7, 9, 99
	}
	sameRecords(t, want, got, "ScanGC", func(n int) bool {
		g := &slots[n%len(slots)]
		ok := got.ScanGC(g)
		if gc, isGC := got.Record().(*GC); ok && isGC && gc != g {
			t.Fatalf("record %d: ScanGC left the GC record in the Reader", n)
		}
		return ok
	})
}

// sameRecords reads want with Scan and got with next, which returns what
// got's way of reading (label) returns for record n, and wants the same
// records, stats and error from both.
func sameRecords(t *testing.T, want, got *Reader, label string, next func(n int) bool) {
	t.Helper()
	for n := 0; ; n++ {
		ok1, ok2 := want.Scan(), next(n)
		if ok1 != ok2 {
			t.Fatalf("record %d: Scan %v, %s %v", n, ok1, label, ok2)
		}
		if !ok1 {
			break
		}
		if r1, r2 := want.Record(), got.Record(); !reflect.DeepEqual(r1, r2) {
			t.Fatalf("record %d:\nScan %#v\n%s %#v", n, r1, label, r2)
		}
	}
	if want.Stats() != got.Stats() || want.Err() != got.Err() {
		t.Fatalf("Scan ends with %+v, %v; %s with %+v, %v", want.Stats(), want.Err(), label, got.Stats(), got.Err())
	}
}

func TestScanGC(t *testing.T) {
	checkScanGC(t, benchTrace(100))
	checkScanGC(t, []byte("gc 6app: tick\n @0.006s 8%: 0.005+0.44+0.001 ms clock, 0.010+0.050/0/0+0.002 ms cpu, 2->3->1 MB, 4 MB goal, 2 P\n"+
		"gc14(2): 1+1+0 ms 10 -> 5 MB 58439 -> 8912 (573381-564469) objects 184 handoff\n"+
		"gc 7 @0.007s 8%: 0.005+0.44+0.001 ms clock, 0.010+0.050/0/0+0.002 ms cpu, 2->3->1 MB, 4 MB goal, 2 P\n"))
	eachTrace(t, func(t *testing.T, data []byte) { checkScanGC(t, data) })
}

// eachTrace runs check on every trace under testdata, in a subtest named
// after it.
func eachTrace(t *testing.T, check func(t *testing.T, data []byte)) {
	t.Helper()
	files, _ := filepath.Glob("../testdata/*/*.log")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(filepath.Base(file), func(t *testing.T) { check(t, data) })
	}
}

func FuzzScanGC(f *testing.F) {
	f.Add([]byte("gc 1 @0.000s 34%: 0.41+0.14+0.007 ms clock, 0.82+0.056/0.095/0+0.014 ms cpu, 4->4->3 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n"))
	f.Add([]byte("gc 6app: tick\n @0.006s 8%: 0.005+0.44+0.001 ms clock, 0.010+0.050/0/0+0.002 ms cpu, 2->3->1 MB, 4 MB goal, 2 P\n"))
	f.Add([]byte("gc14(2): 1+1+0 ms 10 -> 5 MB 58439 -> 8912 (573381-564469) objects 184 handoff\n"))
	f.Fuzz(func(t *testing.T, data []byte) { checkScanGC(t, data) })
}
