package zoo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
)

// Defaults for the zero fields of Config. They are sized for a laptop: the
// largest, the mouse's hoard, is what the pprof walkthrough steals.
const (
	DefaultInterval    = time.Second
	DefaultMouseMax    = 1 << 30
	DefaultLeakMax     = 256 << 20
	DefaultSpikeMax    = 256 << 20
	DefaultLimit       = 128 << 20
	DefaultAssistHeap  = 64 << 20
	DefaultHealthyHeap = 32 << 20
)

// Scenario describes one behaviour that Run can play.
type Scenario struct {
	Name    string   // as given to --scenario
	Summary string   // what it does
	Pattern string   // what its GC trace shows
	Profile string   // the pprof profile that leads to the code behind it
	Rules   []string // gctrace analyze rules it should raise, the one naming the fault first; none for healthy and the non-GC animals
	Animal  bool     // one of the walkthrough's animals, played by default
}

type scenario struct {
	Scenario
	run func(ctx context.Context, e *env)
}

// registry is in the order of the package documentation's table.
var registry = []scenario{
	{Scenario{
		Name:    "tiger",
		Summary: "(*Tiger).Eat burns about a second of CPU in an empty loop",
		Pattern: "nothing: it does not allocate",
		Profile: "profile (CPU)",
		Animal:  true,
	}, runTiger},
	{Scenario{
		Name:    "mouse",
		Summary: "(*Mouse).Steal hoards 1 MiB arrays it never releases, doubling its hoard per call up to --mouse-max",
		Pattern: "live heap and goal double cycle after cycle, about once per call",
		Profile: "heap (inuse_space)",
		Rules:   []string{"heap-doubling"},
		Animal:  true,
	}, runMouse},
	{Scenario{
		Name:    "dog",
		Summary: "(*Dog).Run allocates 16 MiB that is garbage at once, in 32 KiB pieces",
		Pattern: "3->3->0 MB at the 4 MB goal, about five cycles per call: all churn, nothing kept",
		Profile: "allocs (alloc_space)",
		Rules:   []string{"alloc-churn"},
		Animal:  true,
	}, runDog},
	{Scenario{
		Name:    "wolf",
		Summary: "(*Wolf).Drink leaks 10 goroutines per call for 30 s; (*Wolf).Howl waits 1 s for a mutex another goroutine holds",
		Pattern: "nothing GC-related",
		Profile: "goroutine, mutex",
		Animal:  true,
	}, runWolf},
	{Scenario{
		Name:    "cat",
		Summary: "(*Cat).Pee blocks on a channel for 1 s",
		Pattern: "nothing GC-related",
		Profile: "block",
		Animal:  true,
	}, runCat},
	{Scenario{
		Name:    "leak",
		Summary: "a session cache that never evicts keeps 4 MiB/s of 32 MiB/s request garbage, up to --leak-max",
		Pattern: "live heap (the last MB figure) climbs a little every cycle, goal follows",
		Profile: "heap (inuse_space)",
		Rules:   []string{"live-heap-growth"},
	}, runLeak},
	{Scenario{
		Name:    "spike",
		Summary: "a batch job loads --spike-max bytes at 256 MiB/s, drops them and writes results out, then 2 s of calm; again and again",
		Pattern: "goal doubles several cycles in a row, then the heap falls back to its calm size",
		Profile: "allocs (alloc_space)",
		Rules:   []string{"heap-doubling"},
	}, runSpike},
	{Scenario{
		Name:    "tiny",
		Summary: "allocates 160 MiB/s of 64-byte objects while keeping almost nothing",
		Pattern: "goal pinned at the 4 MB minimum, dozens of GCs per second",
		Profile: "allocs (alloc_space)",
		Rules:   []string{"min-heap-thrash", "gc-frequency"},
	}, runTiny},
	{Scenario{
		Name:    "forced",
		Summary: "calls runtime.GC() after every small job, ten times a second",
		Pattern: "every line ends in (forced)",
		Profile: "profile (CPU): runtime.GC under its caller",
		Rules:   []string{"forced-gc"},
	}, runForced},
	{Scenario{
		Name:    "limit",
		Summary: "sets debug.SetMemoryLimit(--limit), grows a live heap from half of it to 85% of it less 8 MiB over 4 s, churns the limit's worth per second",
		Pattern: "goal flat just under the limit while GCs come faster and GC CPU climbs",
		Profile: "heap (inuse_space) for what fills the limit",
		Rules:   []string{"memory-limit-pressure"},
	}, runLimit},
	{Scenario{
		Name:    "assist",
		Summary: "keeps --assist-heap bytes of pointer-rich nodes while every P allocates as fast as it can",
		Pattern: "assist (2nd cpu value) is most of assist+background; high GC CPU",
		Profile: "profile (CPU): runtime.gcAssistAlloc under the allocator",
		Rules:   []string{"mark-assist", "high-gc-cpu"},
	}, runAssist},
	{Scenario{
		Name:    "healthy",
		Summary: "a service loop: a fixed --healthy-heap working set and 22 MiB/s of request garbage",
		Pattern: "flat live heap at the working set, a GC every second or so, GC CPU near 0%",
		Profile: "none needed",
	}, runHealthy},
}

