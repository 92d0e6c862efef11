#!/usr/bin/env bash
# numpy and SciPy for the project's reference scripts, installed with pip into Cargo's target/python-ref
# (nothing system-wide) the first time they are missing. Prints the folder to put on PYTHONPATH:
#   PYTHONPATH="$(scripts/python-env.sh)" python3 some_script.py
# Used by tests/reference/regenerate.sh and `innervate bench offline`. Needs python3 with pip.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
py="$root/target/python-ref"
command -v python3 >/dev/null || { echo "python3 is missing: install Python 3 with pip (Debian: apt-get install python3 python3-pip), then run scripts/python-env.sh" >&2; exit 2; }
if ! PYTHONPATH="$py" python3 -c "import numpy, scipy" 2>/dev/null; then
    echo "installing numpy and scipy into $py" >&2
    python3 -m pip install --quiet --disable-pip-version-check --target "$py" numpy scipy >&2
fi
echo "$py"
