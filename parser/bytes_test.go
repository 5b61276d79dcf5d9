package parser

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// checkBytes reads data with NewReaderBytes and with NewReader over a
// bytes.Reader, and wants the same records, stats and error from both,
// and data unchanged.
func checkBytes(t *testing.T, data []byte) {
	t.Helper()
	orig := bytes.Clone(data)
	want := NewReader(bytes.NewReader(data), "in")
	got := NewReaderBytes(data, "in")
	sameRecords(t, want, got, "NewReaderBytes", func(int) bool { return got.Scan() })
	if !bytes.Equal(data, orig) {
		t.Fatal("the Reader wrote to its input")
	}
}

func TestReaderBytes(t *testing.T) {
	const gc = "gc 7 @0.007s 8%: 0.005+0.44+0.001 ms clock, 0.010+0.050/0/0+0.002 ms cpu, 2->3->1 MB, 4 MB goal, 2 P"
	long := func(n int) string { return strings.Repeat("x", n) }
	cases := map[string]string{
		"empty":              "",
		"no final newline":   gc,
		"CRLF":               gc + "\r\n" + gc + "\r\n",
		"broken line":        "gc 6app: tick\n @0.006s 8%: 0.005+0.44+0.001 ms clock, 0.010+0.050/0/0+0.002 ms cpu, 2->3->1 MB, 4 MB goal, 2 P\n",
		"cut off at the end": gc[:40],
		"docker json-file":   `{"log":"` + strings.ReplaceAll(gc, ">", `\u003e`) + `\n","stream":"stderr"}` + "\n",
		"10 MiB line":        long(10<<20) + "\n" + gc + "\n",
		"GC after long text": long(200<<10) + gc + "\n",
		"long, no newline":   gc + "\n" + long(3*bufSize+5),
		"binary":             "\x00\xff\xfe\n\n\n" + gc + "\n",
	}
	for _, n := range []int{bufSize - 2, bufSize - 1, bufSize, bufSize + 1, 2 * bufSize} {
		cases[fmt.Sprintf("line of %d bytes", n)] = long(n) + "\n" + gc + "\n" + long(n)
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) { checkBytes(t, []byte(in)) })
	}
	checkBytes(t, benchTrace(5000))
	eachTrace(t, func(t *testing.T, data []byte) { checkBytes(t, data) })
}

func FuzzReaderBytes(f *testing.F) {
	f.Add([]byte("gc 1 @0.000s 34%: 0.41+0.14+0.007 ms clock, 0.82+0.056/0.095/0+0.014 ms cpu, 4->4->3 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n"))
	f.Add([]byte("gc 6app: tick\n @0.006s 8%: 0.005+0.44+0.001 ms clock, 0.010+0.050/0/0+0.002 ms cpu, 2->3->1 MB, 4 MB goal, 2 P\n"))
	f.Add([]byte("gc14(2): 1+1+0 ms 10 -> 5 MB 58439 -> 8912 (573381-564469) objects 184 handoff\n"))
	f.Fuzz(func(t *testing.T, data []byte) { checkBytes(t, data) })
}
