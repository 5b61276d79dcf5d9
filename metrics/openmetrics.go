package metrics

import (
	"bytes"
	"io"
	"sort"
	"strings"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

// DefaultStep is how far apart in trace time History takes its samples:
// Prometheus's default scrape interval.
const DefaultStep = 15 * time.Second

// History samples an Exporter over the time of a finished log, as a
// Prometheus server scraping it would have, and writes the samples as
// OpenMetrics with their timestamps. It keeps every sample until written:
// memory grows with the log's duration divided by the step, not with its
// number of lines.
type History struct {
	e      *Exporter
	step   time.Duration
	next   time.Time
	series map[string]*historySeries // by family name and labels
	fams   map[string]*dto.MetricFamily
}

type historySeries struct {
	family, key string
	samples     []*dto.Metric
	last        int64 // timestamp of the last sample, ms
}

// NewHistory samples e every step of trace time (DefaultStep when 0).
func NewHistory(e *Exporter, step time.Duration) *History {
	if step <= 0 {
		step = DefaultStep
	}
	return &History{e: e, step: step, series: map[string]*historySeries{}, fams: map[string]*dto.MetricFamily{}}
}

// At tells History that the trace has reached t (a line's timestamp); it
// takes a sample when a step has passed since the last.
func (h *History) At(t time.Time) error {
	if !h.next.IsZero() && t.Before(h.next) {
		return nil
	}
	h.next = t.Truncate(h.step).Add(h.step)
	return h.Sample(t)
}

// Sample takes a sample at t whatever the step: at the end of an input.
func (h *History) Sample(t time.Time) error {
	mfs, err := h.e.Gather()
	if err != nil {
		return err
	}
	ms := t.UnixMilli()
	for _, mf := range mfs {
		if _, ok := h.fams[mf.GetName()]; !ok {
			h.fams[mf.GetName()] = &dto.MetricFamily{Name: mf.Name, Help: mf.Help, Type: mf.Type}
		}
		for _, m := range mf.Metric {
			key := mf.GetName() + "\xff" + labelKey(m)
			s := h.series[key]
			if s == nil {
				s = &historySeries{family: mf.GetName(), key: key, last: -1 << 62}
				h.series[key] = s
			}
			if ms <= s.last {
				continue // timestamps must increase
			}
			m.TimestampMs = &ms
			s.samples = append(s.samples, m)
			s.last = ms
		}
	}
	return nil
}

func labelKey(m *dto.Metric) string {
	var b strings.Builder
	for _, lp := range m.Label {
		b.WriteString(lp.GetName())
		b.WriteByte('=')
		b.WriteString(lp.GetValue())
		b.WriteByte('\xff')
	}
	return b.String()
}

// WriteOpenMetrics writes every sample: families by name, series by
// labels, samples in time order, then "# EOF".
func (h *History) WriteOpenMetrics(w io.Writer) error {
	for _, mf := range h.families(false) {
		if _, err := expfmt.MetricFamilyToOpenMetrics(w, mf); err != nil {
			return err
		}
	}
	_, err := expfmt.FinalizeOpenMetrics(w)
	return err
}

// WriteText writes the last sample of every series, without timestamps,
// in the Prometheus text format: what the node_exporter textfile collector
// reads, which refuses timestamps.
func (h *History) WriteText(w io.Writer) error {
	for _, mf := range h.families(true) {
		if _, err := expfmt.MetricFamilyToText(w, mf); err != nil {
			return err
		}
	}
	return nil
}

// families returns the samples by family name, series by labels; lastOnly
// keeps the last sample of each series, without its timestamp.
func (h *History) families(lastOnly bool) []*dto.MetricFamily {
	byFam := map[string][]*historySeries{}
	for _, s := range h.series {
		byFam[s.family] = append(byFam[s.family], s)
	}
	names := make([]string, 0, len(h.fams))
	for name := range h.fams {
		names = append(names, name)
	}
	sort.Strings(names)
	out := make([]*dto.MetricFamily, 0, len(names))
	for _, name := range names {
		ss := byFam[name]
		sort.Slice(ss, func(i, j int) bool { return ss[i].key < ss[j].key })
		f := h.fams[name]
		mf := &dto.MetricFamily{Name: f.Name, Help: f.Help, Type: f.Type}
		for _, s := range ss {
			if !lastOnly {
				mf.Metric = append(mf.Metric, s.samples...)
				continue
			}
			last := s.samples[len(s.samples)-1]
			mf.Metric = append(mf.Metric, &dto.Metric{Label: last.Label, Counter: last.Counter, Gauge: last.Gauge, Histogram: last.Histogram})
		}
		out = append(out, mf)
	}
	return out
}

// StampReader passes a log through and notes the time at the start of
// each line that begins with an RFC 3339 timestamp, as `kubectl logs
// --timestamps`, Docker and CRI log files write them. The parser reads
// ahead, so the times wait in a queue until Time asks for their line.
type StampReader struct {
	r      io.Reader
	line   int    // 1-based number of the line being read
	head   []byte // the start of that line, up to maxStamp bytes
	inHead bool
	queue  []stamp
}

type stamp struct {
	line int
	t    time.Time
}

// maxStamp is the longest timestamp looked for: RFC 3339 with
// nanoseconds and a zone offset.
const maxStamp = len("2006-01-02T15:04:05.999999999-07:00")

// NewStampReader reads r.
func NewStampReader(r io.Reader) *StampReader {
	return &StampReader{r: r, line: 1, inHead: true}
}

func (s *StampReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	b := p[:n]
	for len(b) > 0 {
		if s.inHead {
			nl := bytes.IndexByte(b, '\n')
			take := b
			if nl >= 0 {
				take = b[:nl]
			}
			room := min(len(take), maxStamp+1-len(s.head))
			s.head = append(s.head, take[:room]...)
			if nl >= 0 || len(s.head) > maxStamp {
				s.noteHead()
			}
		}
		nl := bytes.IndexByte(b, '\n')
		if nl < 0 {
			break
		}
		b = b[nl+1:]
		s.line++
		s.head, s.inHead = s.head[:0], true
	}
	if err == io.EOF && s.inHead {
		s.noteHead()
	}
	return n, err
}

func (s *StampReader) noteHead() {
	s.inHead = false
	head := s.head
	if i := bytes.IndexByte(head, ' '); i >= 0 {
		head = head[:i]
	}
	if len(head) < len("2006-01-02T15:04:05Z") || head[4] != '-' || head[10] != 'T' {
		return
	}
	if t, err := time.Parse(time.RFC3339Nano, string(head)); err == nil {
		s.queue = append(s.queue, stamp{s.line, t})
	}
}

// Time returns the timestamp that begins a line, if it has one. Lines must
// be asked for in increasing order; earlier ones are forgotten.
func (s *StampReader) Time(line int) (time.Time, bool) {
	i := 0
	for i < len(s.queue) && s.queue[i].line < line {
		i++
	}
	s.queue = s.queue[i:]
	if len(s.queue) > 0 && s.queue[0].line == line {
		return s.queue[0].t, true
	}
	return time.Time{}, false
}
