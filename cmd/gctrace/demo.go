package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gctrace/gctrace/analyze"
	"github.com/gctrace/gctrace/attribute"
	"github.com/gctrace/gctrace/bomb/zoo"
	"github.com/gctrace/gctrace/engine"
	"github.com/gctrace/gctrace/parser"
	"github.com/gctrace/gctrace/plot"
	"github.com/gctrace/gctrace/report"
	"github.com/spf13/cobra"
)

type demoOptions struct {
	Scenarios []string
	Duration  time.Duration
	Output    string
	Verbose   bool
	Progress  time.Duration
	Seconds   int // attribution window
	Live      liveOptions
	Metrics   metricsOptions
}

func newCmdDemo(s *streams, runF func(*demoOptions) error) *cobra.Command {
	opts := &demoOptions{}
	var scenarios string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the bundled misbehaving program and show the whole story: symptom, diagnosis, culprit, picture",
		Long: `Demo runs the example program compiled into gctrace (see gctrace bomb) with
GODEBUG=gctrace=1 and a pprof endpoint on a free loopback port, once per
scenario, side by side, for --duration. While it runs, a progress line
comes every few seconds and each finding is printed the moment it fires;
when a finding points at allocation (alloc-churn, heap-doubling, …) the
program's profile is pulled to name the code behind it.

At the end: the report with the attribution, the chart of the heap over
time in the one file -o names (gc.png by default), with a chart of each
scenario one under the other, and the commands that do the same for your
own program. Ctrl-C ends it early with the report of what
was seen.

It needs no source tree and no Go toolchain: the program is part of the
gctrace binary.

` + metricsHelp + `

` + liveHelp,
		Example: `  gctrace demo
  gctrace demo --scenario leak --duration 30s -o leak.png
  gctrace demo --scenario tiny,healthy --verbose
  gctrace demo --http 127.0.0.1:8080
  gctrace demo --http 127.0.0.1:8080 --metrics 127.0.0.1:8080`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			known := map[string]bool{}
			var names []string
			for _, sc := range zoo.Scenarios() {
				known[sc.Name] = true
				names = append(names, sc.Name)
			}
			opts.Scenarios = nil
			for _, name := range strings.Split(scenarios, ",") {
				name = strings.TrimSpace(name)
				if name == "" {
					continue
				}
				if !known[name] {
					return usagef("unknown scenario %q (scenarios: %s)", name, strings.Join(names, ", "))
				}
				if !slices.Contains(opts.Scenarios, name) {
					opts.Scenarios = append(opts.Scenarios, name)
				}
			}
			if len(opts.Scenarios) == 0 {
				return usagef("--scenario needs at least one name (scenarios: %s)", strings.Join(names, ", "))
			}
			if opts.Duration < time.Second {
				return usagef("--duration must be at least 1s")
			}
			if _, err := plot.FormatOf(opts.Output); err != nil {
				return usagef("-o %s: %v (use .png, .svg or .pdf)", opts.Output, err)
			}
			if err := opts.Live.check(); err != nil {
				return err
			}
			if err := opts.Metrics.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runDemo(s, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&scenarios, "scenario", "dog,mouse", "comma-separated scenarios to run, each in its own process (gctrace bomb --list)")
	fl.DurationVar(&opts.Duration, "duration", 20*time.Second, "how long the program runs")
	fl.StringVarP(&opts.Output, "output", "o", "gc.png", "the chart's `file` (.png, .svg or .pdf), with a chart of each scenario")
	fl.BoolVarP(&opts.Verbose, "verbose", "v", false, "also show the program's own output and its GC trace")
	fl.DurationVar(&opts.Progress, "progress", 5*time.Second, "how often the progress line comes (0: never)")
	fl.IntVar(&opts.Seconds, "pprof-seconds", 3, "window of the allocation profile pulled when a finding fires, in seconds")
	opts.Live.addFlags(fl)
	opts.Metrics.addFlags(fl)
	_ = cmd.RegisterFlagCompletionFunc("scenario", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		var names []string
		for _, sc := range zoo.Scenarios() {
			names = append(names, sc.Name+"\t"+sc.Summary)
		}
		return names, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// demoChild is one scenario's program.
type demoChild struct {
	name   string
	cmd    *exec.Cmd
	in     io.Reader // its standard error, from the first line after the pprof one
	url    string
	cycles atomic.Int64
	exited chan struct{}
}

// pprofLine is how the bomb says where its profiles are.
var pprofLine = regexp.MustCompile(`pprof at (http://127\.0\.0\.1:\d+/debug/pprof/)`)

func runDemo(s *streams, opts *demoOptions) error {
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("cannot find the gctrace binary to run the demo program: %w", err)
	}
	if err := checkWritableDir(opts.Output); err != nil {
		return err
	}
	srv, err := startServers(s.Err, &opts.Live, &opts.Metrics, len(opts.Scenarios))
	if err != nil {
		return err
	}
	defer srv.close()

	// Catch Ctrl-C before the programs start: it ends the demo early, with
	// the report of what was seen.
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)

	errW := report.NewLineWriter(s.Err, true)
	errW.Say(fmt.Sprintf("gctrace demo: running %s for %s with GODEBUG=gctrace=1 (Ctrl-C ends it early)",
		strings.Join(opts.Scenarios, " and "), opts.Duration))

	children, err := startDemoChildren(self, opts)
	defer func() {
		for _, c := range children {
			if c.cmd.Process != nil {
				_ = c.cmd.Process.Kill()
			}
		}
	}()
	if err != nil {
		return err
	}

	b := plot.NewBuilder(plot.Options{Columns: 2 * plot.DefaultWidth})
	byName := map[string]*demoChild{}
	profiles := map[string]engine.Profile{}
	for _, c := range children {
		byName[c.name] = c
		errW.Say(fmt.Sprintf("gctrace demo: %s serves its profiles at %s", c.name, c.url))
		src, err := attribute.ParseSource(c.url)
		if err != nil {
			return err
		}
		profiles[c.name] = engine.Profile{Source: src, Seconds: opts.Seconds}
	}
	con := &report.Console{Findings: errW}
	if opts.Verbose {
		con.Echo, con.EchoGC = errW, true
	}
	eng := engine.New(engine.Options{
		Config:      analyze.DefaultConfig(),
		Profiles:    profiles,
		Log:         s.Err,
		Subscribers: []engine.Subscriber{demoCycles{byName: byName}, b.Subscriber(), con},
	})
	srv.subscribe(eng)

	var wg sync.WaitGroup
	for _, c := range children {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = eng.ReadStream(c.in, c.name)
		}()
	}

	interrupted := waitDemo(errW, opts, children, sigs)
	if interrupted {
		errW.Say("gctrace demo: interrupted: the report covers what was seen")
	}
	res := eng.Finish(interrupted) // waits for profile pulls while the programs still run
	stopDemoChildren(children)
	wg.Wait()

	if res.GCLines == 0 {
		errW.Flush()
		return &exitStatus{code: exitError, msg: "the demo program printed no GC trace: it ran too briefly for a collection"}
	}
	errW.Say("")
	if err := errW.Flush(); err != nil {
		return err
	}
	if err := report.Write(s.Out, report.Text, res); err != nil {
		return err
	}

	for _, f := range res.Findings {
		if f.Process > 0 && f.Start >= 0 {
			b.AddSpan(f.Rule, f.File, f.Process, f.Start, f.End)
		}
	}
	var charts []plot.Chart
	var drawn []string
	for _, name := range opts.Scenarios {
		p, ok := demoProcess(b, name)
		if !ok {
			fmt.Fprintf(s.Err, "gctrace demo: %s printed no GC cycle, so there is no chart of it\n", name)
			continue
		}
		charts = append(charts, plot.Chart{ID: p.ProcessID, Title: "gctrace demo: the " + name + " scenario"})
		drawn = append(drawn, name)
	}
	wrote := ""
	if len(charts) > 0 {
		if err := renderDemoChart(b, charts, opts.Output); err != nil {
			return err
		}
		wrote = opts.Output + " (" + strings.Join(drawn, ", ") + ")"
	}
	fmt.Fprint(s.Out, demoNext(wrote))
	srv.finish(s.Err)
	return nil
}

