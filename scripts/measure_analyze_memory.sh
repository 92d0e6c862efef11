#!/usr/bin/env bash
# Peak resident memory of `innervate analyze` on a 1-hour, 16-channel, 2 kHz recording (about 460 MB of WAV).
# Usage: scripts/measure_analyze_memory.sh [SECONDS] (default 3600). Needs GNU time (Debian package `time`).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-3600}
command -v /usr/bin/time >/dev/null || { echo "install GNU time: apt-get install time" >&2; exit 1; }
cargo build --release --quiet
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
./target/release/innervate record --source sim --channels 16 --rate 2000 --duration "$seconds" --fast --out "$dir/long.wav" >/dev/null
ls -l "$dir/long.wav"
/usr/bin/time -v ./target/release/innervate analyze "$dir/long.wav" --json --envelope-wav "$dir/env.wav" \
  > "$dir/report.json" 2> "$dir/time.txt"
grep -E "Maximum resident set size|Elapsed \(wall clock\)" "$dir/time.txt"
echo "report: $(wc -c < "$dir/report.json") bytes"
