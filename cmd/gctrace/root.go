package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// Exit codes, shared by every command.
const (
	exitOK     = 0
	exitFailed = 1 // a budget was exceeded (check), or the traced program failed
	exitError  = 2 // usage or input error
)

// version is set at link time (-ldflags "-X main.version=v1.2.3"); otherwise
// it comes from the module's build information.
var version = ""

// streams are the standard streams a command talks to; tests replace them.
type streams struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
	// InIsPipe and OutIsTerminal describe In and Out, so commands can
	// stream eagerly into pipes and refuse to write binary to a terminal.
	InIsPipe      bool
	OutIsTerminal bool
}

func newStreams() *streams {
	return &streams{
		In:            os.Stdin,
		Out:           os.Stdout,
		Err:           os.Stderr,
		InIsPipe:      !isTerminal(os.Stdin),
		OutIsTerminal: isTerminal(os.Stdout),
	}
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// exitStatus is an error that carries its exit code and has already been
// reported (or needs no message), such as a failed budget or the exit code
// of a program run under gctrace.
type exitStatus struct {
	code int
	msg  string
}

func (e *exitStatus) Error() string { return e.msg }

// usageError marks an error in how the command was called.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// run executes the command line and returns the process exit code. Errors
// are printed once, prefixed "gctrace: ".
func run(args []string, s *streams) int {
	root := newRootCmd(s)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	var st *exitStatus
	if errors.As(err, &st) {
		if st.msg != "" {
			fmt.Fprintf(s.Err, "gctrace: %s\n", st.msg)
		}
		return st.code
	}
	fmt.Fprintf(s.Err, "gctrace: %s\n", err)
	var ue *usageError
	if errors.As(err, &ue) || isCobraUsage(err) {
		fmt.Fprintf(s.Err, "Run '%s --help' for usage.\n", commandPath(root, args))
	}
	return exitError
}

// isCobraUsage recognises the argument errors cobra itself returns (unknown
// command, wrong number of arguments), which it does not type.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "accepts ", "requires at least", "requires at most", "unknown flag", "unknown shorthand flag", "invalid argument"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// commandPath names the subcommand the arguments select, for the usage hint.
func commandPath(root *cobra.Command, args []string) string {
	cmd, _, err := root.Find(args)
	if err != nil || cmd == nil {
		return root.Name()
	}
	return cmd.CommandPath()
}

func newRootCmd(s *streams) *cobra.Command {
	root := &cobra.Command{
		Use:   "gctrace",
		Short: "Diagnose Go garbage collection from GODEBUG=gctrace=1 output",
		Long: `gctrace reads the garbage collector trace a Go program prints when run with
GODEBUG=gctrace=1, tells what is wrong with its memory behaviour, points at
the code that causes it, and draws it.

The runtime prints the trace on standard error, so redirect it:

  GODEBUG=gctrace=1 ./server 2>&1 | gctrace analyze
  gctrace export --format csv run.log > cycles.csv`,
		Version:       buildVersion(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(s.In)
	root.SetOut(s.Out)
	root.SetErr(s.Err)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &usageError{err}
	})
	root.AddCommand(
		newCmdDemo(s, nil),
		newCmdBomb(s),
		newCmdExport(s, nil),
		newCmdAnalyze(s, nil),
		newCmdCheck(s, nil),
		newCmdDiff(s, nil),
		newCmdRun(s, nil),
		newCmdRules(s, nil),
		newCmdPlot(s, nil),
		newCmdAttribute(s, nil),
		newCmdTune(s, nil),
	)
	return root
}

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
