#!/usr/bin/env bash
# Regenerates the committed SciPy references (analyze_reference.json and the envelope WAVs) with numpy and
# SciPy installed under Cargo's target/ folder (nothing is installed system-wide).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
py="$root/target/python-ref"
if ! PYTHONPATH="$py" python3 -c "import numpy, scipy" 2>/dev/null; then
    python3 -m pip install --quiet --disable-pip-version-check --target "$py" numpy scipy
fi
cd "$here"
PYTHONPATH="$py" python3 gen_analyze_reference.py
