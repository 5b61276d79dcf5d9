#!/usr/bin/env bash
# gen.sh regenerates the *.log traces in this directory: it builds ./bomb from
# this checkout and runs each scenario under GODEBUG=gctrace=1 (see README.md).
#
# Usage: ./gen.sh [SCENARIO...]   (default: all of them)
#
# Needs: bash, the go command on PATH. The committed traces were made with
# go1.26.8 on linux/amd64 with 2 CPUs and GOMAXPROCS=2; timings and exact
# sizes differ from run to run, each scenario's pattern does not.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "build bomb with $(go version)" >&2
(cd "$root" && go build -o "$work/bomb" ./bomb)

# trace NAME DURATION [ARGS...] runs the bomb for DURATION in a clean
# environment, without a profile server, and writes its stdout and stderr,
# together, to NAME.log: the GC trace and the scenarios' own lines, as a user
# piping the bomb into gctrace sees them.
trace() {
	local name=$1 d=$2
	shift 2
	echo "trace $name.log ($d)" >&2
	env -i PATH="$PATH" HOME="$HOME" GOMAXPROCS=2 GODEBUG=gctrace=1 \
		"$work/bomb" --duration "$d" --pprof '' "$@" >"$here/$name.log" 2>&1
}

# scenario NAME DURATION plays one scenario, with its default sizes.
scenario() {
	local name=$1
	shift
	if [ ${#want[@]} -eq 0 ] || [[ " ${want[*]} " == *" $name "* ]]; then
		trace "$name" "$@" --scenario "$name"
	fi
}

want=("$@")

# The walkthrough's animals, each alone, then together as bomb plays them by
# default. The mouse needs 9 s to reach its 1 GiB, more where page faults are slow.
scenario tiger 10s
scenario mouse 15s
scenario dog 10s
scenario wolf 10s
scenario cat 10s
if [ ${#want[@]} -eq 0 ] || [[ " ${want[*]} " == *" animals "* ]]; then
	trace animals 20s
fi

# The GC scenarios. The healthy baseline runs longer: it collects about once
# a second and its point is that nothing changes.
scenario leak 10s
scenario spike 10s
scenario tiny 10s
scenario forced 10s
scenario limit 10s
scenario assist 10s
scenario healthy 20s

ls -l "$here"/*.log >&2
