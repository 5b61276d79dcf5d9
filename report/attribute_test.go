package report

import (
	"bytes"
	"testing"

	"github.com/gctrace/gctrace/attribute"
)

// TestAttributeListingLines checks the source view of a listing: lines
// without samples get dots, samples without a line number do not shift
// the others, and the view runs to the closing brace.
func TestAttributeListingLines(t *testing.T) {
	src := "package p\n\nfunc f() {\n\tx := make([]byte, 8)\n\n\tg(x)\n}\n"
	rep := &Attribution{
		Ranking: &attribute.Ranking{Unit: "bytes"},
		Listings: []attribute.Listing{{Name: "p.f", File: "p.go", StartLine: 3, Flat: 3072, Cum: 5120, Total: 10240,
			Lines: []attribute.Line{{Line: 0, Flat: 1024, Cum: 1024}, {Line: 4, Flat: 2048, Cum: 2048}, {Line: 6, Cum: 2048}}}},
	}
	var out bytes.Buffer
	err := attributeListings(&out, rep, func(string) ([]byte, error) { return []byte(src), nil })
	if err != nil {
		t.Fatal(err)
	}
	want := `ROUTINE ======================== p.f in p.go
  3.00 KiB   5.00 KiB (flat, cum) 50.00% of total
         .          .      3: func f() {
  2.00 KiB   2.00 KiB      4:     x := make([]byte, 8)
         .          .      5:
         .   2.00 KiB      6:     g(x)
         .          .      7: }
`
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}
