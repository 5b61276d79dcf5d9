package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/pprof"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	rpprof "runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gctrace/gctrace/attribute"
	"github.com/spf13/cobra"
)

// attributeTestProfile is the saved profile the golden files are made
// from; see attribute/testdata/README.md.
const attributeTestProfile = "../../attribute/testdata/allocs.pb.gz"

// attributeGolden compares got with attribute/testdata/golden/name, next
// to the profile it is made from.
func attributeGolden(t *testing.T, name, got string) {
	t.Helper()
	checkGolden(t, filepath.Join("..", "..", "..", "attribute", "testdata", "golden", name), got)
}

// attributeRepoSource reads a source file the test profile names by its
// -trimpath name from this repository, so listings do not depend on
// where the checkout is.
func attributeRepoSource(name string) ([]byte, error) {
	rel, ok := strings.CutPrefix(filepath.ToSlash(name), "github.com/gctrace/gctrace/")
	if !ok {
		return nil, os.ErrNotExist
	}
	return os.ReadFile(filepath.Join("..", "..", filepath.FromSlash(rel)))
}

// runAttributeCmd runs gctrace attribute on its own, with listed sources
// read from the repository.
func runAttributeCmd(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	s := &streams{In: strings.NewReader(""), Out: &out, Err: &errb}
	var cmd *cobra.Command
	cmd = newCmdAttribute(s, func(o *attributeOptions) error {
		o.readSource = attributeRepoSource
		return runAttribute(cmd, s, o)
	})
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err = cmd.Execute()
	return out.String(), errb.String(), err
}

// requireAttributeRegistered skips a test that goes through main's run
// when root.go does not list the command, so this file's other tests can
// stand while that one-line registration is pending.
func requireAttributeRegistered(t *testing.T) {
	t.Helper()
	root := newRootCmd(&streams{In: strings.NewReader(""), Out: new(bytes.Buffer), Err: new(bytes.Buffer)})
	if cmd, _, err := root.Find([]string{"attribute"}); err != nil || cmd == root {
		t.Skip("gctrace attribute is not registered in root.go")
	}
}

func TestAttributeGolden(t *testing.T) {
	for _, tc := range []struct {
		golden string
		args   []string
	}{
		{"attribute.txt", nil},
		{"attribute.json", []string{"--format", "json"}},
		{"attribute-cum.txt", []string{"--cum", "--top", "3"}},
		{"attribute-objects.txt", []string{"--sample", "alloc_objects", "--top", "0"}},
		{"attribute-inuse.txt", []string{"--sample", "inuse_space"}},
		{"attribute-list.txt", []string{"--list", `Dog|descend`}},
		{"attribute-list.json", []string{"--list", `^main\.descend$`, "-f", "json", "--top", "1"}},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			stdout, stderr, err := runAttributeCmd(t, append(tc.args, attributeTestProfile)...)
			if err != nil || stderr != "" {
				t.Fatalf("err %v, stderr %q", err, stderr)
			}
			attributeGolden(t, tc.golden, stdout)
			if strings.HasSuffix(tc.golden, ".json") && !json.Valid([]byte(stdout)) {
				t.Errorf("not JSON:\n%s", stdout)
			}
		})
	}
}

// TestAttributeListWithoutSource checks a listing still shows the lines
// the profile knows when the source file cannot be read.
func TestAttributeListWithoutSource(t *testing.T) {
	var out bytes.Buffer
	s := &streams{Out: &out, Err: &out}
	var cmd *cobra.Command
	cmd = newCmdAttribute(s, func(o *attributeOptions) error {
		o.readSource = func(string) ([]byte, error) { return nil, os.ErrNotExist }
		return runAttribute(cmd, s, o)
	})
	cmd.SetArgs([]string{"--list", `^main\.descend$`, attributeTestProfile})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	want := regexp.MustCompile(`(?m)^ +[0-9.]+ MiB +[0-9.]+ MiB +43\n +\. +[0-9.]+ MiB +45\n\z`)
	if !want.MatchString(out.String()) {
		t.Errorf("listing without source:\n%s", out.String())
	}
}

