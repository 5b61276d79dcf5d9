//go:build !linux

package main

import "os"

// keyboardSignal reports whether sig reached PROG from the terminal
// already. Without a portable way to ask the terminal, every signal is
// passed on.
func keyboardSignal(os.Signal) bool { return false }
