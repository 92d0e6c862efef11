#!/usr/bin/env bash
# Resident memory of a headless recording over time: 1 hour of 16 channels (at 2 kHz by default), run faster
# than real time. Prints VmRSS every half second and the peak; a flat line means the recorder's memory does not
# grow. The WAV goes to a temporary folder (460 MB at 2 kHz, 920 MB at 4 kHz) and is removed afterwards.
# Usage: scripts/measure_recorder_memory.sh [SECONDS] [RATE_HZ]   (defaults 3600, 2000)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-3600}
rate=${2:-2000}
cargo build --release --quiet
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
./target/release/innervate record --source sim --channels 16 --rate "$rate" --duration "$seconds" --fast \
  --out "$dir/long.wav" > "$dir/out.txt" 2>&1 &
pid=$!
peak=0
while kill -0 "$pid" 2>/dev/null; do
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
  if [ -n "$rss" ]; then
    echo "$(date +%s.%N | cut -c1-14) rss_kb=$rss wav_bytes=$(stat -c %s "$dir/long.wav" 2>/dev/null || echo 0)"
    [ "$rss" -gt "$peak" ] && peak=$rss
  fi
  sleep 0.5
done
wait "$pid"
cat "$dir/out.txt"
echo "peak_rss_kb=$peak"
