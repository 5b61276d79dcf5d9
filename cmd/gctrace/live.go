package main

import (
	"fmt"
	"net"
	"strconv"

	"github.com/spf13/pflag"
)

// liveHelp is the paragraph on --http in the help of analyze, run and demo.
const liveHelp = `--http ADDR serves a live page on ADDR while reading: the charts of heap
(in use, live, goal), pauses, GC CPU and allocation rate of each process,
updated as the cycles arrive, the findings as they fire (with their advice
and, with --pprof, the code behind them), and the table of processes. The
page needs no network: everything is in the gctrace binary. ADDR without a
host (":8080", "8080") binds to 127.0.0.1 only; name a host to listen
elsewhere ("0.0.0.0:8080" for every interface). Port 0 picks a free one.
The URL is printed on standard error. When the input ends the page keeps
the final state and says so, and gctrace serves it until Ctrl-C.`

// liveOptions are the flags of the live page, shared by analyze, run and
// demo.
type liveOptions struct {
	Addr  string
	given string // Addr as typed, before check resolves it
}

func (o *liveOptions) addFlags(fl *pflag.FlagSet) {
	fl.StringVar(&o.Addr, "http", "", "serve a live page of the charts and findings on `ADDR` (\":8080\" is loopback only; 127.0.0.1:0 picks a port)")
}

// check resolves the address: a missing host is loopback.
func (o *liveOptions) check() error {
	if o.Addr == "" {
		return nil
	}
	addr, err := listenAddr(o.Addr)
	if err != nil {
		return usagef("--http: %v", err)
	}
	o.given, o.Addr = o.Addr, addr
	return nil
}

// listenAddr reads ADDR as --http takes it: HOST:PORT, :PORT or PORT,
// the last two on 127.0.0.1, so that a dashboard is never served to the
// network by accident.
func listenAddr(s string) (string, error) {
	if _, err := strconv.ParseUint(s, 10, 16); err == nil {
		return net.JoinHostPort("127.0.0.1", s), nil
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return "", fmt.Errorf("address %q is not HOST:PORT, :PORT or PORT", s)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return "", fmt.Errorf("port %q of %q is not a number from 0 to 65535", port, s)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port), nil
}