func TestAttributeFlags(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "allocs.pb.gz")
	os.WriteFile(file, []byte("x"), 0o644)
	for _, tc := range []struct {
		args []string
		want string // the options that matter, or the usage error
	}{
		{[]string{"http://localhost:6060"}, "http://localhost:6060/debug/pprof/ seconds=0 sample= top=10 cum=false format=text timeout=30s"},
		{[]string{"--seconds", "10", "--top", "3", "--cum", "-f", "json", "--timeout", "1m", "localhost:6060"}, "http://localhost:6060/debug/pprof/ seconds=10 sample= top=3 cum=true format=json timeout=1m0s"},
		{[]string{"http://h:1/debug/pprof/allocs?seconds=5"}, "http://h:1/debug/pprof/allocs seconds=5 sample= top=10 cum=false format=text timeout=30s"},
		{[]string{"--seconds", "5", "http://h:1/debug/pprof/allocs?seconds=5"}, "http://h:1/debug/pprof/allocs seconds=5 sample= top=10 cum=false format=text timeout=30s"},
		{[]string{"--sample", "inuse_space", "--top", "0", file}, file + " seconds=0 sample=inuse_space top=0 cum=false format=text timeout=30s"},
		{[]string{"--list", "Dog", file}, file + " seconds=0 sample= top=10 cum=false format=text timeout=30s list=Dog"},

		{[]string{}, "attribute needs one SOURCE"},
		{[]string{"a", "b"}, "attribute needs one SOURCE"},
		{[]string{"-f", "xml", file}, `unknown format "xml" (want text or json)`},
		{[]string{"--sample", "cpu", file}, `unknown sample "cpu" (want alloc_space, alloc_objects, inuse_space, inuse_objects)`},
		{[]string{"--top", "-1", file}, "--top -1: want 0 (all) or more"},
		{[]string{"--seconds", "-1", "localhost:1"}, "--seconds -1: want 0 (since the program started) or more"},
		{[]string{"--timeout", "0s", "localhost:1"}, "--timeout 0s: want a positive duration"},
		{[]string{"--list", "(", file}, `--list "(" is not a regular expression`},
		{[]string{"--seconds", "3", file}, "--seconds needs a live endpoint: " + file + " is a saved profile"},
		{[]string{"--seconds", "3", "http://h:1/?seconds=5"}, "--seconds 3 and the URL's seconds=5 disagree"},
		{[]string{"--seconds", "3", "--sample", "inuse_space", "http://h:1"}, "--sample inuse_space takes no window"},
		{[]string{"ftp://h/allocs"}, "only http and https"},
	} {
		var got string
		cmd := newCmdAttribute(&streams{Out: new(bytes.Buffer), Err: new(bytes.Buffer)}, func(o *attributeOptions) error {
			got = o.Source.String() + " seconds=" + strconv.Itoa(o.Seconds) + " sample=" + o.Sample + " top=" + strconv.Itoa(o.Top) +
				" cum=" + map[bool]string{true: "true", false: "false"}[o.Cum] + " format=" + string(o.Format) + " timeout=" + o.Timeout.String()
			if o.List != nil {
				got += " list=" + o.List.String()
			}
			return nil
		})
		cmd.SetArgs(tc.args)
		cmd.SetOut(new(bytes.Buffer))
		cmd.SetErr(new(bytes.Buffer))
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		if err := cmd.Execute(); err != nil {
			var ue *usageError
			if !errors.As(err, &ue) && !isCobraUsage(err) {
				t.Errorf("%q: %v is not a usage error", tc.args, err)
			}
			got = err.Error()
		}
		if !strings.Contains(got, tc.want) {
			t.Errorf("%q:\n got %s\nwant %s", tc.args, got, tc.want)
		}
	}
}

var attributeTestSink atomic.Pointer[[]byte]

// attributeTestChurn allocates n MiB and drops it.
//
//go:noinline
func attributeTestChurn(n int) {
	for i := 0; i < n; i++ {
		b := make([]byte, 1<<20)
		attributeTestSink.Store(&b)
	}
}