// demoCycles counts the GC cycles of each program, for the progress line.
type demoCycles struct {
	engine.Base
	byName map[string]*demoChild
}

func (d demoCycles) Record(rec parser.Record) {
	if g, ok := rec.(*parser.GC); ok {
		d.byName[g.File].cycles.Add(1)
	}
}

// startDemoChildren starts one program per scenario and reads, from each,
// the line saying where its profiles are.
func startDemoChildren(self string, opts *demoOptions) ([]*demoChild, error) {
	var children []*demoChild
	for _, name := range opts.Scenarios {
		cmd := exec.Command(self, "bomb", "--scenario", name, "--pprof", "127.0.0.1:0",
			"--interval", demoInterval(opts.Duration).String(), "--mouse-max", "512MiB")
		cmd.Env = withGCTrace(os.Environ())
		pipe, err := cmd.StderrPipe()
		if err != nil {
			return children, err
		}
		if err := cmd.Start(); err != nil {
			return children, fmt.Errorf("cannot start the demo program: %w", err)
		}
		c := &demoChild{name: name, cmd: cmd, exited: make(chan struct{})}
		children = append(children, c)
		url, rest, err := readPprofLine(pipe, 10*time.Second)
		if err != nil {
			return children, fmt.Errorf("the %s program: %w", name, err)
		}
		c.url, c.in = url, rest
	}
	for _, c := range children {
		go func() { _ = c.cmd.Wait(); close(c.exited) }()
	}
	return children, nil
}

