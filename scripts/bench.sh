#!/usr/bin/env bash
# Every figure in docs/PERFORMANCE.md, measured on this machine (release builds; about 5 minutes plus the
# 1-hour recording, which runs faster than real time).
#   scripts/bench.sh            all of it
#   scripts/bench.sh quick      latency, sound, DSP throughput and UI frame time only
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== machine"
echo "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
cargo build --release --quiet
echo "== end-to-end latency through a pseudo-terminal (innervate bench)"
./target/release/innervate bench --frames 20000
echo "== sound: DSP thread per-block time off/on, and the latency to the device (innervate bench sound)"
./target/release/innervate bench sound --rounds 8 --seconds 5 --latency-seconds 40
echo "== DSP throughput (cargo bench --bench dsp_chain)"
cargo bench --quiet --bench dsp_chain -- --warm-up-time 1 --measurement-time 3 2>&1 | grep -E "^[a-z_/]+|thrpt" || true
echo "== decoder throughput (cargo bench --bench decoders)"
cargo bench --quiet --bench decoders -- --warm-up-time 1 --measurement-time 3 2>&1 | grep -E "^[a-z_/]+|thrpt" || true
echo "== UI frame CPU time, 16 ch x 4 kHz (cargo test --release --test ui_frame_time)"
cargo test --release --quiet --test ui_frame_time -- --nocapture 2>&1 | grep -E "UI frame|test result"
if [ "${1:-}" != "quick" ]; then
  echo "== offline: analyze vs SciPy, exports vs a plain copy, 1 hour of 16 ch x 2 kHz (innervate bench offline)"
  ./target/release/innervate bench offline
  echo "== resident memory over 1 hour of 16 ch x 4 kHz recorded faster than real time"
  scripts/measure_recorder_memory.sh 3600 4000 | awk 'NR % 20 == 1 || /peak|Wrote/'
fi
