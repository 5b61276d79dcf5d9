#!/usr/bin/env bash
# gen.sh regenerates the trace pairs in this directory, which the tests of
# compare/ and of gctrace diff and check --baseline read (see README.md):
# it builds ./bomb from this checkout and runs scenarios under
# GODEBUG=gctrace=1, one run per file, one after the other.
#
# Usage: ./gen.sh [healthy|dog|same|gotest...]   (default: all of them)
#
# Needs: bash, the go command on PATH. The committed traces were made with
# go1.26.8 on linux/amd64 with 2 CPUs and GOMAXPROCS=2, on a machine shared
# with other work; timings differ from run to run, which is the point of the
# pairs of identical runs.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "build bomb with $(go version)" >&2
(cd "$root" && go build -o "$work/bomb" ./bomb)

# trace FILE [ENV=VALUE...] -- BOMB_ARGS... runs the bomb in a clean
# environment, without a profile server, and writes its stdout and stderr
# together to FILE.
trace() {
	local file=$1
	shift
	local envs=()
	while [ "$1" != "--" ]; do
		envs+=("$1")
		shift
	done
	shift
	echo "trace $file: ${envs[*]} bomb $*" >&2
	mkdir -p "$(dirname "$here/$file")"
	env -i PATH="$PATH" HOME="$HOME" GOMAXPROCS=2 GODEBUG=gctrace=1 "${envs[@]}" \
		"$work/bomb" --pprof '' "$@" >"$here/$file" 2>&1
}

want=" $* "
part() { [ "$want" = "  " ] || [[ "$want" == *" $1 "* ]]; }

# The healthy service twice, and once with GOGC=50: the GC runs about twice
# as often, and its CPU rises with it.
if part healthy; then
	trace healthy-1.log -- --scenario healthy --duration 30s
	trace healthy-2.log -- --scenario healthy --duration 30s
	trace healthy-gogc50.log GOGC=50 -- --scenario healthy --duration 30s
fi

# The dog at two --interval values: a call (16 MiB of garbage) every
# second, and every 250 ms, four times the allocation rate.
if part dog; then
	trace dog-1s.log -- --scenario dog --duration 15s --interval 1s
	trace dog-250ms.log -- --scenario dog --duration 15s --interval 250ms
fi

# Ten pairs of short identical runs, for the false-positive test: a fast
# dog (a call every 100 ms, about 40 cycles a second) for 4 s each.
if part same; then
	for i in 01 02 03 04 05 06 07 08 09 10; do
		trace "same/$i-old.log" -- --scenario dog --duration 4s --interval 100ms
		trace "same/$i-new.log" -- --scenario dog --duration 4s --interval 100ms
	done
fi

# "go test -v ./..." of a module with two packages, twice: one log holds
# the go command's trace and each test binary's (-v shows a passing
# binary's output), which gctrace diff pairs by the "ok  pkg" line after
# each binary's output. The module is made here, and built once before,
# without the trace, so that the logs hold no compiler. Its tests allocate
# for about a second, one ten times as fast as the other.
gotest() {
	local file=$1 run=(env -i PATH="$PATH" HOME="$HOME" GOCACHE="$work/cache" GOFLAGS=-vet=off GOMAXPROCS=2)
	echo "trace $file: go test -v -count=1 ./..." >&2
	(cd "$work/mod" && "${run[@]}" go test -count=1 -run '^$' ./... >/dev/null &&
		"${run[@]}" GODEBUG=gctrace=1 go test -v -count=1 ./... >"$here/$file" 2>&1)
}
mkdir -p "$work/mod/churn" "$work/mod/steady"
printf 'module example.com/gotest\n\ngo 1.24\n' >"$work/mod/go.mod"
for pkg in churn steady; do
	size=$([ $pkg = churn ] && echo 1 || echo 10)
	cat >"$work/mod/$pkg/${pkg}_test.go" <<GO
package $pkg

import (
	"testing"
	"time"
)

var sink []byte

func TestAllocate(t *testing.T) {
	for end := time.Now().Add(time.Second); time.Now().Before(end); {
		for i := 0; i < 100; i++ {
			sink = make([]byte, 64<<10)
		}
		time.Sleep(${size} * time.Millisecond)
	}
}
GO
done
if part gotest; then
	gotest gotest-1.log
	gotest gotest-2.log
fi

ls -l "$here"/*.log "$here"/same/*.log >&2
