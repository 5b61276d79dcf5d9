package attribute

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseSource(t *testing.T) {
	dir := t.TempDir()
	// A file whose name looks like host:port is still a file.
	hostLike := filepath.Join(dir, "localhost:6060")
	if err := os.WriteFile(hostLike, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		in   string
		want Source
	}{
		{"http://localhost:6060", Source{URL: "http://localhost:6060/debug/pprof/"}},
		{"http://localhost:6060/", Source{URL: "http://localhost:6060/debug/pprof/"}},
		{"http://localhost:6060/debug/pprof", Source{URL: "http://localhost:6060/debug/pprof/"}},
		{"http://localhost:6060/debug/pprof/", Source{URL: "http://localhost:6060/debug/pprof/"}},
		{"https://example.com/admin/debug/pprof/", Source{URL: "https://example.com/admin/debug/pprof/"}},
		{"http://localhost:6060/debug/pprof/allocs", Source{URL: "http://localhost:6060/debug/pprof/allocs", Profile: "allocs"}},
		{"http://localhost:6060/debug/pprof/heap?seconds=10", Source{URL: "http://localhost:6060/debug/pprof/heap", Profile: "heap", Seconds: 10}},
		{"http://localhost:6060/debug/pprof/allocs?gc=1&seconds=5", Source{URL: "http://localhost:6060/debug/pprof/allocs?gc=1", Profile: "allocs", Seconds: 5}},
		{"http://localhost:6060/?seconds=3", Source{URL: "http://localhost:6060/debug/pprof/", Seconds: 3}},
		{"http://10.0.0.1:8080/custom/allocs#frag", Source{URL: "http://10.0.0.1:8080/custom/allocs", Profile: "allocs"}},
		{"localhost:6060", Source{URL: "http://localhost:6060/debug/pprof/"}},
		{":6060", Source{URL: "http://localhost:6060/debug/pprof/"}},
		{"127.0.0.1:6060/debug/pprof/heap", Source{URL: "http://127.0.0.1:6060/debug/pprof/heap", Profile: "heap"}},
		{"[::1]:6060", Source{URL: "http://[::1]:6060/debug/pprof/"}},
		{" allocs.pb.gz ", Source{File: "allocs.pb.gz"}},
		{"testdata/allocs.pb.gz", Source{File: "testdata/allocs.pb.gz"}},
		{"C:allocs", Source{File: "C:allocs"}},
		{hostLike, Source{File: hostLike}},
	} {
		got, err := ParseSource(tc.in)
		if err != nil {
			t.Errorf("ParseSource(%q): %v", tc.in, err)
			continue
		}
		if got != tc.want {
			t.Errorf("ParseSource(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

func TestParseSourceErrors(t *testing.T) {
	for in, says := range map[string]string{
		"":                  "empty profile source",
		"ftp://host/allocs": "only http and https",
		"http://":           "no host",
		"http://host:6060/debug/pprof/allocs?seconds=0":   "seconds=0 must be a positive whole number",
		"http://host:6060/debug/pprof/allocs?seconds=ten": "seconds=ten must be",
		"http://host:6060/%zz":                            "not a valid URL",
	} {
		_, err := ParseSource(in)
		if err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("ParseSource(%q) = %v, want an error saying %q", in, err, says)
		}
	}
}

func TestProfileURL(t *testing.T) {
	for _, tc := range []struct {
		in, name string
		seconds  int
		want     string
	}{
		{"http://h:1", "allocs", 0, "http://h:1/debug/pprof/allocs"},
		{"http://h:1", "heap", 10, "http://h:1/debug/pprof/heap?seconds=10"},
		{"http://h:1/debug/pprof/heap?gc=1", "allocs", 5, "http://h:1/debug/pprof/heap?gc=1&seconds=5"},
	} {
		src, err := ParseSource(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := src.profileURL(tc.name, tc.seconds)
		if err != nil || got != tc.want {
			t.Errorf("%s: profileURL(%s, %d) = %q, %v; want %q", tc.in, tc.name, tc.seconds, got, err, tc.want)
		}
	}
}
