package tune

import (
	"io"
	"strings"
	"testing"
)

func TestParseFormat(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Format
		err  string
	}{
		{"text", Text, ""},
		{"JSON", JSON, ""},
		{"xml", "", `unknown format "xml" (want text or json)`},
		{"", "", `unknown format "" (want text or json)`},
	} {
		got, err := ParseFormat(tc.in)
		if got != tc.want || (err == nil) != (tc.err == "") || (err != nil && err.Error() != tc.err) {
			t.Errorf("ParseFormat(%q) = %q, %v; want %q, %q", tc.in, got, err, tc.want, tc.err)
		}
	}
}

// TestRenderUnknownFormat: a Format that did not come from ParseFormat is
// an error, not empty output.
func TestRenderUnknownFormat(t *testing.T) {
	st := Run(record(t, "bomb/leak.log"), Options{}, []Setting{{GOGC: 200, MemoryLimit: AsRecorded}}, 0)
	var b strings.Builder
	if err := st.Render(&b, "xml", false); err == nil || !strings.Contains(err.Error(), `unknown format "xml"`) {
		t.Errorf("Render(xml) = %v", err)
	}
	if b.Len() != 0 {
		t.Errorf("Render(xml) wrote %q", b.String())
	}
	for _, f := range []Format{Text, JSON} {
		if err := st.Render(io.Discard, f, false); err != nil {
			t.Errorf("Render(%s) = %v", f, err)
		}
	}
}
