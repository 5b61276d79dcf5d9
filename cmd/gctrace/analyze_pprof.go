package main

import (
	"github.com/gctrace/gctrace/attribute"
	"github.com/gctrace/gctrace/engine"
	"github.com/spf13/pflag"
)

// pprofOptions are the --pprof flags of analyze and run.
type pprofOptions struct {
	URL     string
	Seconds int
	src     attribute.Source
}

func (o *pprofOptions) addFlags(fl *pflag.FlagSet) {
	fl.StringVar(&o.URL, "pprof", "", "name the code behind findings from this net/http/pprof `URL` (or a profile file)")
	fl.IntVar(&o.Seconds, "pprof-seconds", 5, "window of the allocation profile pulled when a finding fires, in seconds")
}

// check parses the source, so that a bad URL is a usage error before
// anything is read.
func (o *pprofOptions) check() error {
	if o.URL == "" {
		return nil
	}
	if o.Seconds < 1 {
		return usagef("--pprof-seconds must be at least 1")
	}
	src, err := attribute.ParseSource(o.URL)
	if err != nil {
		return usagef("--pprof: %v", err)
	}
	o.src = src
	return nil
}

// profiles is where the engine pulls profiles from: every input's
// findings from the one --pprof source; nil without --pprof.
func (o *pprofOptions) profiles() map[string]engine.Profile {
	if o.URL == "" {
		return nil
	}
	return map[string]engine.Profile{"": {Source: o.src, Seconds: o.Seconds}}
}
