// Command gctrace reads the garbage collector trace a Go program prints
// under GODEBUG=gctrace=1, diagnoses it, names the code behind it and draws it.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], newStreams()))
}