// Scenarios returns every scenario Run knows, in a stable order.
func Scenarios() []Scenario {
	out := make([]Scenario, len(registry))
	for i, s := range registry {
		out[i] = s.Scenario
		out[i].Rules = slices.Clone(s.Rules)
	}
	return out
}

// Animals returns the names of the walkthrough's animals, the default set.
func Animals() []string {
	var names []string
	for _, s := range registry {
		if s.Animal {
			names = append(names, s.Name)
		}
	}
	return names
}

func lookup(name string) (scenario, bool) {
	for _, s := range registry {
		if s.Name == name {
			return s, true
		}
	}
	return scenario{}, false
}

// Config says what Run plays and how big. Zero fields take the defaults
// above, except Pprof: empty means no profile server.
type Config struct {
	Scenarios []string      // names from Scenarios(); empty means Animals()
	Duration  time.Duration // 0: until ctx is done
	Pprof     string        // loopback address for net/http/pprof, ":0" picks a port; "" serves nothing
	Interval  time.Duration // pause between an animal's calls

	MouseMax    int64 // bytes the mouse hoards at most
	LeakMax     int64 // bytes the leaky cache grows to at most
	SpikeMax    int64 // bytes one spike batch holds
	Limit       int64 // the memory limit the limit scenario sets
	AssistHeap  int64 // bytes of pointer-rich live heap in the assist scenario
	HealthyHeap int64 // bytes of working set in the healthy scenario
}

// ConfigError is a Config that cannot run: an unknown scenario, an address
// that is not loopback, a size out of range. Main reports it as a usage error.
type ConfigError struct{ msg string }

func (e *ConfigError) Error() string { return e.msg }

func configErrorf(format string, args ...any) error {
	return &ConfigError{fmt.Sprintf(format, args...)}
}

// normalize fills defaults and checks c, returning the scenarios to run.
func (c *Config) normalize() ([]scenario, error) {
	names := c.Scenarios
	if len(names) == 0 {
		names = Animals()
	}
	var run []scenario
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue // "dog," is dog
		}
		s, ok := lookup(n)
		if !ok {
			return nil, configErrorf("unknown scenario %q (known: %s)", n, strings.Join(allNames(), ", "))
		}
		if !slices.ContainsFunc(run, func(r scenario) bool { return r.Name == n }) {
			run = append(run, s)
		}
	}
	if len(run) == 0 {
		return nil, configErrorf("no scenario named (known: %s)", strings.Join(allNames(), ", "))
	}
	if c.Duration < 0 {
		return nil, configErrorf("negative duration %v", c.Duration)
	}
	if c.Interval < 0 {
		return nil, configErrorf("negative interval %v", c.Interval)
	}
	if c.Interval == 0 {
		c.Interval = DefaultInterval
	}
	sizes := []struct {
		name  string
		v     *int64
		def   int64
		least int64
	}{
		{"mouse-max", &c.MouseMax, DefaultMouseMax, 1 << 20},
		{"leak-max", &c.LeakMax, DefaultLeakMax, 1 << 20},
		{"spike-max", &c.SpikeMax, DefaultSpikeMax, 8 << 20},
		{"limit", &c.Limit, DefaultLimit, 32 << 20},
		{"assist-heap", &c.AssistHeap, DefaultAssistHeap, 4 << 20},
		{"healthy-heap", &c.HealthyHeap, DefaultHealthyHeap, 4 << 20},
	}
	for _, s := range sizes {
		switch {
		case *s.v == 0:
			*s.v = s.def
		case *s.v < s.least:
			return nil, configErrorf("%s %s is below the least useful size, %s", s.name, formatSize(*s.v), formatSize(s.least))
		case *s.v > 64<<30:
			return nil, configErrorf("%s %s is more than 64GiB", s.name, formatSize(*s.v))
		}
	}
	if c.Pprof != "" {
		if _, err := loopbackAddr(c.Pprof); err != nil {
			return nil, err
		}
	}
	return run, nil
}

