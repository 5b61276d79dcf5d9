package engine

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/attribute"
)

// attributor pulls a profile when a finding that a profile explains fires,
// in its own goroutine so that the stream never waits for it, and keeps
// the answers for the report. Findings that fire while a pull of their
// kind is under way share it.
type attributor struct {
	e      *Engine
	p      Profile
	usage  *usageWatch // where the memory goes over the run
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu        sync.Mutex
	running   int // pulls not yet done, attributions handed on included
	requested map[findingKey]bool
	inflight  map[attribute.Kind]*pull // the pulls a finding can still join
	answers   map[findingKey]string
	notes     []string
}

// findingKey names a finding of one process: a rule's profile is pulled
// once per process.
type findingKey struct {
	file    string
	process int
	rule    string
}

// pull is one profile request and the findings waiting for it.
type pull struct {
	kind     attribute.Kind
	findings []analyze.Finding
}

func newAttributor(e *Engine, p Profile) *attributor {
	ctx, cancel := context.WithCancel(context.Background())
	return &attributor{
		e: e, p: p, ctx: ctx, cancel: cancel,
		requested: map[findingKey]bool{},
		inflight:  map[attribute.Kind]*pull{},
		answers:   map[findingKey]string{},
	}
}

// found starts or joins a pull for a finding a profile explains. It is
// called from the reading loop and never blocks on the network.
func (a *attributor) found(f analyze.Finding) {
	kind, ok := attribute.KindFor(f.Rule)
	if !ok || f.Attribution != "" { // the analyzer named the code itself
		return
	}
	k := findingKey{f.File, f.Process, f.Rule}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.requested[k] {
		return
	}
	a.requested[k] = true
	if p := a.inflight[kind]; p != nil {
		p.findings = append(p.findings, f)
		return
	}
	p := &pull{kind: kind, findings: []analyze.Finding{f}}
	a.inflight[kind] = p
	a.running++
	a.wg.Add(1)
	go a.run(p)
}

func (a *attributor) run(p *pull) {
	defer a.wg.Done()
	defer func() {
		a.mu.Lock()
		a.running--
		a.mu.Unlock()
	}()
	var window time.Duration
	if p.kind == attribute.Allocs && !a.p.Source.IsFile() {
		window = time.Duration(a.p.Seconds) * time.Second
	}
	at, err := attribute.Attribute(a.ctx, a.p.Source, p.kind, window)
	a.mu.Lock()
	delete(a.inflight, p.kind)
	findings := p.findings
	if err != nil {
		var rules []string
		for _, f := range findings {
			rules = append(rules, f.Rule)
		}
		a.notes = append(a.notes, fmt.Sprintf("no attribution for %s: the %s profile pull failed: %v", strings.Join(rules, ", "), p.kind, err))
		a.mu.Unlock()
		return
	}
	a.mu.Unlock()
	// The engine's lock is taken unlocked: a reading goroutine may hold
	// it while it waits for ours.
	for _, f := range findings {
		summary := at.Summary
		if p.kind == attribute.Allocs && window > 0 {
			if traceRate := a.e.allocRate(f.File, f.Process); traceRate > 0 {
				summary += "; " + at.Reconcile(traceRate).String()
			}
		}
		a.mu.Lock()
		a.answers[findingKey{f.File, f.Process, f.Rule}] = summary
		a.mu.Unlock()
		f.Attribution = summary
		a.e.attributed(f)
	}
}

// pprofGrace is how long the end of the input waits for pulls beyond
// their window: long enough for a fetch, short enough not to hang on a
// program that is gone.
const pprofGrace = 10 * time.Second

// wait lets outstanding pulls finish, within a bound, saying so on w, and
// returns the notes of the failed ones, sorted.
func (a *attributor) wait(w io.Writer) []string {
	a.mu.Lock()
	n := a.running
	a.mu.Unlock()
	if n > 0 {
		limit := time.Duration(a.p.Seconds)*time.Second + pprofGrace
		pulls := "pulls"
		if n == 1 {
			pulls = "pull"
		}
		fmt.Fprintf(w, "gctrace: waiting up to %s for %d profile %s\n", limit, n, pulls)
		done := make(chan struct{})
		go func() { a.wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(limit):
			a.cancel()
			<-done
		}
	}
	a.cancel()
	a.mu.Lock()
	defer a.mu.Unlock()
	notes := append([]string(nil), a.notes...)
	sort.Strings(notes)
	return notes
}

// annotate sets the attribution of the findings that have one.
func (a *attributor) annotate(fs []analyze.Finding) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := range fs {
		f := &fs[i]
		if s, ok := a.answers[findingKey{f.File, f.Process, f.Rule}]; ok {
			f.Attribution = s
		}
	}
}
