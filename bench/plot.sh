#!/usr/bin/env bash
# plot.sh measures gctrace plot on a long trace against the command that
# only reads it: wall time and peak RSS (GNU time), best of three runs each.
# The trace is synthetic (bench/gentrace): 2 million Go 1.26 GC lines, about
# 280 MB; it is generated into a temporary directory and not kept.
#
# Usage: bench/plot.sh [CYCLES]
#
# The baseline is gctrace analyze when the binary has it, else
# gctrace export --gc-only (parse and print every record), and the output
# says which. Targets (issue 6): plot within 2x the baseline's time and
# within 128 MiB of peak RSS.
set -euo pipefail

cycles=${1:-2000000}
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

# measure NAME CMD... runs CMD three times and prints the best wall time
# (s) and the largest peak RSS (KiB).
measure() {
	local best="" rss=0 i t r
	for i in 1 2 3; do
		/usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || {
			cat "$work/stderr" >&2
			return 1
		}
		read -r t r <"$work/time"
		if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
		if [ "$r" -gt "$rss" ]; then rss=$r; fi
	done
	echo "$best $rss"
}

read -r bt br < <(measure "$work/gctrace" "${base[@]}" "$work/trace.log")
read -r pt pr < <(measure "$work/gctrace" plot -o "$work/gc.png" "$work/trace.log")
read -r st sr < <(measure "$work/gctrace" plot -o "$work/gc.svg" "$work/trace.log")

printf '%-62s %7ss %8.1f MiB\n' "$base_name" "$bt" "$(awk "BEGIN{print $br/1024}")"
printf '%-62s %7ss %8.1f MiB\n' "gctrace plot -o gc.png" "$pt" "$(awk "BEGIN{print $pr/1024}")"
printf '%-62s %7ss %8.1f MiB\n' "gctrace plot -o gc.svg" "$st" "$(awk "BEGIN{print $sr/1024}")"
ratio=$(awk "BEGIN{printf \"%.2f\", $pt/$bt}")
echo "plot/baseline time: ${ratio}x (target <= 2x); plot peak RSS: $((pr / 1024)) MiB (target <= 128 MiB)"
awk "BEGIN{exit !($pt <= 2*$bt && $pr <= 128*1024)}" && echo "within target" || { echo "OUT OF TARGET"; exit 1; }
