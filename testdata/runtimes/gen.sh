#!/usr/bin/env bash
# gen.sh regenerates the *.log traces in this directory by building prog/main.go
# with real Go toolchains and running it under GODEBUG=gctrace=… (see README.md).
#
# Usage: ./gen.sh [-short]
#   -short  skip the *-idle.log traces (they sleep 200 s to catch the periodic GC)
#
# Needs: bash, a go command >= 1.21 on PATH (it fetches every other toolchain
# from the Go module proxy via GOTOOLCHAIN), linux/amd64. The committed traces
# were made on linux/amd64 with 2 CPUs; timings, heap sizes and interleavings
# differ from run to run, the line shapes do not.
set -euo pipefail

short=0
case "${1:-}" in
-short) short=1 ;;
"") ;;
*)
	echo "usage: $0 [-short]" >&2
	exit 2
	;;
esac

here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/gopath" "$work/bin" "$work/cache"
cp "$here/prog/main.go" "$work/main.go"

# goroot V prints the GOROOT of toolchain V, downloading it if needed.
# GOENV=off everywhere: a user go env file (go env -w) must not leak flags
# that older releases reject.
goroot() {
	(cd "$work" && GOENV=off GOFLAGS= GOTOOLCHAIN="$1" go env GOROOT)
}

# build V [GOEXPERIMENT] builds prog with toolchain V into $work/bin/V[-EXP].
# GOPATH mode works for every release from go1.2 to go1.26 alike.
build() {
	local v=$1 exp=${2:-} r out
	r=$(goroot "$v")
	out="$work/bin/$v${exp:+-$exp}"
	echo "build $v ${exp:+GOEXPERIMENT=$exp}" >&2
	(cd "$work" && env GOROOT="$r" GOPATH="$work/gopath" GOCACHE="$work/cache" \
		GOENV=off GOFLAGS= GO111MODULE=off GOTOOLCHAIN=local GOEXPERIMENT="$exp" \
		"$r/bin/go" build -o "$out" main.go)
}

# trace FILE BIN GOMAXPROCS GODEBUG [ARGS...] runs one binary in a clean
# environment and writes its stdout and stderr, together, to FILE.
trace() {
	local file=$1 bin=$2 procs=$3 godebug=$4
	shift 4
	echo "trace $file" >&2
	env -i PATH="$PATH" HOME="$HOME" GOMAXPROCS="$procs" GODEBUG="$godebug" \
		"$work/bin/$bin" "$@" >"$here/$file" 2>&1
}

# Toolchains: a late patch release of each minor version (for go1.24 the
# first), go1.26.8 being the one installed here. go1.0.x and
# go1.1.x are not on the proxy.
versions="go1.2.2 go1.3.3 go1.4.3 go1.5.4 go1.6.4 go1.7.6 go1.8.7 go1.9.7
go1.10.8 go1.11.13 go1.12.17 go1.13.15 go1.14.15 go1.15.15 go1.16.15 go1.17.13
go1.18.10 go1.19.13 go1.20.14 go1.21.13 go1.22.12 go1.23.12 go1.24.0 go1.25.5
go1.26.8"
for v in $versions; do
	build "$v"
done
build go1.18.10 nopacerredesign
build go1.25.5 greenteagc
build go1.26.8 nogreenteagc
build go1.26.8 goroutineleakprofile

# Idle traces first, in the background: each sleeps 200 s, long enough for
# the 2-minute forced GC, the go1.4–go1.12 sysmon scavenge (every 2.5 min, or
# 3 min in go1.4 where sysmon wakes every 60 s when idle) and the third wake-up
# of the go1.3 scavenger (every 60 s), which is the first to find no GC for
# 2 minutes.
pids=()
if [ "$short" = 0 ]; then
	trace go1.3-idle.log go1.3.3 2 gctrace=1 -idle=200s &
	pids+=($!)
	trace go1.4-idle.log go1.4.3 2 gctrace=1 -idle=200s &
	pids+=($!)
	trace go1.12-idle.log go1.12.17 2 gctrace=1 -idle=200s &
	pids+=($!)
	trace go1.13-idle.log go1.13.15 2 gctrace=1 -idle=200s &
	pids+=($!)
	trace go1.26-idle.log go1.26.8 2 gctrace=1,scavtrace=1 -idle=200s &
	pids+=($!)
	sleep 3 # let their busy phase pass before the timed runs start
fi

