#!/usr/bin/env bash
# BrainFlow's Python package (it ships the C library libBoardController and its siblings in brainflow/lib),
# installed with pip into Cargo's target/brainflow (nothing system-wide) the first time it is missing, so CI
# pays for the download once per target/ folder. Prints the library folder to use as INNERVATE_BRAINFLOW_LIB:
#   INNERVATE_BRAINFLOW_LIB="$(bash scripts/brainflow-env.sh)" innervate --brainflow synthetic
# Used by tests/brainflow_bridge.rs. Needs python3 with pip. BRAINFLOW_VERSION overrides the pinned version.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/target/brainflow"
version="${BRAINFLOW_VERSION:-5.23.0}"
lib="$dir/brainflow/lib"
case "$(uname -s)" in
    Darwin) file=libBoardController.dylib ;;
    MINGW*|MSYS*|CYGWIN*) file=BoardController.dll ;;
    *) file=libBoardController.so ;;
esac
command -v python3 >/dev/null || { echo "python3 is missing: install Python 3 with pip (Debian: apt-get install python3 python3-pip), then run scripts/brainflow-env.sh" >&2; exit 2; }
if [ ! -f "$lib/$file" ] || [ "$(cat "$dir/.version" 2>/dev/null)" != "$version" ]; then
    echo "installing brainflow $version into $dir" >&2
    rm -rf "$dir"
    # --no-deps: only the library is used (numpy, which the Python binding needs, is not).
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
        --no-deps --target "$dir" "brainflow==$version" >&2 \
        || { echo "pip could not install brainflow $version (is PyPI reachable?)" >&2; exit 3; }
    echo "$version" > "$dir/.version"
fi
echo "$lib"
