// Package metrics exposes the GC trace as Prometheus series: a subscriber
// of the engine serving /metrics, and an OpenMetrics writer for a finished
// log.
package metrics

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/engine"
	"github.com/gctrace/gctrace/parser"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"
)

// DefaultMaxProcesses is how many process label values are kept when
// Options.MaxProcesses is 0.
const DefaultMaxProcesses = 100

// OtherProcess is the process label of the series that add up the
// processes beyond the bound.
const OtherProcess = "other"

// Label is a constant label put on every series (--label key=value).
type Label struct{ Name, Value string }

var labelName = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// reserved are the label names gctrace sets itself, and those Prometheus
// gives a meaning to.
var reserved = map[string]bool{"process": true, "rule": true, "severity": true, "le": true, "quantile": true, "job": true, "instance": true}

// ParseLabel reads "key=value" as given to --label.
func ParseLabel(s string) (Label, error) {
	name, value, ok := strings.Cut(s, "=")
	switch {
	case !ok:
		return Label{}, fmt.Errorf("label %q is not key=value", s)
	case !labelName.MatchString(name) || strings.HasPrefix(name, "__"):
		return Label{}, fmt.Errorf("label name %q is not a Prometheus label name (letters, digits and _, not starting with a digit or __)", name)
	case reserved[name]:
		return Label{}, fmt.Errorf("label name %q is set by gctrace or Prometheus itself; pick another", name)
	}
	return Label{Name: name, Value: value}, nil
}

// Options configures an Exporter.
type Options struct {
	Labels []Label // put on every series
	// MaxProcesses bounds the process label values: the most recently
	// active processes keep their own series, the rest are added up under
	// process="other". 0 means DefaultMaxProcesses.
	MaxProcesses int
	// QualifyProcess names processes "INPUT#ID" rather than "ID": set it
	// when several inputs are read, so that their processes stay apart.
	QualifyProcess bool
}

// Exporter keeps the series of every process in the stream. It is an
// engine.Subscriber, and a prometheus.Collector that Handler serves.
type Exporter struct {
	engine.Base

	opts  Options
	limit int
	descs struct {
		cycles, forced, allocated, gcCPU, assist, pause, pauseHist  *prometheus.Desc
		heapLive, heapGoal, heapStart, stacks, globals, procs, gogc *prometheus.Desc
		findings, active, folded                                    *prometheus.Desc
	}
	reg     *prometheus.Registry
	handler http.Handler

	mu     sync.Mutex
	procs  map[procKey]*proc
	other  *proc // nil until a process is folded
	folded float64
	tick   int64
}

var _ engine.Subscriber = (*Exporter)(nil)

// New returns an Exporter with no series yet.
func New(opts Options) (*Exporter, error) {
	constLabels := prometheus.Labels{}
	for _, l := range opts.Labels {
		if _, err := ParseLabel(l.Name + "=" + l.Value); err != nil {
			return nil, err
		}
		if _, dup := constLabels[l.Name]; dup {
			return nil, fmt.Errorf("label %q is given twice", l.Name)
		}
		constLabels[l.Name] = l.Value
	}
	if opts.MaxProcesses < 0 {
		return nil, fmt.Errorf("the bound on processes must be at least 1, not %d", opts.MaxProcesses)
	}
	e := &Exporter{opts: opts, limit: opts.MaxProcesses, procs: map[procKey]*proc{}}
	if e.limit == 0 {
		e.limit = DefaultMaxProcesses
	}
	d := &e.descs
	for _, x := range []struct {
		d **prometheus.Desc
		s Series
	}{
		{&d.cycles, seriesCycles}, {&d.forced, seriesForced}, {&d.allocated, seriesAllocated}, {&d.gcCPU, seriesGCCPU},
		{&d.assist, seriesAssist}, {&d.pause, seriesPause}, {&d.pauseHist, seriesPauseHist},
		{&d.heapLive, seriesHeapLive}, {&d.heapGoal, seriesHeapGoal}, {&d.heapStart, seriesHeapStart},
		{&d.stacks, seriesStacks}, {&d.globals, seriesGlobals}, {&d.procs, seriesProcs}, {&d.gogc, seriesGOGC},
		{&d.findings, seriesFindings}, {&d.active, seriesActive}, {&d.folded, seriesProcesses},
	} {
		*x.d = x.s.desc(constLabels)
	}
	e.reg = prometheus.NewPedanticRegistry()
	if err := e.reg.Register(e); err != nil {
		return nil, err
	}
	e.handler = promhttp.HandlerFor(e.reg, promhttp.HandlerOpts{EnableOpenMetrics: true, ErrorHandling: promhttp.ContinueOnError})
	return e, nil
}

// Handler serves the series in the format the scrape asks for: Prometheus
// text, OpenMetrics, or protobuf (which carries the native histogram).
func (e *Exporter) Handler() http.Handler { return e.handler }

// Gather returns the series as metric families, sorted by name.
func (e *Exporter) Gather() ([]*dto.MetricFamily, error) { return e.reg.Gather() }

// Record updates the series of the record's process with each GC cycle.
func (e *Exporter) Record(rec parser.Record) {
	g, ok := rec.(*parser.GC)
	if !ok {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.lookup(procKey{g.File, g.Process}).cycle(g)
}

// Finding counts the finding and marks it active.
func (e *Exporter) Finding(f analyze.Finding) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.lookup(procKey{f.File, f.Process}).finding(&f)
}

