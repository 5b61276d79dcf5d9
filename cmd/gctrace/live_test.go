package main

import (
	"net"
	"strings"
	"testing"
)

func TestListenAddr(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{":8080", "127.0.0.1:8080"},
		{"8080", "127.0.0.1:8080"},
		{"127.0.0.1:0", "127.0.0.1:0"},
		{"localhost:9000", "localhost:9000"},
		{"0.0.0.0:8080", "0.0.0.0:8080"},
		{"[::]:8080", "[::]:8080"},
		{"[::1]:0", "[::1]:0"},
	} {
		got, err := listenAddr(c.in)
		if err != nil || got != c.want {
			t.Errorf("listenAddr(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, in := range []string{"nope", "host:port", ":65536", "1.2.3.4", "::1"} {
		if got, err := listenAddr(in); err == nil {
			t.Errorf("listenAddr(%q) = %q, want an error", in, got)
		}
	}
}

func TestLiveFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"analyze", "--http", "nope"}, `--http: address "nope" is not HOST:PORT, :PORT or PORT`},
		{[]string{"run", "--http", ":http", "--", "true"}, `--http: port "http" of ":http" is not a number`},
		{[]string{"demo", "--http", "99999"}, "--http: address"},
	} {
		r := runGctrace(t, "", c.args...)
		if r.code != exitError || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", c.args, r.code, r.stderr, exitError, c.want)
		}
	}
}

// TestLiveBusyPort: an address that cannot be served is one sentence,
// before anything is read or run.
func TestLiveBusyPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	for _, args := range [][]string{
		{"analyze", "--http", addr},
		{"run", "--http", addr, "--", "/nonexistent/prog"},
	} {
		r := runGctrace(t, "gc 1 @0.016s 0%: 0.22+0.32+0.005 ms clock, 0.44+0/0.19/0.27+0.010 ms cpu, 3->3->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n", args...)
		want := "gctrace: cannot serve the live page on " + addr + ": bind: address already in use"
		if r.code != exitError || !strings.Contains(r.stderr, want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", args, r.code, r.stderr, exitError, want)
		}
	}
}