trace go1.2.log go1.2.2 2 gctrace=1
trace go1.3.log go1.3.3 2 gctrace=1
trace go1.4.log go1.4.3 2 gctrace=1
trace go1.4-gctrace2.log go1.4.3 2 gctrace=2
trace go1.5.log go1.5.4 2 gctrace=1
trace go1.5-pacer.log go1.5.4 2 gctrace=1,gcpacertrace=1
trace go1.6.log go1.6.4 2 gctrace=1
trace go1.6-pacer.log go1.6.4 2 gctrace=1,gcpacertrace=1
trace go1.7-pacer.log go1.7.6 2 gctrace=1,gcpacertrace=1
trace go1.8.log go1.8.7 2 gctrace=1
trace go1.9.log go1.9.7 2 gctrace=1
trace go1.9-pacer.log go1.9.7 2 gctrace=1,gcpacertrace=1
trace go1.10-procs1.log go1.10.8 1 gctrace=1
trace go1.10-pacer.log go1.10.8 2 gctrace=1,gcpacertrace=1
trace go1.11.log go1.11.13 2 gctrace=1
trace go1.12.log go1.12.17 2 gctrace=1
trace go1.13.log go1.13.15 2 gctrace=1
trace go1.14-scavtrace.log go1.14.15 2 gctrace=1,scavtrace=1
trace go1.15-scavtrace.log go1.15.15 2 gctrace=1,scavtrace=1
trace go1.16.log go1.16.15 2 gctrace=1
trace go1.16-gcloop.log go1.16.15 2 gctrace=1 -gcloop=10
trace go1.17-scavtrace.log go1.17.13 2 gctrace=1,scavtrace=1
trace go1.18-scavtrace.log go1.18.10 2 gctrace=1,scavtrace=1
trace go1.18-pacer.log go1.18.10 2 gctrace=1,gcpacertrace=1
trace go1.18-oldpacer.log go1.18.10-nopacerredesign 2 gctrace=1,gcpacertrace=1
trace go1.19-scavtrace.log go1.19.13 2 gctrace=1,scavtrace=1
trace go1.20-pacer.log go1.20.14 2 gctrace=1,gcpacertrace=1
trace go1.20-gcloop.log go1.20.14 2 gctrace=1 -gcloop=10
trace go1.21-scavtrace.log go1.21.13 2 gctrace=1,scavtrace=1
trace go1.22.log go1.22.12 2 gctrace=1
trace go1.23.log go1.23.12 2 gctrace=1
trace go1.24.log go1.24.0 2 gctrace=1
trace go1.24-setprocs.log go1.24.0 2 gctrace=1 -setprocs=1
trace go1.25-gctrace2.log go1.25.5 2 gctrace=2,checkfinalizers=1
trace go1.25-greentea-gctrace2.log go1.25.5-greenteagc 2 gctrace=2
trace go1.26.log go1.26.8 2 gctrace=1
trace go1.26-procs1.log go1.26.8 1 gctrace=1
trace go1.26-pacer-scav.log go1.26.8 2 gctrace=1,gcpacertrace=1,scavtrace=1
trace go1.26-gctrace2.log go1.26.8 2 gctrace=2
trace go1.26-nogreentea-gctrace2.log go1.26.8-nogreenteagc 2 gctrace=2
trace go1.26-checkfinalizers.log go1.26.8 2 gctrace=1,checkfinalizers=1
trace go1.26-leak.log go1.26.8-goroutineleakprofile 2 gctrace=1 -leak
trace go1.26-inittrace-schedtrace.log go1.26.8 2 gctrace=1,inittrace=1,schedtrace=50

# run BIN [ARGS...] runs one binary in the clean environment of trace, with
# GOMAXPROCS=2 GODEBUG=gctrace=1, writing to the caller's stdout and stderr.
run() {
	local bin=$1
	shift
	env -i PATH="$PATH" HOME="$HOME" GOMAXPROCS=2 GODEBUG=gctrace=1 "$work/bin/$bin" "$@"
}

# Two processes of the same release writing into one stream: both number
# their cycles from gc 1.
echo "trace twoproc.log" >&2
(
	run go1.26.8 -name=appA &
	run go1.26.8 -name=appB &
	wait
) >"$here/twoproc.log" 2>&1

# Two releases with different line formats in one stream.
echo "trace twoproc-mixed.log" >&2
(
	run go1.9.7 -name=go19 &
	run go1.26.8 -name=go126 &
	wait
) >"$here/twoproc-mixed.log" 2>&1

# go run (module mode, outside any module) with an empty build cache: the go
# command, compiler and linker inherit GODEBUG and print their own gc lines
# (the compiler's under "# pkg" headers).
echo "trace go1.26-gorun.log" >&2
mkdir -p "$work/gorun"
cp "$work/main.go" "$work/gorun/main.go"
(
	cd "$work/gorun"
	env -i PATH="$(goroot go1.26.8)/bin:$PATH" HOME="$HOME" GOCACHE="$work/gorun-cache" \
		GOPATH="$work/gopath" GOENV=off GOFLAGS= GOTOOLCHAIN=local \
		GOMAXPROCS=2 GODEBUG=gctrace=1 go run main.go
) >"$here/go1.26-gorun.log" 2>&1

# go build -a std with an empty build cache: the go command and one compiler
# process per package, each with its start-up growth, none of them a fault
# (heap-doubling must stay silent on it).
echo "trace go1.26-buildstd.log" >&2
(
	cd "$work"
	env -i PATH="$(goroot go1.26.8)/bin:$PATH" HOME="$HOME" GOCACHE="$work/buildstd-cache" \
		GOPATH="$work/gopath" GOENV=off GOFLAGS= GOTOOLCHAIN=local \
		GOMAXPROCS=2 GODEBUG=gctrace=1 go build -a std
) >"$here/go1.26-buildstd.log" 2>&1

for p in ${pids[@]+"${pids[@]}"}; do
	wait "$p"
done
echo "done" >&2
