package main

import (
	"context"

	"github.com/gctrace/gctrace/bomb/zoo"
	"github.com/spf13/cobra"
)

// newCmdBomb runs the misbehaving example program compiled into gctrace,
// so that the demo and the walkthrough need no source tree. Its flags are
// the bomb's own.
func newCmdBomb(s *streams) *cobra.Command {
	return &cobra.Command{
		Use:   "bomb [--scenario NAME[,NAME...]] [--duration D] [--pprof ADDR]",
		Short: "Run the example program that misbehaves on purpose (what the demo runs)",
		Long: `Bomb runs the example program that misbehaves on purpose, compiled into
gctrace: the animals of the classic pprof walkthrough (tiger, mouse, dog,
wolf, cat) and one scenario per GC pattern gctrace recognises (leak, spike,
tiny, forced, limit, assist, healthy). It serves net/http/pprof on a
loopback address and logs what it does on standard error.

Use it to learn what each pattern looks like:

  GODEBUG=gctrace=1 gctrace bomb --scenario dog --duration 10s 2>&1 | gctrace analyze --pprof http://127.0.0.1:6060

"gctrace bomb --list" lists the scenarios; "gctrace bomb -h" its flags.`,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if code := zoo.Main(context.Background(), args, s.Out, s.Err); code != 0 {
				return &exitStatus{code: code}
			}
			return nil
		},
	}
}
