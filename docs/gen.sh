#!/usr/bin/env bash
# gen.sh redraws the chart of every bomb scenario trace into docs/<scenario>.png
# with gctrace plot at its defaults (1200x800 pixels, findings shaded with
# analyze's default thresholds). Run it from anywhere after the traces in
# testdata/bomb or the charts change.
#
# tiger, wolf and cat burn CPU, hold goroutines and write files without
# allocating on the heap: their traces hold no GC cycle, so there is
# nothing to draw (gctrace plot says so and exits 2); they are skipped.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
for s in dog mouse spike leak tiny forced limit assist healthy animals; do
	go run ./cmd/gctrace plot -o "docs/$s.png" "testdata/bomb/$s.log"
done
