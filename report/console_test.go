package report

import (
	"bytes"
	"testing"
)

func TestLineWriter(t *testing.T) {
	var b bytes.Buffer
	lw := NewLineWriter(&b, false)
	lw.Pass([]byte("abc"), false)
	lw.Say("gctrace: one")
	lw.Pass([]byte("def\nghi"), false)
	lw.Say("gctrace: two")
	lw.Pass([]byte("jkl"), true)
	lw.Say("gctrace: three")
	lw.Pass([]byte("partial"), false)
	lw.Say("gctrace: four")
	lw.FlushHeld()
	lw.Flush()
	const want = "abcdef\ngctrace: one\nghijkl\ngctrace: two\ngctrace: three\npartial\ngctrace: four\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}
