package main

import (
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/gctrace/gctrace/metrics"
	"github.com/spf13/pflag"
)

// metricsOptions are the flags of the Prometheus endpoint, shared by
// analyze and run.
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

// start serves the exporter on the address, or returns nil, nil when
// --metrics is not given. inputs is how many inputs are read: with
// several, process labels name their input. stop waits for the final
// scrape (--metrics-linger) and closes the server.
func (o *metricsOptions) start(inputs int) (e *metrics.Exporter, stop func(), err error) {
	if o.Addr == "" {
		return nil, func() {}, nil
	}
	e, err = metrics.New(metrics.Options{Labels: o.Labels, MaxProcesses: o.MaxProcesses, QualifyProcess: inputs > 1})
	if err != nil {
		return nil, nil, usagef("--metrics: %v", err)
	}
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return nil, nil, &exitStatus{code: exitError, msg: fmt.Sprintf("cannot serve metrics on %s: %v", o.Addr, unwrapOp(err))}
	}
	return e, e.Serve(ln, o.Linger), nil
}

// unwrapOp drops the "listen tcp ADDR:" the message already says.
func unwrapOp(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err
	}
	return err
}
