//go:build linux

package main

import (
	"os"
	"syscall"
	"unsafe"
)

// keyboardSignal reports whether sig most likely came from the terminal's
// keyboard (Ctrl-C, Ctrl-\) or its hangup: the terminal sends those to
// the whole foreground process group, PROG included, so passing them on
// would deliver them twice, and a program that stops at the first and
// dies at the second would die. A signal sent to gctrace alone (kill) is
// still passed on when gctrace is not in the foreground.
func keyboardSignal(sig os.Signal) bool {
	switch sig {
	case os.Interrupt, syscall.SIGQUIT, syscall.SIGHUP:
	default:
		return false
	}
	for fd := uintptr(0); fd <= 2; fd++ {
		var pgrp int32
		if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TIOCGPGRP, uintptr(unsafe.Pointer(&pgrp))); e == 0 {
			return int(pgrp) == syscall.Getpgrp()
		}
	}
	return false
}
