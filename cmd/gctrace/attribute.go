package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gctrace/gctrace/attribute"
	"github.com/spf13/cobra"
)

// attributeFormat is the output format of gctrace attribute.
type attributeFormat string

const (
	attributeText attributeFormat = "text"
	attributeJSON attributeFormat = "json"
)

type attributeOptions struct {
	Source  attribute.Source
	Seconds int
	Sample  string
	Top     int
	List    *regexp.Regexp
	Cum     bool
	Format  attributeFormat
	Timeout time.Duration
	// readSource reads a source file for the listing; tests replace it
	// so golden files do not depend on where the checkout is.
	readSource func(name string) ([]byte, error)
}

// attributeSamples are the sample columns --sample accepts.
var attributeSamples = []string{attribute.AllocSpace, attribute.AllocObjects, attribute.InuseSpace, attribute.InuseObjects}

func newCmdAttribute(s *streams, runF func(*attributeOptions) error) *cobra.Command {
	opts := &attributeOptions{readSource: attributeFindSource}
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
			switch f := attributeFormat(format); f {
			case attributeText, attributeJSON:
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
	f.StringVarP(&format, "format", "f", string(attributeText), "output format: text or json")
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

// attributeReport is what gctrace attribute computes, rendered as text or
// JSON.
type attributeReport struct {
	Source   string
	Ranking  *attribute.Ranking
	Listings []attribute.Listing
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
	rep := attributeReport{Source: opts.Source.String()}
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
	out := bufio.NewWriter(s.Out)
	switch opts.Format {
	case attributeText:
		err = writeAttributeText(out, rep, opts.readSource)
	case attributeJSON:
		err = writeAttributeJSON(out, rep)
	default:
		err = fmt.Errorf("unknown format %q", opts.Format)
	}
	if err != nil {
		return err
	}
	return out.Flush()
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

func writeAttributeText(w io.Writer, rep attributeReport, readSource func(string) ([]byte, error)) error {
	r := rep.Ranking
	val := func(v int64) string { return attributeValue(v, r.Unit) }
	fmt.Fprintf(w, "Source: %s\n", rep.Source)
	if r.Window > 0 {
		fmt.Fprintf(w, "Sample: %s over %s, %s in total", r.Sample, r.Window.Round(time.Millisecond), val(r.Total))
		if r.Unit == "bytes" {
			fmt.Fprintf(w, " (%s/s)", attribute.FormatBytes(int64(float64(r.Total)/r.Window.Seconds())))
		}
		fmt.Fprintln(w)
	} else {
		fmt.Fprintf(w, "Sample: %s, %s in total\n", r.Sample, val(r.Total))
	}
	if r.Profiler > 0 {
		fmt.Fprintf(w, "Left out: %s allocated by the profiler serving the profile\n", val(r.Profiler))
	}
	if rep.Listings != nil {
		return writeAttributeListings(w, rep, readSource)
	}
	shown := fmt.Sprintf("Showing %d %s", len(r.Functions), attributePlural(len(r.Functions), "function", "functions"))
	if r.More > 0 {
		shown = fmt.Sprintf("Showing top %d of %d functions", len(r.Functions), len(r.Functions)+r.More)
	}
	if r.Dropped > 0 {
		shown += fmt.Sprintf(", %d under %s dropped", r.Dropped, val(r.Cutoff))
	}
	fmt.Fprintln(w, shown)
	fmt.Fprintf(w, "%10s %6s %6s %10s %6s  %s\n", "flat", "flat%", "sum%", "cum", "cum%", "function")
	var sum float64
	for _, f := range r.Functions {
		sum += f.FlatPercent
		name := f.Name
		if f.File != "" {
			name += "  " + attribute.ShortFile(f.File)
			if f.Line > 0 {
				name += ":" + strconv.Itoa(f.Line)
			}
		}
		fmt.Fprintf(w, "%10s %6s %6s %10s %6s  %s\n", val(f.Flat), attributePercent(f.FlatPercent), attributePercent(sum),
			val(f.Cum), attributePercent(f.CumPercent), name)
	}
	return nil
}

// writeAttributeListings prints each listing like pprof's list: the
// sampled lines, with the source around them when the file can be found.
func writeAttributeListings(w io.Writer, rep attributeReport, readSource func(string) ([]byte, error)) error {
	val := func(v int64) string {
		if v == 0 {
			return "."
		}
		return attributeValue(v, rep.Ranking.Unit)
	}
	for i, l := range rep.Listings {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "ROUTINE ======================== %s in %s\n", l.Name, l.File)
		fmt.Fprintf(w, "%10s %10s (flat, cum) %s of total\n", val(l.Flat), val(l.Cum), attributePercent(100*float64(l.Cum)/float64(max(l.Total, 1))))
		var text []string
		if readSource != nil && l.File != "" {
			if b, err := readSource(l.File); err == nil {
				text = strings.Split(string(b), "\n")
			}
		}
		if len(l.Lines) == 0 {
			continue
		}
		last := l.Lines[len(l.Lines)-1].Line
		if text == nil || last == 0 || last > len(text) {
			// Without the source, the lines the profile knows.
			for _, ln := range l.Lines {
				fmt.Fprintf(w, "%10s %10s %6d\n", val(ln.Flat), val(ln.Cum), ln.Line)
			}
			continue
		}
		// Line 0 holds samples without line numbers; it has no text.
		first := last
		for _, ln := range l.Lines {
			if ln.Line > 0 {
				first = min(first, ln.Line)
			}
		}
		if l.StartLine > 0 && l.StartLine < first {
			first = l.StartLine
		}
		first = max(first, 1)
		// Show the rest of the function up to its closing brace, or
		// a few lines when that is far off.
		end := last
		for n := last + 1; n <= min(len(text), last+8); n++ {
			if strings.HasPrefix(text[n-1], "}") {
				end = n
				break
			}
		}
		byLine := make(map[int]attribute.Line, len(l.Lines))
		for _, ln := range l.Lines {
			byLine[ln.Line] = ln
		}
		for n := first; n <= end; n++ {
			flat, cum := byLine[n].Flat, byLine[n].Cum
			line := fmt.Sprintf("%10s %10s %6d: %s", val(flat), val(cum), n, strings.ReplaceAll(text[n-1], "\t", "    "))
			fmt.Fprintln(w, strings.TrimRight(line, " \r"))
		}
	}
	return nil
}

// attributeFindSource reads a source file named in a profile. Binaries
// built elsewhere or with -trimpath record paths that do not exist here
// (/home/ci/src/app/zoo/dog.go, example.com/app/zoo/dog.go), so it also
// tries ever shorter tails of the path, as pprof does, down to dir/file.
func attributeFindSource(name string) ([]byte, error) {
	b, err := os.ReadFile(name)
	if err == nil {
		return b, nil
	}
	parts := strings.Split(filepath.ToSlash(name), "/")
	for i := 1; i+2 <= len(parts); i++ {
		if b, err := os.ReadFile(filepath.FromSlash(strings.Join(parts[i:], "/"))); err == nil {
			return b, nil
		}
	}
	return nil, err
}

// attributeJSONReport is the JSON output; its field names are a public
// contract.
type attributeJSONReport struct {
	Source        string                 `json:"source"`
	Sample        string                 `json:"sample"`
	Unit          string                 `json:"unit"`
	Total         int64                  `json:"total"`
	WindowSeconds float64                `json:"window_seconds"`
	Profiler      int64                  `json:"profiler"`
	Dropped       int                    `json:"dropped"`
	More          int                    `json:"more"`
	Functions     []attributeJSONFunc    `json:"functions"`
	Listings      []attributeJSONListing `json:"listings,omitempty"`
}

type attributeJSONFunc struct {
	Name        string  `json:"name"`
	File        string  `json:"file"`
	Line        int     `json:"line"`
	Flat        int64   `json:"flat"`
	FlatPercent float64 `json:"flat_percent"`
	Cum         int64   `json:"cum"`
	CumPercent  float64 `json:"cum_percent"`
}

type attributeJSONListing struct {
	Name      string              `json:"name"`
	File      string              `json:"file"`
	StartLine int                 `json:"start_line"`
	Flat      int64               `json:"flat"`
	Cum       int64               `json:"cum"`
	Lines     []attributeJSONLine `json:"lines"`
}

type attributeJSONLine struct {
	Line int   `json:"line"`
	Flat int64 `json:"flat"`
	Cum  int64 `json:"cum"`
}

func writeAttributeJSON(w io.Writer, rep attributeReport) error {
	r := rep.Ranking
	out := attributeJSONReport{
		Source:        rep.Source,
		Sample:        r.Sample,
		Unit:          r.Unit,
		Total:         r.Total,
		WindowSeconds: math.Round(r.Window.Seconds()*1000) / 1000,
		Profiler:      r.Profiler,
		Dropped:       r.Dropped,
		More:          r.More,
		Functions:     []attributeJSONFunc{},
	}
	for _, f := range r.Functions {
		out.Functions = append(out.Functions, attributeJSONFunc{
			Name: f.Name, File: f.File, Line: f.Line,
			Flat: f.Flat, FlatPercent: attributeRound(f.FlatPercent),
			Cum: f.Cum, CumPercent: attributeRound(f.CumPercent),
		})
	}
	for _, l := range rep.Listings {
		jl := attributeJSONListing{Name: l.Name, File: l.File, StartLine: l.StartLine, Flat: l.Flat, Cum: l.Cum, Lines: []attributeJSONLine{}}
		for _, ln := range l.Lines {
			jl.Lines = append(jl.Lines, attributeJSONLine{Line: ln.Line, Flat: ln.Flat, Cum: ln.Cum})
		}
		out.Listings = append(out.Listings, jl)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// attributeRound keeps two decimals, so JSON output is stable and
// readable.
func attributeRound(p float64) float64 { return math.Round(p*100) / 100 }

func attributeValue(v int64, unit string) string {
	if v == 0 {
		return "0"
	}
	if unit == "bytes" {
		return attribute.FormatBytes(v)
	}
	return strconv.FormatInt(v, 10)
}

// attributePercent prints p like pprof does, "100%" for a whole so the
// column keeps its width.
func attributePercent(p float64) string {
	if math.Abs(p) >= 99.995 && math.Abs(p) <= 100.005 {
		return "100%"
	}
	return strconv.FormatFloat(p, 'f', 2, 64) + "%"
}

func attributePlural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
