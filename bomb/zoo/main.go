package zoo

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
)

// Main is the bomb command: it parses args (without the program name), plays
// the scenarios until --duration passes or SIGINT/SIGTERM arrives, and
// returns the exit code: 0 when it ran and stopped, 1 when it could not run,
// 2 for a usage error. A second signal kills the process the default way.
//
// gctrace demo calls it in a child process of its own binary, so it must not
// assume it is the only thing the process was built for.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bomb", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := Config{Pprof: "127.0.0.1:6060"}
	scenarios := strings.Join(Animals(), ",")
	list := false
	fs.StringVar(&scenarios, "scenario", scenarios, "comma-separated `names` of the scenarios to play together (see -list)")
	fs.DurationVar(&cfg.Duration, "duration", 0, "stop cleanly after `d` (0: run until interrupted)")
	fs.StringVar(&cfg.Pprof, "pprof", cfg.Pprof, "serve net/http/pprof on this loopback `address` (:0 picks a port, empty disables)")
	fs.DurationVar(&cfg.Interval, "interval", DefaultInterval, "pause `d` between an animal's calls")
	cfg.MouseMax, cfg.LeakMax, cfg.SpikeMax = DefaultMouseMax, DefaultLeakMax, DefaultSpikeMax
	cfg.Limit, cfg.AssistHeap, cfg.HealthyHeap = DefaultLimit, DefaultAssistHeap, DefaultHealthyHeap
	fs.Var(sizeFlag{&cfg.MouseMax}, "mouse-max", "the mouse hoards at most this `size`")
	fs.Var(sizeFlag{&cfg.LeakMax}, "leak-max", "the leaky cache grows to at most this `size`")
	fs.Var(sizeFlag{&cfg.SpikeMax}, "spike-max", "one spike batch holds this `size`")
	fs.Var(sizeFlag{&cfg.Limit}, "limit", "the memory limit the limit scenario sets (`size`)")
	fs.Var(sizeFlag{&cfg.AssistHeap}, "assist-heap", "`size` of the pointer-rich live heap of the assist scenario")
	fs.Var(sizeFlag{&cfg.HealthyHeap}, "healthy-heap", "`size` of the healthy scenario's working set")
	fs.BoolVar(&list, "list", false, "list the scenarios and exit")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: bomb [flags]\n\n"+
			"bomb misbehaves on purpose, for learning to read GODEBUG=gctrace=1 and pprof:\n"+
			"  go build ./bomb && GODEBUG=gctrace=1 ./bomb 2>&1 | gctrace analyze\n\n"+
			"scenarios: %s (default: the animals)\n\nflags:\n", strings.Join(allNames(), ", "))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "bomb: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return 2
	}
	if list {
		printList(stdout)
		return 0
	}
	cfg.Scenarios = strings.Split(scenarios, ",")
	if _, err := cfg.normalize(); err != nil {
		fmt.Fprintf(stderr, "bomb: %v\n", err)
		return 2
	}

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop()
	}()
	if err := Run(ctx, cfg, stderr); err != nil {
		fmt.Fprintf(stderr, "bomb: %v\n", err)
		var ce *ConfigError
		if errors.As(err, &ce) {
			return 2
		}
		return 1
	}
	return 0
}

func printList(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "SCENARIO\tRULES\tWHAT IT DOES")
	for _, s := range registry {
		rules := strings.Join(s.Rules, ",")
		if rules == "" {
			rules = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Name, rules, s.Summary)
	}
	tw.Flush()
}
