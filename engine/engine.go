package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/attribute"
	"github.com/gctrace/gctrace/parser"
)

// Options configures an Engine.
type Options struct {
	// Config is the analyzer's: thresholds and rules turned off.
	Config analyze.Config
	// Budgets, when not nil, are judged as the records come (gctrace
	// check, run with budgets): a budget exceeded is a finding.
	Budgets *analyze.Budgets
	// Subscribers are the outputs of the stream; Subscribe adds more.
	Subscribers []Subscriber
	// Profiles says where to pull a profile when a finding that one
	// explains fires, by input name: "" serves every input (--pprof), a
	// name one input whose program has an endpoint of its own (gctrace
	// demo). Empty: no attribution.
	Profiles map[string]Profile
	// Stdin is what the input "-" reads; nil: os.Stdin.
	Stdin io.Reader
	// Log receives the engine's own words at the end (it waits for
	// profile pulls); nil: discarded.
	Log io.Writer
}

// Profile is a profile endpoint (or file) and the window of the allocation
// profiles pulled from it.
type Profile struct {
	Source  attribute.Source
	Seconds int
}

// ProgressInterval is how often subscribers receive the analysis so far
// while the input streams.
const ProgressInterval = time.Second

// Engine is one analysis over the inputs: it feeds every record to the
// analyzer (and the budgets), hands records, findings, attributions,
// progress and the final report to its subscribers, and pulls profiles
// for the findings. Read and ReadStream may run at once, on inputs of
// their own (gctrace demo reads one program per goroutine); Finish ends
// it.
type Engine struct {
	opts   Options
	subs   []Subscriber // in the order subscribed
	inline []Subscriber // those of subs that take a file's records in the analyzer's goroutine
	apart  []Subscriber // the others (Concurrent): a goroutine of their own per batch
	check  *analyze.BudgetCheck
	pprof  map[string]*attributor

	// progress is set by a ticker once a ProgressInterval and cleared by
	// the reading goroutine, which calls Progress: the subscribers are
	// only ever called from under mu.
	progress atomic.Bool
	stopTick chan struct{} // stops the ticker; under mu

	// mu serialises the analyzer and the subscribers between the reading
	// goroutines, the profile pulls and an interrupt, which reports while
	// a read may still be blocked.
	mu       sync.Mutex
	an       *analyze.Analyzer
	t        Tally
	batching bool              // a file's batch is being taken: Finding waits for the batch's end for the apart subscribers
	pending  []analyze.Finding // findings for the apart subscribers, until the batch's end
	closed   bool              // the report is being made; later records are dropped
	reading  int               // reads under way; the ticker runs while there are
}

// errClosed stops a reading loop whose engine has been finished.
var errClosed = errors.New("engine finished")

// New returns an Engine ready to read.
func New(opts Options) *Engine {
	e := &Engine{opts: opts, pprof: map[string]*attributor{}}
	if e.opts.Log == nil {
		e.opts.Log = io.Discard
	}
	if e.opts.Stdin == nil {
		e.opts.Stdin = os.Stdin
	}
	e.an = analyze.New(opts.Config, e.found)
	if opts.Budgets != nil {
		e.check = analyze.NewBudgetCheck(*opts.Budgets, e.found)
	}
	for name, p := range opts.Profiles {
		a := newAttributor(e, p)
		a.usage = startUsageWatch(e, name, p.Source)
		e.pprof[name] = a
	}
	for _, s := range opts.Subscribers {
		e.Subscribe(s)
	}
	return e
}

// Subscribe adds an output to the stream; nil adds none. Call it before
// reading.
func (e *Engine) Subscribe(s Subscriber) {
	if s == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.subs = append(e.subs, s)
	if c, ok := s.(Concurrent); ok && c.Concurrent() {
		e.apart = append(e.apart, s)
	} else {
		e.inline = append(e.inline, s)
	}
}

// begin starts the progress ticker when a read starts and none runs; end
// stops it when the last read ends.
func (e *Engine) begin() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.reading++
	if e.reading > 1 {
		return
	}
	stop := make(chan struct{})
	e.stopTick = stop
	go func() {
		t := time.NewTicker(ProgressInterval)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				e.progress.Store(true)
			case <-stop:
				return
			}
		}
	}()
}

func (e *Engine) end() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.reading--
	if e.reading == 0 {
		close(e.stopTick)
	}
}

