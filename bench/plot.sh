#!/usr/bin/env bash
# plot.sh measures gctrace plot on a long trace against the command that
# only reads it: wall time and peak RSS (GNU time), side by side in rounds.
# The trace is synthetic (bench/gentrace): 2 million Go 1.26 GC lines, about
# 280 MB; it is generated into a temporary directory and not kept.
#
# Usage: bench/plot.sh [CYCLES [ROUNDS]]   (defaults 2000000 and 5)
#
# The baseline is gctrace analyze when the binary has it, else
# gctrace export --gc-only (parse and print every record), and the output
# says which. Targets (issue 6): plot within 2x the baseline's time and
# within 128 MiB of peak RSS.
set -euo pipefail

cycles=${1:-2000000}
rounds=${2:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ ! -x /usr/bin/time ]; then
	echo "plot.sh: needs GNU time at /usr/bin/time (apt-get install time)" >&2
	exit 2
fi

(cd "$root" && go build -o "$work/gctrace" ./cmd/gctrace && go build -o "$work/gentrace" ./bench/gentrace)
"$work/gentrace" -n "$cycles" >"$work/trace.log"
size=$(wc -c <"$work/trace.log")
echo "trace: $cycles cycles, $((size / 1000000)) MB"

if "$work/gctrace" analyze --help >/dev/null 2>&1; then
	base=(analyze)
	base_name="gctrace analyze"
else
	base=(export --gc-only)
	base_name="gctrace export --gc-only >/dev/null (no analyze command yet)"
fi

# once CMD... runs CMD once and prints its wall time (s) and peak RSS (KiB).
once() {
	local t0 t1
	t0=$(date +%s%N)
	/usr/bin/time -f '%M' -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || {
		cat "$work/stderr" >&2
		return 1
	}
	t1=$(date +%s%N)
	echo "$(((t1 - t0) / 1000))e-6 $(tail -n 1 "$work/time")"
}

# Each round runs the baseline and the two plots one after the other, so
# that a burst of load on the machine falls on all of them alike; each
# round gives a ratio, and the median ratio over the rounds counts.
: >"$work/results"
for ((round = 1; round <= rounds; round++)); do
	echo "base $(once "$work/gctrace" "${base[@]}" "$work/trace.log")" >>"$work/results"
	echo "png $(once "$work/gctrace" plot -o "$work/gc.png" "$work/trace.log")" >>"$work/results"
	echo "svg $(once "$work/gctrace" plot -o "$work/gc.svg" "$work/trace.log")" >>"$work/results"
done

awk -v base_name="$base_name" '
	function median(a, n,   i, j, x) {
		for (i = 2; i <= n; i++) {
			x = a[i]
			for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]
			a[j + 1] = x
		}
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	{ n[$1]++; t[$1, n[$1]] = $2; if ($3 > rss[$1]) rss[$1] = $3 }
	END {
		for (k in n) { for (i = 1; i <= n[k]; i++) a[i] = t[k, i]; med[k] = median(a, n[k]) }
		for (i = 1; i <= n["base"]; i++) {
			r[i] = t["png", i] / t["base", i]
			lo = (i == 1 || r[i] < lo) ? r[i] : lo
			hi = (i == 1 || r[i] > hi) ? r[i] : hi
		}
		m = median(r, n["base"])
		printf "%-62s %7.3fs %8.1f MiB\n", base_name, med["base"], rss["base"] / 1024
		printf "%-62s %7.3fs %8.1f MiB\n", "gctrace plot -o gc.png", med["png"], rss["png"] / 1024
		printf "%-62s %7.3fs %8.1f MiB\n", "gctrace plot -o gc.svg", med["svg"], rss["svg"] / 1024
		printf "plot/baseline time, side by side in each round: median %.2fx, range %.2f-%.2fx (target <= 2x); plot peak RSS: %d MiB (target <= 128 MiB)\n", m, lo, hi, rss["png"] / 1024
		if (m <= 2 && rss["png"] <= 128 * 1024) { print "within target"; exit 0 }
		print "OUT OF TARGET"
		exit 1
	}' "$work/results"