// newAttributePprofServer serves the real net/http/pprof handlers on a
// loopback port.
func newAttributePprofServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// TestAttributeLive asks a real pprof endpoint for a one-second window
// while the test churns, through the whole command line.
func TestAttributeLive(t *testing.T) {
	requireAttributeRegistered(t)
	srv := newAttributePprofServer(t)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-done:
				return
			default:
			}
			attributeTestChurn(16)
			runtime.GC()
			time.Sleep(20 * time.Millisecond)
		}
	}()
	defer func() { close(done); wg.Wait() }()

	r := runGctrace(t, "", "attribute", "--seconds", "1", "--format", "json", srv.URL)
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if want := "gctrace: collecting 1 s of allocations from " + srv.URL + "/debug/pprof/\n"; r.stderr != want {
		t.Errorf("stderr %q, want %q", r.stderr, want)
	}
	var rep struct {
		Sample        string  `json:"sample"`
		Total         int64   `json:"total"`
		WindowSeconds float64 `json:"window_seconds"`
		Functions     []struct {
			Name        string  `json:"name"`
			Flat        int64   `json:"flat"`
			FlatPercent float64 `json:"flat_percent"`
		} `json:"functions"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("%v:\n%s", err, r.stdout)
	}
	if rep.Sample != "alloc_space" || rep.WindowSeconds < 0.9 || rep.WindowSeconds > 10 || len(rep.Functions) == 0 {
		t.Fatalf("report %+v", rep)
	}
	// A test binary names package main by its import path.
	if !strings.HasSuffix(rep.Functions[0].Name, "gctrace.attributeTestChurn") || rep.Functions[0].FlatPercent < 50 {
		t.Errorf("top function %+v, want attributeTestChurn with most of it", rep.Functions[0])
	}
}

// TestAttributeErrors checks each failure is one line on stderr, prefixed
// once, with exit code 2.
func TestAttributeErrors(t *testing.T) {
	requireAttributeRegistered(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	noPprof := httptest.NewServer(http.NewServeMux())
	t.Cleanup(noPprof.Close)
	html := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html><body>Sign in</body></html>"))
	}))
	t.Cleanup(html.Close)
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.pb.gz")
	os.WriteFile(empty, nil, 0o644)

	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{closed}, "gctrace: http://" + closed + "/debug/pprof/allocs: nothing is listening at " + closed},
		{[]string{noPprof.URL}, `pprof is not enabled there: import _ "net/http/pprof"`},
		{[]string{html.URL}, "answered with an HTML page, not a profile"},
		{[]string{empty}, "gctrace: " + empty + ": the file is empty"},
		{[]string{filepath.Join(dir, "missing.pb.gz")}, "no such file, and not a URL either"},
		{[]string{"--list", "nosuchfunction", attributeTestProfile}, `no function in ../../attribute/testdata/allocs.pb.gz matches --list "nosuchfunction"`},
		{[]string{"--format", "xml", attributeTestProfile}, `gctrace: unknown format "xml"`},
	} {
		r := runGctrace(t, "", append([]string{"attribute"}, tc.args...)...)
		if r.code != exitError {
			t.Errorf("%q: exit %d, want %d", tc.args, r.code, exitError)
		}
		first, _, _ := strings.Cut(r.stderr, "\n")
		if !strings.Contains(first, tc.says) || strings.Count(r.stderr, "gctrace: ") != 1 || !strings.HasPrefix(r.stderr, "gctrace: ") {
			t.Errorf("%q: stderr %q, want one line saying %q", tc.args, r.stderr, tc.says)
		}
		if r.stdout != "" {
			t.Errorf("%q: stdout %q", tc.args, r.stdout)
		}
	}
}

// TestAttributeCPUProfile gives the command a real CPU profile.
func TestAttributeCPUProfile(t *testing.T) {
	requireAttributeRegistered(t)
	file := filepath.Join(t.TempDir(), "cpu.pb.gz")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := rpprof.StartCPUProfile(f); err != nil {
		t.Skipf("cannot record a CPU profile here: %v", err)
	}
	var sum int
	for n, end := 0, time.Now().Add(100*time.Millisecond); time.Now().Before(end); n++ {
		sum += n * n
	}
	runtime.KeepAlive(sum)
	rpprof.StopCPUProfile()
	f.Close()
	r := runGctrace(t, "", "attribute", file)
	if r.code != exitError || !strings.Contains(r.stderr, "is a CPU profile with samples samples/count, cpu/nanoseconds, and no alloc_space") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
	var e *attribute.Error
	_, _, err = runAttributeCmd(t, file)
	if !errors.As(err, &e) || !errors.Is(err, attribute.ErrWrongKind) || e.Source != file {
		t.Errorf("error %#v", err)
	}
}
