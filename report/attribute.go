package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gctrace/gctrace/attribute"
)

// AttributeFormat is the output format of gctrace attribute.
type AttributeFormat string

// The formats of an attribution.
const (
	AttributeText AttributeFormat = "text"
	AttributeJSON AttributeFormat = "json"
)

// Attribution is what gctrace attribute computes: a profile's ranking of
// functions and, with --list, the listings of some.
type Attribution struct {
	Source   string
	Ranking  *attribute.Ranking
	Listings []attribute.Listing
}

// WriteAttribution writes an attribution in the given format. readSource
// reads a source file for the listings (FindSource); nil lists the lines
// the profile knows without their text.
func WriteAttribution(w io.Writer, f AttributeFormat, rep *Attribution, readSource func(name string) ([]byte, error)) error {
	out := bufio.NewWriter(w)
	var err error
	switch f {
	case AttributeText:
		err = attributeText(out, rep, readSource)
	case AttributeJSON:
		err = attributeJSON(out, rep)
	default:
		err = fmt.Errorf("unknown format %q", f)
	}
	if err != nil {
		return err
	}
	return out.Flush()
}

func attributeText(w io.Writer, rep *Attribution, readSource func(string) ([]byte, error)) error {
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
		return attributeListings(w, rep, readSource)
	}
	shown := fmt.Sprintf("Showing %d %s", len(r.Functions), Plural(int64(len(r.Functions)), "function", "functions"))
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

// attributeListings prints each listing like pprof's list: the
// sampled lines, with the source around them when the file can be found.
func attributeListings(w io.Writer, rep *Attribution, readSource func(string) ([]byte, error)) error {
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

// FindSource reads a source file named in a profile. Binaries
// built elsewhere or with -trimpath record paths that do not exist here
// (/home/ci/src/app/zoo/dog.go, example.com/app/zoo/dog.go), so it also
// tries ever shorter tails of the path, as pprof does, down to dir/file.
func FindSource(name string) ([]byte, error) {
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

func attributeJSON(w io.Writer, rep *Attribution) error {
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
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
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
