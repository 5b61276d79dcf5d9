// Command bomb is a Go program that misbehaves on purpose, to be diagnosed
// with GODEBUG=gctrace=1, gctrace and pprof; its scenarios live in package zoo.
package main

import (
	"context"
	"os"

	"github.com/gctrace/gctrace/bomb/zoo"
)

func main() {
	os.Exit(zoo.Main(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}
