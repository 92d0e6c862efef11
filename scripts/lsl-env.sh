#!/usr/bin/env bash
# pylsl (the reference LSL library's Python binding, whose wheel ships liblsl.so) installed with pip into
# Cargo's target/python-lsl (nothing system-wide) the first time it is missing. Prints the folder to put on
# PYTHONPATH:
#   PYTHONPATH="$(scripts/lsl-env.sh)" python3 tests/lsl/outlet.py ...
# Its liblsl is "$(scripts/lsl-env.sh)/pylsl/lib/liblsl.so" (INNERVATE_LSL_LIB). Used by tests/lsl_io.rs and
# `innervate bench lsl`. Needs python3 with pip.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
py="$root/target/python-lsl"
command -v python3 >/dev/null || { echo "python3 is missing: install Python 3 with pip (Debian: apt-get install python3 python3-pip), then run scripts/lsl-env.sh" >&2; exit 2; }
if ! PYTHONPATH="$py" python3 -c "import pylsl" 2>/dev/null; then
    echo "installing pylsl into $py" >&2
    python3 -m pip install --quiet --disable-pip-version-check --target "$py" "pylsl>=1.16" >&2
fi
echo "$py"
