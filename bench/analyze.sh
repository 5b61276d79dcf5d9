#!/usr/bin/env bash
# analyze.sh measures `gctrace analyze` against `grep -c '^gc '` on the same
# synthetic trace, side by side in one run, and checks the targets:
#
#   - wall time at most 3x that of grep on a 2-million-cycle (~300 MB) trace
#   - peak RSS at most 64 MiB
#   - peak RSS flat (within 20%) from a 10x smaller trace to the full one
#
# Usage: bench/analyze.sh [-n CYCLES] [-runs N] [-keep]
#   -n     cycles in the large trace (default 2000000; the small one has a tenth)
#   -runs  runs of each command; the median time counts (default 5)
#   -keep  keep the temporary directory with the traces and binaries
#
# Needs: bash, go, GNU time as /usr/bin/time (Debian/Ubuntu: apt-get install
# time), awk. The traces come from bench/gentrace (Go 1.26 line format,
# ~150 bytes per line, a program line every 1000 cycles). The page cache is
# warmed before timing, so both commands read from memory.
#
# Exit status: 0 when every target is met, 1 when one is missed, 2 when the
# measurement could not be made.
set -euo pipefail

n=2000000
runs=5
keep=0
while [ $# -gt 0 ]; do
	case "$1" in
	-n) n=$2; shift 2 ;;
	-runs) runs=$2; shift 2 ;;
	-keep) keep=1; shift ;;
	*) echo "usage: $0 [-n CYCLES] [-runs N] [-keep]" >&2; exit 2 ;;
	esac
done

if ! /usr/bin/time -f %M true >/dev/null 2>&1; then
	echo "analyze.sh: needs GNU time as /usr/bin/time to measure peak RSS; install it (apt-get install time)" >&2
	exit 2
fi
for tool in go awk grep; do
	command -v "$tool" >/dev/null || { echo "analyze.sh: needs $tool" >&2; exit 2; }
done

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
if [ "$keep" = 1 ]; then
	echo "keeping $work" >&2
else
	trap 'rm -rf "$work"' EXIT
fi

echo "building gctrace and gentrace" >&2
(cd "$root" && go build -o "$work/gctrace" ./cmd/gctrace && go build -o "$work/gentrace" ./bench/gentrace)

small=$((n / 10))
echo "generating $n and $small cycles" >&2
"$work/gentrace" -n "$n" >"$work/large.log"
"$work/gentrace" -n "$small" >"$work/small.log"

# measure NAME CMD... runs CMD $runs times and prints "NAME median_seconds
# max_rss_kib". Output goes to a file, not /dev/null: GNU grep stops at
# the first match when it sees its output is /dev/null.
measure() {
	local name=$1 i t0 t1 rss maxrss=0
	shift
	local times=()
	for ((i = 0; i < runs; i++)); do
		t0=$(date +%s%N)
		/usr/bin/time -f %M -o "$work/rss" "$@" >"$work/out"
		t1=$(date +%s%N)
		times+=($(((t1 - t0) / 1000)))
		rss=$(tail -n 1 "$work/rss")
		[ "$rss" -gt "$maxrss" ] && maxrss=$rss
	done
	local median
	median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]/1e6}')
	echo "$name $median $maxrss"
}

cat "$work/large.log" "$work/small.log" >/dev/null # warm the page cache

size=$(wc -c <"$work/large.log")
lines=$(wc -l <"$work/large.log")
echo "large trace: $n cycles, $lines lines, $((size / 1000000)) MB; small trace: $small cycles" >&2
echo "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'); $runs runs each, median time, max RSS" >&2

# Interleave the commands so that a burst of load on the machine falls on
# all of them alike.
results=$(
	measure grep-large grep -c '^gc ' "$work/large.log"
	measure gctrace-large "$work/gctrace" analyze "$work/large.log"
	measure gctrace-small "$work/gctrace" analyze "$work/small.log"
	measure gctrace-stdin-large sh -c "'$work/gctrace' analyze < '$work/large.log'"
)

echo "$results" | awk -v mb="$((size / 1000000))" '
	{ t[$1] = $2; r[$1] = $3 }
	END {
		printf "%-34s %10s %12s\n", "command", "wall (s)", "peak RSS"
		printf "%-34s %10.3f %9.1f MiB\n", "grep -c ^gc large.log", t["grep-large"], r["grep-large"]/1024
		printf "%-34s %10.3f %9.1f MiB\n", "gctrace analyze large.log", t["gctrace-large"], r["gctrace-large"]/1024
		printf "%-34s %10.3f %9.1f MiB\n", "gctrace analyze < large.log", t["gctrace-stdin-large"], r["gctrace-stdin-large"]/1024
		printf "%-34s %10.3f %9.1f MiB\n", "gctrace analyze small.log (1/10)", t["gctrace-small"], r["gctrace-small"]/1024
		ratio = t["gctrace-large"] / t["grep-large"]
		rss = r["gctrace-large"] / 1024
		flat = r["gctrace-large"] / r["gctrace-small"]
		printf "\ntime ratio gctrace/grep: %.1fx (target <= 3x); gctrace reads %.0f MB/s\n", ratio, mb / t["gctrace-large"]
		printf "peak RSS: %.1f MiB (target <= 64 MiB); large/small: %.2f (target 0.80-1.20)\n", rss, flat
		fail = 0
		if (ratio > 3) { print "MISSED: time ratio"; fail = 1 }
		if (rss > 64) { print "MISSED: peak RSS"; fail = 1 }
		if (flat < 0.8 || flat > 1.2) { print "MISSED: RSS not flat"; fail = 1 }
		if (!fail) print "all targets met"
		exit fail
	}'
