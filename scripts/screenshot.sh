#!/usr/bin/env bash
# Takes a screenshot of the live view on the simulated board under a virtual X server (Xvfb).
# Usage: scripts/screenshot.sh [OUTPUT.png] [SECONDS_TO_WAIT]   (default docs/live-view.png, 8 s)
# Installs Debian's xvfb and imagemagick when they are missing (needs root or sudo).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/live-view.png}
wait_s=${2:-8}

need=()
command -v Xvfb >/dev/null || need+=(xvfb)
command -v import >/dev/null && import -version 2>/dev/null | grep -q ImageMagick || need+=(imagemagick)
# Mesa's software GL and the X11 client libraries eframe loads at run time.
for lib in libGL.so.1 libxkbcommon-x11.so.0 libXcursor.so.1 libXrandr.so.2 libXi.so.6; do
  ldconfig -p | grep -q "$lib" || need+=(libgl1-mesa-dri libglx-mesa0 libxkbcommon-x11-0 libxcursor1 libxrandr2 libxi6)
done
if [ ${#need[@]} -gt 0 ]; then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq $(printf '%s\n' "${need[@]}" | sort -u)
fi

cargo build --release
display=":$((90 + RANDOM % 9))"
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp &
xvfb_pid=$!
sessions=$(mktemp -d)
cleanup() { kill "${app_pid:-}" "$xvfb_pid" 2>/dev/null || true; rm -rf "$sessions"; }
trap cleanup EXIT
sleep 1
DISPLAY="$display" ./target/release/innervate --channels 4 --sessions-dir "$sessions" &
app_pid=$!
sleep "$wait_s"
mkdir -p "$(dirname "$out")"
DISPLAY="$display" import -window root "$out"
echo "wrote $out"
