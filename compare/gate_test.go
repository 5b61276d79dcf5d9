package compare

import (
	"strings"
	"testing"
)

func TestAllowancesSet(t *testing.T) {
	for _, c := range []struct {
		in, want, err string
	}{
		{in: "", want: "alloc-rate=15%,gc-cpu=10%,pause-p99=20%"},
		{in: "gc-cpu=5%", want: "alloc-rate=15%,gc-cpu=5%,pause-p99=20%"},
		{in: "gc-rate=20, pause-p99=off", want: "alloc-rate=15%,gc-cpu=10%,gc-rate=20%"},
		{in: "gc-cpu=2.5%,alloc-rate=off,pause-p99=off", want: "gc-cpu=2.5%"},
		{in: "gc-cpu", err: "want METRIC=PERCENT"},
		{in: "peak-heap=10%", err: `cannot gate on "peak-heap"`},
		{in: "gogc=10%", err: `cannot gate on "gogc"`},
		{in: "nope=1", err: "metrics: gc-rate, gc-cpu, pause-p50"},
		{in: "gc-cpu=-1%", err: "want a percentage"},
		{in: "gc-cpu=ten", err: "want a percentage"},
	} {
		a := DefaultAllowances()
		err := a.Set(c.in)
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("Set(%q) = %v, want an error with %q", c.in, err, c.err)
		case c.err == "" && err != nil:
			t.Errorf("Set(%q): %v", c.in, err)
		case c.err == "" && a.String() != c.want:
			t.Errorf("Set(%q) = %s, want %s", c.in, a, c.want)
		}
	}
}

func TestParseMatch(t *testing.T) {
	m, err := ParseMatch("1=2, 3=1")
	if err != nil || len(m) != 2 || m[0] != (Match{1, 2}) || m[1] != (Match{3, 1}) {
		t.Errorf("ParseMatch = %v, %v", m, err)
	}
	for _, bad := range []string{"", "1", "1=x", "0=1", "1=2=3", "1=2x", ","} {
		if _, err := ParseMatch(bad); err == nil {
			t.Errorf("ParseMatch(%q) took it", bad)
		}
	}
}

func TestTestPackage(t *testing.T) {
	for in, want := range map[string]string{
		"ok  \texample.com/a\t1.203s":                  "example.com/a",
		"ok  \texample.com/a\t0.012s\tcoverage: 50.0%": "example.com/a",
		"FAIL\texample.com/b\t0.5s":                    "example.com/b",
		"ok  \texample.com/a\t(cached)":                "",
		"FAIL\texample.com/b [build failed]":           "",
		"?   \texample.com/c\t[no test files]":         "",
		"--- FAIL: TestX (0.00s)":                      "",
		"okay then":                                    "",
		"ok":                                           "",
	} {
		if got := testPackage([]byte(in)); got != want {
			t.Errorf("testPackage(%q) = %q, want %q", in, got, want)
		}
	}
}
