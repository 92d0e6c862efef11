#!/usr/bin/env bash
# Python packages for the project's reference scripts and independent readers, installed with pip into
# Cargo's target/ (nothing system-wide) the first time they are missing. Prints the folder to put on
# PYTHONPATH:
#   PYTHONPATH="$(scripts/python-env.sh)" python3 some_script.py      # numpy and SciPy (target/python-ref)
#   PYTHONPATH="$(scripts/python-env.sh pypdf)" python3 read_pdf.py   # pypdf (target/python-pypdf)
# Used by tests/reference/regenerate.sh, `innervate bench offline` and tests/report_pdf.rs. Needs python3
# with pip.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
command -v python3 >/dev/null || { echo "python3 is missing: install Python 3 with pip (Debian: apt-get install python3 python3-pip), then run scripts/python-env.sh" >&2; exit 2; }
if [ "$#" -eq 0 ]; then
    py="$root/target/python-ref"; packages=(numpy scipy); modules="numpy, scipy"
else
    py="$root/target/python-$(IFS=-; echo "$*")"; packages=("$@"); modules=$(IFS=,; echo "$*")
fi
if ! PYTHONPATH="$py" python3 -c "import $modules" 2>/dev/null; then
    echo "installing ${packages[*]} into $py" >&2
    python3 -m pip install --quiet --disable-pip-version-check --target "$py" "${packages[@]}" >&2 || {
        echo "pip could not install ${packages[*]} (is the package index reachable?)" >&2; exit 3; }
fi
echo "$py"