// Progress updates which findings are active.
func (e *Exporter) Progress(rep *analyze.Report) { e.activeFrom(rep) }

// Done updates which findings are active at the end of the input; the
// series stay served.
func (e *Exporter) Done(rep *analyze.Report, _ bool) { e.activeFrom(rep) }

// activeFrom marks a finding active when it holds at the latest cycle of
// its process: the analyzer extends a finding to every cycle its condition
// holds at.
func (e *Exporter) activeFrom(rep *analyze.Report) {
	if rep == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	last := map[procKey]int{}
	for _, p := range rep.Processes {
		last[procKey{p.File, p.Process}] = p.LastCycle
	}
	for _, f := range rep.Findings {
		k := procKey{f.File, f.Process}
		p := e.procs[k]
		if p == nil {
			continue // folded, or never seen: nothing to say it of
		}
		fk := findingKey{f.Rule, f.Severity.String()}
		if n, ok := last[k]; ok {
			p.active[fk] = f.LastCycle >= n
		}
	}
}

// lookup returns the state of a process, starting it, and folding the
// least recently active one into "other" when the bound is reached.
func (e *Exporter) lookup(k procKey) *proc {
	e.tick++
	p := e.procs[k]
	if p == nil {
		if len(e.procs) >= e.limit {
			e.foldOldest()
		}
		p = newProc(e.label(k))
		e.procs[k] = p
	}
	p.lastUsed = e.tick
	return p
}

func (e *Exporter) label(k procKey) string {
	id := strconv.Itoa(k.process)
	if e.opts.QualifyProcess {
		return k.file + "#" + id
	}
	return id
}

func (e *Exporter) foldOldest() {
	var oldest procKey
	first := true
	for k, p := range e.procs {
		if first || p.lastUsed < e.procs[oldest].lastUsed {
			oldest, first = k, false
		}
	}
	if e.other == nil {
		e.other = newProc(OtherProcess)
	}
	e.other.fold(e.procs[oldest])
	delete(e.procs, oldest)
	e.folded++
}

// Describe sends every series' descriptor.
func (e *Exporter) Describe(ch chan<- *prometheus.Desc) {
	d := &e.descs
	for _, x := range []*prometheus.Desc{d.cycles, d.forced, d.allocated, d.gcCPU, d.assist, d.pause, d.pauseHist,
		d.heapLive, d.heapGoal, d.heapStart, d.stacks, d.globals, d.procs, d.gogc, d.findings, d.active, d.folded} {
		ch <- x
	}
}

// Collect sends the current value of every series, processes sorted by
// label.
func (e *Exporter) Collect(ch chan<- prometheus.Metric) {
	e.mu.Lock()
	defer e.mu.Unlock()
	ps := make([]*proc, 0, len(e.procs)+1)
	for _, p := range e.procs {
		ps = append(ps, p)
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].label < ps[j].label })
	if e.other != nil {
		ps = append(ps, e.other)
	}
	d := &e.descs
	counter := func(desc *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(desc, prometheus.CounterValue, v, labels...)
	}
	gauge := func(desc *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(desc, prometheus.GaugeValue, v, labels...)
	}
	for _, p := range ps {
		l := p.label
		counter(d.cycles, p.cycles, l)
		counter(d.forced, p.forced, l)
		counter(d.allocated, p.allocated, l)
		counter(d.gcCPU, p.gcCPU, l)
		counter(d.assist, p.assist, l)
		counter(d.pause, p.pause, l)
		ch <- &histMetric{desc: d.pauseHist, label: l, h: p.pauses.snapshot()}
		if p == e.other || !p.hasCycle {
			continue
		}
		if p.hasLive {
			gauge(d.heapLive, p.heapLive, l)
		}
		if p.hasGoal {
			gauge(d.heapGoal, p.heapGoal, l)
		}
		gauge(d.heapStart, p.heapStart, l)
		if p.hasStacks {
			gauge(d.stacks, p.stacks, l)
			gauge(d.globals, p.globals, l)
		}
		gauge(d.procs, p.procs, l)
		if p.hasGOGC {
			gauge(d.gogc, p.gogc, l)
		}
	}
	for _, p := range ps {
		for _, k := range sortedKeys(p.fired) {
			counter(d.findings, p.fired[k], p.label, k.rule, k.severity)
		}
		for _, k := range sortedKeys(p.active) {
			v := 0.0
			if p.active[k] {
				v = 1
			}
			gauge(d.active, v, p.label, k.rule, k.severity)
		}
	}
	counter(d.folded, e.folded)
}

func sortedKeys[V any](m map[findingKey]V) []findingKey {
	keys := make([]findingKey, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].rule != keys[j].rule {
			return keys[i].rule < keys[j].rule
		}
		return keys[i].severity < keys[j].severity
	})
	return keys
}

// histMetric is the pause histogram of one process as a prometheus.Metric.
type histMetric struct {
	desc  *prometheus.Desc
	label string
	h     hist
}

func (m *histMetric) Desc() *prometheus.Desc { return m.desc }

func (m *histMetric) Write(out *dto.Metric) error {
	// The label pairs: the descriptor's constant labels and process.
	cm := prometheus.MustNewConstMetric(m.desc, prometheus.UntypedValue, 0, m.label)
	if err := cm.Write(out); err != nil {
		return err
	}
	out.Untyped = nil
	out.Histogram = &dto.Histogram{}
	m.h.write(out.Histogram)
	return nil
}
