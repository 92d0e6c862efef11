#!/usr/bin/env bash
# Regenerates the committed SciPy references (analyze_reference.json and the envelope WAVs) with numpy and
# SciPy installed under Cargo's target/ folder by scripts/python-env.sh (nothing is installed system-wide).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
py="$("$root/scripts/python-env.sh")"
cd "$here"
PYTHONPATH="$py" python3 gen_analyze_reference.py
