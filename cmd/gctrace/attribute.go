package main

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/gctrace/gctrace/attribute"
	"github.com/gctrace/gctrace/report"
	"github.com/spf13/cobra"
)

type attributeOptions struct {
	Source  attribute.Source
	Seconds int
	Sample  string
	Top     int
	List    *regexp.Regexp
	Cum     bool
	Format  report.AttributeFormat
	Timeout time.Duration
	// readSource reads a source file for the listing; tests replace it
	// so golden files do not depend on where the checkout is.
	readSource func(name string) ([]byte, error)
}

// attributeSamples are the sample columns --sample accepts.
var attributeSamples = []string{attribute.AllocSpace, attribute.AllocObjects, attribute.InuseSpace, attribute.InuseObjects}

func newCmdAttribute(s *streams, runF func(*attributeOptions) error) *cobra.Command {
	opts := &attributeOptions{readSource: report.FindSource}
	var format, list string
	cmd := &cobra.Command{
		Use:   "attribute SOURCE",
		Short: "Name the functions behind the allocations, from a pprof profile",
		Long: `Attribute reads a Go allocation profile and ranks the functions behind it, as
go tool pprof -top does: flat is what a function allocated itself (inlined
callees included), cum what it and everything it called allocated.

SOURCE is where the program serves net/http/pprof (http://localhost:6060, or
host:port), a full profile URL (.../debug/pprof/allocs, .../debug/pprof/heap),
or a profile file saved from one (allocs.pb.gz). A base URL serves the allocs
profile, or the heap profile for --sample inuse_*.

Without --seconds the allocation columns count everything since the program
started, like go tool pprof on the same URL. With --seconds N they count only
what was allocated in the next N seconds, the window a GC trace of the same
run covers; a ?seconds=N in the URL does the same. The server computes the
window when it can (Go 1.15 and later); otherwise gctrace takes two snapshots
N seconds apart and subtracts them. A window has the alloc_* columns only:
what is in use is a level, not a flow, so rank inuse_space without one.

The runtime publishes allocations when a GC cycle completes, so a profile lags
by up to one cycle, and a program that has not collected yet has none.
Allocations made by the profiler itself while serving the profile are left
out of the ranking and reported in a note; totals and percentages include
them, as go tool pprof's do.`,
		Example: `  gctrace attribute http://localhost:6060
  gctrace attribute --seconds 10 http://localhost:6060
  gctrace attribute --list 'Dog' --seconds 10 localhost:6060
  gctrace attribute --sample inuse_space http://localhost:6060/debug/pprof/heap
  gctrace attribute --cum --top 20 allocs.pb.gz
  gctrace attribute --format json allocs.pb.gz | jq '.functions[0]'`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("attribute needs one SOURCE: a pprof base URL (http://localhost:6060), a profile URL, or a profile file")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			switch f := report.AttributeFormat(format); f {
			case report.AttributeText, report.AttributeJSON:
				opts.Format = f
			default:
				return usagef("unknown format %q (want text or json)", format)
			}
			if opts.Sample != "" && !attributeKnownSample(opts.Sample) {
				return usagef("unknown sample %q (want %s)", opts.Sample, strings.Join(attributeSamples, ", "))
			}
			if opts.Top < 0 {
				return usagef("--top %d: want 0 (all) or more", opts.Top)
			}
			if opts.Seconds < 0 {
				return usagef("--seconds %d: want 0 (since the program started) or more", opts.Seconds)
			}
			if opts.Timeout <= 0 {
				return usagef("--timeout %v: want a positive duration", opts.Timeout)
			}
			if list != "" {
				re, err := regexp.Compile(list)
				if err != nil {
					return usagef("--list %q is not a regular expression: %v", list, err)
				}
				opts.List = re
			}
			src, err := attribute.ParseSource(args[0])
			if err != nil {
				return usagef("%v", err)
			}
			opts.Source = src
			if src.IsFile() && opts.Seconds > 0 {
				return usagef("--seconds needs a live endpoint: %s is a saved profile, fixed when it was taken", src.File)
			}
			if src.Seconds > 0 {
				if cmd.Flags().Changed("seconds") && opts.Seconds != src.Seconds {
					return usagef("--seconds %d and the URL's seconds=%d disagree", opts.Seconds, src.Seconds)
				}
				opts.Seconds = src.Seconds
			}
			if opts.Seconds > 0 && strings.HasPrefix(opts.Sample, "inuse_") {
				return usagef("--sample %s takes no window: what is in use is a level, not a flow; drop --seconds", opts.Sample)
			}
			if runF != nil {
				return runF(opts)
			}
			return runAttribute(cmd, s, opts)
		},
	}
	f := cmd.Flags()
	f.IntVar(&opts.Seconds, "seconds", 0, "count only what is allocated in the next `N` seconds (0: since the program started)")
	f.StringVar(&opts.Sample, "sample", "", "sample column: alloc_space, alloc_objects, inuse_space or inuse_objects (default: the profile's own, alloc_space for allocs, inuse_space for heap)")
	f.IntVar(&opts.Top, "top", 10, "show the first `N` functions (0: all above the 0.5% cut-off)")
	f.StringVar(&list, "list", "", "show per-line flat and cum of the functions matching `REGEX`, like pprof's list")
	f.BoolVar(&opts.Cum, "cum", false, "sort by cum instead of flat")
	f.StringVarP(&format, "format", "f", string(report.AttributeText), "output format: text or json")
	f.DurationVar(&opts.Timeout, "timeout", attribute.DefaultTimeout, "give up on an endpoint that does not answer within `d` (beyond the window)")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("sample", cobra.FixedCompletions(attributeSamples, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func attributeKnownSample(name string) bool {
	for _, s := range attributeSamples {
		if s == name {
			return true
		}
	}
	return false
}

func runAttribute(cmd *cobra.Command, s *streams, opts *attributeOptions) error {
	if opts.Sample == "" && opts.Source.Profile == "heap" && opts.Seconds == 0 {
		// A heap profile is asked for what is in use, as pprof shows it.
		opts.Sample = attribute.InuseSpace
	}
	fo := attribute.FetchOptions{Seconds: opts.Seconds, Timeout: opts.Timeout}
	if strings.HasPrefix(opts.Sample, "inuse_") {
		fo.Profile = "heap"
	}
	if opts.Seconds > 0 {
		fmt.Fprintf(s.Err, "gctrace: collecting %d s of allocations from %s\n", opts.Seconds, opts.Source)
	}
	p, err := attribute.Fetch(cmd.Context(), opts.Source, fo)
	if err != nil {
		return err
	}
	rep := &report.Attribution{Source: opts.Source.String()}
	rep.Ranking, err = attribute.Rank(p, opts.Sample, attribute.RankOptions{Top: opts.Top, Cum: opts.Cum})
	if err != nil {
		return attributeWithSource(err, opts.Source)
	}
	if opts.List != nil {
		rep.Listings, err = attribute.List(p, rep.Ranking.Sample, opts.List)
		if err != nil {
			return attributeWithSource(err, opts.Source)
		}
		if len(rep.Listings) == 0 {
			return fmt.Errorf("no function in %s matches --list %q", opts.Source, opts.List)
		}
	}
	return report.WriteAttribution(s.Out, opts.Format, rep, opts.readSource)
}

// attributeWithSource names the source in a ranking error, which the
// attribute package cannot know.
func attributeWithSource(err error, src attribute.Source) error {
	if e, ok := err.(*attribute.Error); ok && e.Source == "" {
		e.Source = src.String()
		return e
	}
	return err
}
