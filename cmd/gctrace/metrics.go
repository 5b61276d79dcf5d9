package main

import (
	"errors"
	"net"
	"time"

	"github.com/gctrace/gctrace/metrics"
	"github.com/spf13/pflag"
)

// metricsHelp is the paragraph on --metrics in the help of analyze, run
// and demo.
const metricsHelp = `--metrics ADDR serves Prometheus series on ADDR/metrics while reading: GC
cycles, bytes allocated, GC and assist CPU, pauses (a histogram too), heap
live, goal and at start, stacks, globals, GOMAXPROCS, effective GOGC, and
findings by rule and severity; the README lists them. Each series has a
process label, the process as the report names it, plus the --label
key=value pairs. Only the --metrics-max-processes most recently active
processes keep series of their own; older ones are added up under
process="other", so memory and series stay flat under "go test ./...".
ADDR without a host (":9464") listens on every interface; the URL is
printed on standard error. With --http, the page's server serves /metrics
too, and is the only server when both flags name the same address.
--metrics-linger D waits, once the input has ended, until Prometheus has
scraped the final values (at most D, Ctrl-C ends it).`

// metricsOptions are the flags of the Prometheus endpoint, shared by
// analyze, run and demo.
type metricsOptions struct {
	Addr         string
	RawLabels    []string
	Labels       []metrics.Label // resolved from RawLabels
	MaxProcesses int
	// Linger keeps the endpoint up after the input ends until it has
	// been scraped once more, at most this long: the last scrape then
	// holds the final values.
	Linger time.Duration
}

func (o *metricsOptions) addFlags(fl *pflag.FlagSet) {
	fl.StringVar(&o.Addr, "metrics", "", "serve Prometheus metrics on `ADDR`/metrics while reading (e.g. 127.0.0.1:9464)")
	fl.StringArrayVar(&o.RawLabels, "label", nil, "put `key=value` on every metric series (repeatable, e.g. --label service=api)")
	fl.IntVar(&o.MaxProcesses, "metrics-max-processes", metrics.DefaultMaxProcesses,
		"keep series for the `N` most recently active processes; older ones are added up under process=\"other\"")
	fl.DurationVar(&o.Linger, "metrics-linger", 0, "after the input ends, keep serving /metrics until the next scrape, at most `d` (e.g. 1m), so that it sees the final values")
}

// check resolves the labels; a bad one is a usage error.
func (o *metricsOptions) check() error {
	o.Labels = nil
	for _, s := range o.RawLabels {
		l, err := metrics.ParseLabel(s)
		if err != nil {
			return usagef("--label: %v", err)
		}
		o.Labels = append(o.Labels, l)
	}
	if len(o.RawLabels) > 0 && o.Addr == "" {
		return usagef("--label needs --metrics ADDR")
	}
	if o.MaxProcesses < 1 {
		return usagef("--metrics-max-processes must be at least 1, not %d", o.MaxProcesses)
	}
	return nil
}

// unwrapOp drops the "listen tcp ADDR:" the message already says.
func unwrapOp(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err
	}
	return err
}
