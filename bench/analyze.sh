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
#   -runs  rounds, each running every command once (default 5); the median
#          of the rounds' gctrace/grep ratios counts
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

# once NAME CMD... runs CMD once and appends "NAME round seconds rss_kib"
# to $work/results. Output goes to a file, not /dev/null: GNU grep stops at
# the first match when it sees its output is /dev/null.
once() {
	local name=$1 t0 t1
	shift
	t0=$(date +%s%N)
	/usr/bin/time -f %M -o "$work/rss" "$@" >"$work/out"
	t1=$(date +%s%N)
	echo "$name $round $(((t1 - t0) / 1000)) $(tail -n 1 "$work/rss")" >>"$work/results"
}

cat "$work/large.log" "$work/small.log" >/dev/null # warm the page cache

size=$(wc -c <"$work/large.log")
lines=$(wc -l <"$work/large.log")
echo "large trace: $n cycles, $lines lines, $((size / 1000000)) MB; small trace: $small cycles" >&2
echo "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'); $runs runs each, median time, max RSS" >&2

# Each round runs every command once, one after the other, so that a burst
# of load on the machine falls on all of them alike; each round gives a
# ratio, and the median ratio over the rounds is the one that counts.
: >"$work/results"
for ((round = 1; round <= runs; round++)); do
	once grep-large grep -c '^gc ' "$work/large.log"
	once gctrace-large "$work/gctrace" analyze "$work/large.log"
	once gctrace-small "$work/gctrace" analyze "$work/small.log"
	once gctrace-stdin-large sh -c "'$work/gctrace' analyze < '$work/large.log'"
done

awk -v mb="$((size / 1000000))" -v runs="$runs" '
	# median of the n values in a[1..n]
	function median(a, n,   i, j, x) {
		for (i = 2; i <= n; i++) {
			x = a[i]
			for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]
			a[j + 1] = x
		}
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	{
		us[$1, $2] = $3
		if ($4 > r[$1]) r[$1] = $4
	}
	END {
		for (k = 1; k <= runs; k++) {
			ratio[k] = us["gctrace-large", k] / us["grep-large", k]
			lo = (k == 1 || ratio[k] < lo) ? ratio[k] : lo
			hi = (k == 1 || ratio[k] > hi) ? ratio[k] : hi
			split("grep-large gctrace-large gctrace-small gctrace-stdin-large", names, " ")
			for (i = 1; i <= 4; i++) { v[names[i]] = v[names[i]] " " us[names[i], k] / 1e6 }
		}
		printf "%-34s %10s %12s\n", "command", "wall (s)", "peak RSS"
		row("grep -c ^gc large.log", "grep-large")
		row("gctrace analyze large.log", "gctrace-large")
		row("gctrace analyze < large.log", "gctrace-stdin-large")
		row("gctrace analyze small.log (1/10)", "gctrace-small")
		m = median(ratio, runs)
		rss = r["gctrace-large"] / 1024
		flat = r["gctrace-large"] / r["gctrace-small"]
		printf "\ntime ratio gctrace/grep, side by side in each round: median %.2fx, range %.2f-%.2fx (target <= 3x)\n", m, lo, hi
		printf "peak RSS: %.1f MiB (target <= 64 MiB); large/small: %.2f (target 0.80-1.20)\n", rss, flat
		fail = 0
		if (m > 3) { print "MISSED: time ratio"; fail = 1 }
		if (rss > 64) { print "MISSED: peak RSS"; fail = 1 }
		if (flat < 0.8 || flat > 1.2) { print "MISSED: RSS not flat"; fail = 1 }
		if (!fail) print "all targets met"
		exit fail
	}
	# row prints the median wall time of NAME over the rounds and its peak RSS
	function row(label, name,   n, a, i, t) {
		n = split(substr(v[name], 2), t, " ")
		for (i = 1; i <= n; i++) a[i] = t[i] + 0
		printf "%-34s %10.3f %9.1f MiB\n", label, median(a, n), r[name] / 1024
	}' "$work/results"
