// Package live serves a page that draws the GC trace in the browser while
// it streams: charts, findings and the process table, as an engine
// subscriber.
package live

import (
	"embed"
	"io/fs"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/engine"
	"github.com/gctrace/gctrace/parser"
	"github.com/gctrace/gctrace/plot"
)

// Defaults of Options.
const (
	// DefaultColumns is twice the width in pixels of a chart on a wide
	// screen, as for the PNG charts: every peak stays visible.
	DefaultColumns = 1600
	// DefaultMaxProcesses is how many processes keep their charts.
	DefaultMaxProcesses = plot.DefaultMaxProcesses
	// DefaultInterval is how often a page is sent what changed.
	DefaultInterval = 250 * time.Millisecond
)

// Options configure a Server.
type Options struct {
	Columns      int           // downsampling of each chart; 0: DefaultColumns
	MaxProcesses int           // processes whose charts are kept; 0: DefaultMaxProcesses
	Interval     time.Duration // 0: DefaultInterval
}

// State says whether the input is still being read.
type State string

const (
	Reading     State = "reading"
	Ended       State = "ended"
	Interrupted State = "interrupted"
)

// Server keeps what the page shows: the downsampled charts of every
// process (in memory bounded by Options, however long the input), the
// findings and the latest report. Its Handler serves the page and the
// stream of updates to any number of browsers; one that connects late,
// or reconnects, is sent everything so far.
type Server struct {
	engine.Base

	opts   Options
	advice map[string]string // the rules' advice, for findings that come without
	done   chan struct{}     // closed by Close

	mu       sync.Mutex
	charts   *plot.Builder
	findings []analyze.Finding  // as the latest report orders them, then those since
	attrib   map[findKey]string // attributions, which a report may not carry yet
	report   *analyze.Report    // latest; nil before the first Progress
	state    State
	version  uint64 // counts changes of findings, report and state
	closed   bool
	onChange []chan struct{}
}

var _ engine.Subscriber = (*Server)(nil)

// findKey names a finding of one process; the analyzer reports a rule
// once per process (again when it grows more severe).
type findKey struct {
	file    string
	process int
	rule    string
}

func keyOf(f *analyze.Finding) findKey { return findKey{f.File, f.Process, f.Rule} }

// New returns a Server with nothing to show yet.
func New(opts Options) *Server {
	if opts.Columns <= 0 {
		opts.Columns = DefaultColumns
	}
	if opts.MaxProcesses <= 0 {
		opts.MaxProcesses = DefaultMaxProcesses
	}
	if opts.Interval <= 0 {
		opts.Interval = DefaultInterval
	}
	s := &Server{
		opts:   opts,
		advice: map[string]string{},
		done:   make(chan struct{}),
		charts: plot.NewBuilder(plot.Options{Columns: opts.Columns, MaxProcesses: opts.MaxProcesses}),
		attrib: map[findKey]string{},
		state:  Reading,
	}
	for _, r := range analyze.Rules() {
		s.advice[r.ID] = r.Advice
	}
	return s
}

// Record adds a GC cycle to its process's charts.
func (s *Server) Record(rec parser.Record) {
	switch rec := rec.(type) {
	case *parser.GC:
		s.mu.Lock()
		s.charts.Add(rec)
		s.mu.Unlock()
	case *parser.Runtime:
		if rec.Kind == parser.KindForced {
			s.mu.Lock()
			s.charts.AddForced(rec.Pos)
			s.mu.Unlock()
		}
	}
}

// Finding shows a finding the moment it fires.
func (s *Server) Finding(f analyze.Finding) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addFinding(f)
	s.changed()
}

// Attribution adds the code behind a finding.
func (s *Server) Attribution(f analyze.Finding) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.Attribution == "" {
		return
	}
	s.attrib[keyOf(&f)] = f.Attribution
	for i := range s.findings {
		if keyOf(&s.findings[i]) == keyOf(&f) {
			s.findings[i].Attribution = f.Attribution
		}
	}
	s.changed()
}

// Progress takes the analysis so far: the process table, and the findings
// with their spans as they have grown.
func (s *Server) Progress(rep *analyze.Report) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.take(rep)
	s.changed()
}

// Done takes the final report; the page keeps it and says the input ended.
func (s *Server) Done(rep *analyze.Report, interrupted bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.take(rep)
	s.state = Ended
	if interrupted {
		s.state = Interrupted
	}
	s.changed()
}

// take replaces the findings by the report's, which the analyzer keeps
// bounded, keeping the attributions that came on their own.
func (s *Server) take(rep *analyze.Report) {
	if rep == nil {
		return
	}
	s.report = rep
	s.findings = s.findings[:0]
	for _, f := range rep.Findings {
		s.addFinding(f)
		// The charts shade the time each finding covers; spans of one
		// rule that overlap merge, so this stays bounded.
		if f.Process > 0 && f.Start >= 0 {
			s.charts.AddSpan(f.Rule, f.File, f.Process, f.Start, f.End)
		}
	}
}

// addFinding replaces the finding of the same key, or appends it.
func (s *Server) addFinding(f analyze.Finding) {
	if f.Advice == "" {
		f.Advice = s.advice[f.Rule]
	}
	k := keyOf(&f)
	if f.Attribution == "" {
		f.Attribution = s.attrib[k]
	}
	for i := range s.findings {
		if keyOf(&s.findings[i]) == k {
			s.findings[i] = f
			return
		}
	}
	s.findings = append(s.findings, f)
}

// changed wakes the pages' streams; s.mu is held.
func (s *Server) changed() {
	s.version++
	for _, c := range s.onChange {
		select {
		case c <- struct{}{}:
		default:
		}
	}
}

// Close ends the streams of every page, so that an http.Server can shut
// down.
func (s *Server) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		close(s.done)
	}
}

//go:embed assets
var assets embed.FS

// Handler serves the page at /, its scripts and styles, and the stream of
// updates at /events.
func (s *Server) Handler() http.Handler {
	static, err := fs.Sub(assets, "assets")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	mux := http.NewServeMux()
	mux.Handle("GET /", http.FileServerFS(static))
	mux.HandleFunc("GET /events", s.serveEvents)
	return mux
}

// processName names a process as the text report does: its number, or
// INPUT#N when several inputs are read.
func processName(id plot.ProcessID, several bool) string {
	if several {
		return id.File + "#" + strconv.Itoa(id.Process)
	}
	return strconv.Itoa(id.Process)
}

// processKey identifies a process in the page's URLs.
func processKey(id plot.ProcessID) string { return id.File + "#" + strconv.Itoa(id.Process) }

// sortedProcesses returns the kept processes by input, then number.
func (s *Server) sortedProcesses() []plot.Process {
	ps := s.charts.Processes()
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].File != ps[j].File {
			return ps[i].File < ps[j].File
		}
		return ps[i].Process < ps[j].Process
	})
	return ps
}

// Concurrent says that the page takes the records of a file beside the
// analyzer: drawing them needs nothing else, and the charts have their
// own lock.
func (*Server) Concurrent() bool { return true }
