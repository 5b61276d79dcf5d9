package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// update rewrites the golden files of every command test:
//
//	go test ./cmd/gctrace -update
var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// result is what one run of the command line produced.
type result struct {
	stdout, stderr string
	code           int
}

// runGctrace runs the command line in-process with stdin as input, the way
// main does, and captures what it prints.
func runGctrace(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	s := &streams{In: strings.NewReader(stdin), Out: &out, Err: &errb, InIsPipe: true}
	code := run(args, s)
	return result{stdout: out.String(), stderr: errb.String(), code: code}
}

// checkGolden compares got with testdata/<name>, or rewrites it with -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the output (run go test -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"nosuchcommand"},
		{"export", "--nosuchflag"},
		{"export", "--format", "xml"},
	} {
		r := runGctrace(t, "", args...)
		if r.code != exitError {
			t.Errorf("%v: exit %d, want %d", args, r.code, exitError)
		}
		if !strings.HasPrefix(r.stderr, "gctrace: ") || strings.Count(r.stderr, "gctrace: ") != 1 {
			t.Errorf("%v: stderr %q, want one message prefixed gctrace:", args, r.stderr)
		}
	}
}

func TestVersion(t *testing.T) {
	r := runGctrace(t, "", "--version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "gctrace version ") {
		t.Errorf("got %+v", r)
	}
}
