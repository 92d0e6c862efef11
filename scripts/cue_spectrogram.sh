#!/usr/bin/env bash
# docs/cues-spectrogram.png: the simulated board's first set (8 reps, 38 s) rendered with every cue through
# `innervate record --audio-to`, as a spectrogram. Needs python3 (numpy and SciPy come from
# scripts/python-env.sh) and ImageMagick's convert. Usage: scripts/cue_spectrogram.sh [path/to/innervate]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/innervate}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" record --channels 2 --fast --duration 38 --out "$work/set.wav" --audio-to "$work/cues.wav"
PYTHONPATH="$(scripts/python-env.sh)" python3 scripts/cue_spectrogram.py "$work/cues.wav" docs/cues-spectrogram.png