// demoInterval paces the animals so that their story fits the duration:
// the walkthrough's one call a second for 20s and longer, faster for
// shorter runs.
func demoInterval(d time.Duration) time.Duration {
	return min(max(d/20, 200*time.Millisecond), time.Second)
}

// readPprofLine reads the program's first lines until it says where its
// profiles are, and returns the rest of its output.
func readPprofLine(r io.Reader, limit time.Duration) (string, io.Reader, error) {
	type found struct {
		url string
		err error
	}
	br := bufio.NewReader(r)
	var seen bytes.Buffer
	ch := make(chan found, 1)
	go func() {
		for {
			line, err := br.ReadBytes('\n')
			if m := pprofLine.FindSubmatch(line); m != nil {
				ch <- found{url: string(m[1])}
				return
			}
			seen.Write(line)
			if err != nil {
				ch <- found{err: fmt.Errorf("it ended before serving its profiles: %q", strings.TrimSpace(seen.String()))}
				return
			}
		}
	}()
	select {
	case f := <-ch:
		if f.err != nil {
			return "", nil, f.err
		}
		return f.url, io.MultiReader(bytes.NewReader(seen.Bytes()), br), nil
	case <-time.After(limit):
		return "", nil, errors.New("it did not say where its profiles are within " + limit.String())
	}
}

// waitDemo lets the programs run for the duration, printing progress, and
// reports whether Ctrl-C ended it early.
func waitDemo(w *report.LineWriter, opts *demoOptions, children []*demoChild, sigs <-chan os.Signal) bool {
	start := time.Now()
	end := time.After(opts.Duration)
	var tick <-chan time.Time
	if opts.Progress > 0 {
		t := time.NewTicker(opts.Progress)
		defer t.Stop()
		tick = t.C
	}
	allExited := make(chan struct{})
	go func() {
		for _, c := range children {
			<-c.exited
		}
		close(allExited)
	}()
	for {
		select {
		case <-end:
			return false
		case <-sigs:
			return true
		case <-allExited:
			w.Say("gctrace demo: the programs ended before the duration")
			return false
		case <-tick:
			var parts []string
			for _, c := range children {
				parts = append(parts, fmt.Sprintf("%s %d GC cycles", c.name, c.cycles.Load()))
			}
			w.Say(fmt.Sprintf("gctrace demo: %s of %s: %s", time.Since(start).Round(time.Second), opts.Duration, strings.Join(parts, ", ")))
		}
	}
}

// stopDemoChildren asks the programs to stop (the bomb ends cleanly on
// SIGINT), and kills those that do not within a few seconds.
func stopDemoChildren(children []*demoChild) {
	for _, c := range children {
		_ = c.cmd.Process.Signal(os.Interrupt)
	}
	deadline := time.After(5 * time.Second)
	for _, c := range children {
		select {
		case <-c.exited:
		case <-deadline:
			_ = c.cmd.Process.Kill()
			<-c.exited
		}
	}
}

// demoProcess finds the process of a scenario's program among the ones
// the builder kept.
func demoProcess(b *plot.Builder, name string) (plot.Process, bool) {
	procs := b.Processes()
	sort.SliceStable(procs, func(i, j int) bool { return procs[i].Cycles > procs[j].Cycles })
	for _, p := range procs {
		if p.File == name {
			return p, true
		}
	}
	return plot.Process{}, false
}

// renderDemoChart writes the scenarios' charts, one under the other, to
// the one output file.
func renderDemoChart(b *plot.Builder, charts []plot.Chart, output string) error {
	f, err := plot.FormatOf(output)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := b.RenderPage(&buf, f, charts, plot.RenderOptions{Width: plot.DefaultWidth, Height: plot.DefaultHeight}); err != nil {
		return err
	}
	if err := os.WriteFile(output, buf.Bytes(), 0o644); err != nil {
		return pathErr(err)
	}
	return nil
}

// demoNext tells the user what was written and how to do the same on
// their own program.
func demoNext(chart string) string {
	var b strings.Builder
	if chart != "" {
		fmt.Fprintf(&b, "\nChart: %s\n", chart)
	}
	b.WriteString(`
The same on your own program:
  GODEBUG=gctrace=1 ./yourprog 2>&1 | gctrace analyze --pprof http://localhost:6060
  gctrace run --pprof http://localhost:6060 -- ./yourprog     # runs it, exit code kept
  gctrace plot -o gc.png run.log                              # heap over time
  gctrace check --max-gc-cpu 10 --max-pause 5ms run.log       # a CI gate
(--pprof needs import _ "net/http/pprof" and an HTTP server in the program.)
`)
	return b.String()
}
