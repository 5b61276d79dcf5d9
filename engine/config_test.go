package engine

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestReadConfig(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		text    string
		want    []Setting
		wantErr string
	}{
		{"# gctrace.conf\n\nmax-pause = 5ms\n  rules = -forced-gc, -periodic-gc  # not these\nlong-pause.warning=2ms\n",
			[]Setting{{"max-pause", "5ms", 3}, {"rules", "-forced-gc, -periodic-gc", 4}, {"long-pause.warning", "2ms", 5}}, ""},
		{"", nil, ""},
		{"max-pause = 5ms\nfail-on warning\n", nil, `gctrace.conf:2: want NAME = VALUE, not "fail-on warning"`},
		{"a = b\r\nc=\n", []Setting{{"a", "b", 1}, {"c", "", 2}}, ""},
	} {
		path := filepath.Join(dir, "gctrace.conf")
		if err := os.WriteFile(path, []byte(c.text), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := ReadConfig(path)
		switch {
		case c.wantErr != "":
			if err == nil || !strings.HasSuffix(err.Error(), c.wantErr) {
				t.Errorf("%q: error %v, want one ending %q", c.text, err, c.wantErr)
			}
		case err != nil:
			t.Errorf("%q: %v", c.text, err)
		case !reflect.DeepEqual(got, c.want):
			t.Errorf("%q: got %+v, want %+v", c.text, got, c.want)
		}
	}
	if _, err := ReadConfig(filepath.Join(dir, "missing.conf")); err == nil || !strings.HasPrefix(err.Error(), "cannot read config file: ") {
		t.Errorf("missing file: %v", err)
	}
}