// allocRate is the trace's allocation rate of one process so far, in
// bytes per second, for reconciling a profile with the trace.
func (e *Engine) allocRate(file string, process int) float64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, p := range e.an.Report().Processes {
		if p.File == file && p.Process == process {
			return p.AllocRateMiBPerS * (1 << 20)
		}
	}
	return 0
}

// found is the callback of the analyzer and of the budget check, called
// under e.mu.
func (e *Engine) found(f analyze.Finding) {
	if e.batching {
		// The apart subscribers are taking the batch's records: theirs
		// waits for its end.
		for _, s := range e.inline {
			s.Finding(f)
		}
		if len(e.apart) > 0 {
			e.pending = append(e.pending, f)
		}
	} else {
		for _, s := range e.subs {
			s.Finding(f)
		}
	}
	a := e.pprof[f.File]
	if a == nil {
		a = e.pprof[""]
	}
	if a != nil {
		a.found(f)
	}
}

// attributed hands a finding with its attribution to the subscribers. It
// is called from a profile pull's goroutine.
func (e *Engine) attributed(f analyze.Finding) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, s := range e.subs {
		s.Attribution(f)
	}
}

// tick hands the analysis so far to the subscribers when a
// ProgressInterval has passed; e.mu is held.
func (e *Engine) tick() {
	if !e.progress.Load() {
		return
	}
	e.progress.Store(false)
	rep := e.an.Report()
	for _, s := range e.subs {
		s.Progress(rep)
	}
}

// ReadStream reads r to its end as it comes, each record reaching the
// subscribers the moment its line arrives: a pipe, a terminal, a child's
// standard error. name is the input's name in positions. It returns the
// error of reading r, if any.
func (e *Engine) ReadStream(r io.Reader, name string) error {
	e.begin()
	defer e.end()
	pr := parser.NewReader(r, name)
	_ = e.feed(pr) // errClosed: the rest of r is dropped
	return pr.Err()
}

// feed reads one input to its end.
func (e *Engine) feed(r *parser.Reader) error {
	var err error
	for r.Scan() {
		e.mu.Lock()
		if e.closed {
			e.mu.Unlock()
			err = errClosed
			break
		}
		e.take(r.Record())
		e.tick()
		e.mu.Unlock()
	}
	e.mu.Lock()
	e.t.Add(r.Stats())
	e.mu.Unlock()
	return err
}

// take hands one record to every subscriber, then to the budgets and the
// analyzer, so that the findings it raises come after it; e.mu is held.
func (e *Engine) take(rec parser.Record) {
	for _, s := range e.subs {
		s.Record(rec)
	}
	e.analyse(rec)
}

// analyse hands one record to the budgets and the analyzer; e.mu is held.
func (e *Engine) analyse(rec parser.Record) {
	switch rec := rec.(type) {
	case *parser.GC:
		if e.check != nil {
			e.check.Add(rec)
		}
	case *parser.SyntaxError:
		e.t.Note(rec)
	}
	e.an.Add(rec)
}

// readFile reads a regular file, whose reads never block: it is decoded
// in pieces on every core while this goroutine analyses the records in
// order (parser.ReadParallel), and the apart subscribers take each batch
// on goroutines of their own meanwhile. Records reach the subscribers in
// the same order and are dropped after an interrupt as in feed; only the
// moment each one is taken differs, which on a file nobody can see.
func (e *Engine) readFile(in *Input) error {
	st, err := parser.ReadParallel(in.at, in.size, in.Name, func(b *parser.Batch) error {
		e.mu.Lock()
		defer e.mu.Unlock()
		if e.closed {
			return errClosed
		}
		var apart sync.WaitGroup
		for _, s := range e.apart {
			apart.Add(1)
			go func() {
				defer apart.Done()
				for _, rec := range b.Records {
					s.Record(rec)
				}
			}()
		}
		e.batching = true
		for _, rec := range b.Records {
			for _, s := range e.inline {
				s.Record(rec)
			}
			e.analyse(rec)
		}
		e.batching = false
		apart.Wait()
		for _, f := range e.pending {
			for _, s := range e.apart {
				s.Finding(f)
			}
		}
		e.pending = e.pending[:0]
		e.tick()
		return nil
	})
	e.mu.Lock()
	e.t.Add(st)
	e.mu.Unlock()
	if err != nil && err != errClosed {
		return fmt.Errorf("reading %s: %w", in.Name, err)
	}
	return err
}