func allNames() []string {
	names := make([]string, len(registry))
	for i, s := range registry {
		names[i] = s.Name
	}
	return names
}

// env is what a running scenario shares with the runner.
type env struct {
	cfg Config
	log *logger
	// wg counts the running scenarios, so that Run returns only once every
	// one of them, and whatever it left behind, is gone.
	wg sync.WaitGroup
}

// Run plays the scenarios of cfg concurrently until ctx is done or
// cfg.Duration has passed, then returns nil. The profile server, if any,
// announces itself with one line on stderr, "bomb: pprof at <URL>"; the
// scenarios log what they do on stderr too, next to the runtime's GC trace.
//
// Run turns on mutex and block profiling for the whole process and leaves it
// on. An error means nothing was played: a *ConfigError for a bad cfg, or the
// profile server could not listen.
func Run(ctx context.Context, cfg Config, stderr io.Writer) error {
	run, err := cfg.normalize()
	if err != nil {
		return err
	}
	log := newLogger(stderr)

	// As the pprof walkthrough does, so that the wolf and the cat show up.
	runtime.SetMutexProfileFraction(1)
	runtime.SetBlockProfileRate(1)

	if cfg.Pprof != "" {
		srv, url, err := servePprof(cfg.Pprof)
		if err != nil {
			return err
		}
		defer srv.Close()
		log.raw("bomb: pprof at " + url)
	}

	if cfg.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.Duration)
		defer cancel()
	}
	e := &env{cfg: cfg, log: log}
	for _, s := range run {
		e.wg.Add(1)
		go func() {
			defer e.wg.Done()
			s.run(ctx, e)
		}()
	}
	<-ctx.Done()
	e.wg.Wait()
	if errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
		log.raw(fmt.Sprintf("bomb: done after %v", cfg.Duration))
	} else {
		log.raw("bomb: stopped")
	}
	return nil
}

// sleep waits for d or until ctx is done, and reports whether to go on.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// every calls f each period, the first time at once, until ctx is done.
func every(ctx context.Context, period time.Duration, f func()) {
	for {
		f()
		if !sleep(ctx, period) {
			return
		}
	}
}

// tick calls f each period on a ticker, the first time at once, until ctx is
// done. A slow f makes the ticker drop ticks rather than bunch them up.
func tick(ctx context.Context, period time.Duration, f func()) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		f()
		select {
		case <-t.C:
		case <-ctx.Done():
			return
		}
	}
}

// touch writes to every page of b, so that b is memory in use, as a real
// buffer would be, and not a span of untouched zero pages.
func touch(b []byte) {
	for i := 0; i < len(b); i += 4096 {
		b[i] = 1
	}
}

// pacer spreads allocation over time at a steady rate. Allocating faster
// than the collector can finish a cycle makes the runtime allocate black
// whatever comes during marking, which blurs the trace's pattern.
type pacer struct {
	start time.Time
	rate  float64 // bytes per second
}

func newPacer(rate int64) *pacer { return &pacer{start: time.Now(), rate: float64(rate)} }

// wait sleeps until done bytes are due and reports whether to go on.
func (p *pacer) wait(ctx context.Context, done int64) bool {
	due := p.start.Add(time.Duration(float64(done) / p.rate * float64(time.Second)))
	if d := time.Until(due); d > 0 {
		return sleep(ctx, d)
	}
	return ctx.Err() == nil
}