// readInput reads one input: a regular file in pieces, anything else (a
// pipe, a terminal) as it comes, so that its records reach the
// subscribers the moment each line arrives.
func (e *Engine) readInput(in *Input) error {
	if in.at != nil {
		return e.readFile(in)
	}
	r := parser.NewReader(in.R, in.Name)
	err := e.feed(r)
	if rerr := r.Err(); rerr != nil && err == nil {
		return fmt.Errorf("reading %s: %w", in.Name, rerr)
	}
	return err
}

// interruptGrace is how long an interrupt waits for the input to end by
// itself: in a terminal Ctrl-C reaches the program writing the trace too,
// and its last lines are still in the pipe.
const interruptGrace = 300 * time.Millisecond

// Read reads the named inputs in order (files, or "-" and no names for
// Options.Stdin). When ctx is done (Ctrl-C) it waits a moment for the
// input to end by itself, then stops waiting for it (a read may block
// forever on a live pipe), drops what comes later and reports
// interrupted; the reading goroutine is left blocked.
func (e *Engine) Read(ctx context.Context, names []string) (interrupted bool, err error) {
	read := func() error {
		e.begin()
		defer e.end()
		err := EachInput(e.opts.Stdin, names, e.readInput)
		if err == errClosed {
			return nil
		}
		return err
	}
	if ctx.Done() == nil {
		return false, read()
	}
	done := make(chan error, 1)
	go func() { done <- read() }()
	select {
	case err := <-done:
		return false, err
	case <-ctx.Done():
		select {
		case err := <-done:
			return false, err
		case <-time.After(interruptGrace):
		}
		e.mu.Lock()
		e.closed = true
		e.mu.Unlock()
		return true, nil
	}
}

// Result is what the engine read and found, ready to render: the final
// report with the budgets' findings merged in, attributions and advice
// filled in and the findings sorted, the notes of the budgets and the
// profile pulls, and the account of the inputs. It marshals as the JSON
// report of gctrace analyze: the report's fields and "notes".
type Result struct {
	*analyze.Report
	Notes []string `json:"notes,omitempty"`

	Inputs   Tally           `json:"-"`
	Disabled map[string]bool `json:"-"` // the rules turned off
}

// Finish, called once, stops reading, waits for outstanding profile pulls (within a
// bound, saying so on Options.Log), hands the final report to the
// subscribers (Done) and returns the result. Records read later are
// dropped.
func (e *Engine) Finish(interrupted bool) *Result {
	e.stopUsage()
	e.mu.Lock()
	e.closed = true
	rep := e.an.Report()
	t := e.t
	e.mu.Unlock()
	res := &Result{Report: rep, Inputs: t, Disabled: e.opts.Config.Disabled}
	if e.check != nil {
		fs, notes := e.check.Findings(rep)
		rep.Findings = append(rep.Findings, fs...)
		res.Notes = append(res.Notes, notes...)
	}
	files := make([]string, 0, len(e.pprof))
	for file := range e.pprof {
		files = append(files, file)
	}
	sort.Strings(files)
	for _, file := range files {
		a := e.pprof[file]
		res.Notes = append(res.Notes, a.wait(e.opts.Log)...)
		a.annotate(rep.Findings)
	}
	fillAdvice(rep.Findings)
	rep.SortFindings()
	e.mu.Lock()
	for _, s := range e.subs {
		s.Done(rep, interrupted)
	}
	e.mu.Unlock()
	return res
}

// NoTrace explains in one sentence an input without a GC line, or
// returns nil.
func (r *Result) NoTrace() error {
	if r.GCLines > 0 {
		return nil
	}
	t := r.Inputs
	// After an interrupt the tally misses the input being read; the
	// analyzer's counts are complete.
	t.Lines, t.GC, t.Errors = r.Lines, r.GCLines, r.UnparsedLines
	return t.NoTrace()
}

// fillAdvice gives a finding that came without advice its rule's, so that
// every finding in a report says what to do.
func fillAdvice(fs []analyze.Finding) {
	var advice map[string]string
	for i := range fs {
		if fs[i].Advice != "" {
			continue
		}
		if advice == nil {
			advice = map[string]string{}
			for _, r := range analyze.Rules() {
				advice[r.ID] = r.Advice
			}
		}
		fs[i].Advice = advice[fs[i].Rule]
	}
}
