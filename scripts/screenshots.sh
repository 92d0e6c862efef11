#!/usr/bin/env bash
# Screenshots of every screen on the simulated board under a virtual X server (Xvfb), into docs/:
# welcome, live view, exercise setup, calibration, a live set, the set summary with its training log,
# history, review, the activation drill, the insights screen's three tabs over a training log imported
# from the real recordings in tests/data/real (innervate history import, spread over four weeks), and the
# gym display (reduced to 32 colours: it is mostly flat colour).
# Also the body map (live, 16 channels; the set summary's), the placement guide of every preset muscle and
# the first page of the summary session's PDF report (rendered by Ghostscript, when installed).
# Usage: scripts/screenshots.sh   (about 2 minutes after the release build)
#        ONLY="body-map-live placement-pictures" PROFILE=debug SKIP_BUILD=1 scripts/screenshots.sh
#        (some shots, with the debug binary cargo test built)
# Installs Debian's xvfb and imagemagick (and the GL/X11 client libraries eframe loads) when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v Xvfb >/dev/null || need+=(xvfb)
command -v import >/dev/null && import -version 2>/dev/null | grep -q ImageMagick || need+=(imagemagick)
for lib in libGL.so.1 libxkbcommon-x11.so.0 libXcursor.so.1 libXrandr.so.2 libXi.so.6; do
  ldconfig -p | grep -q "$lib" || need+=(libgl1-mesa-dri libglx-mesa0 libxkbcommon-x11-0 libxcursor1 libxrandr2 libxi6)
done
if [ ${#need[@]} -gt 0 ]; then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq $(printf '%s\n' "${need[@]}" | sort -u)
fi
profile=${PROFILE:-release}
if [ -n "${SKIP_BUILD:-}" ]; then :   # use the binary already built (e.g. by cargo test)
elif [ "$profile" = release ]; then cargo build --release --quiet; else cargo build --quiet; fi
bin=./target/$profile/innervate
display=":$((90 + RANDOM % 9))"
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp &
xvfb_pid=$!
work=$(mktemp -d)
app_pid=""
cleanup() { [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null; kill "$xvfb_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
sleep 1
mkdir -p docs "$work/sessions"
echo '{"first_run_done": true}' > "$work/seen.json"

# shot NAME SECONDS [innervate args...]: run the app, wait, capture docs/NAME.png, close it.
shot() {
  local name=$1 wait_s=$2; shift 2
  if [ -n "${ONLY:-}" ] && [[ " $ONLY " != *" $name "* ]]; then return; fi
  DISPLAY="$display" "$bin" --sessions-dir "${sessions:-$work/sessions}" \
    --profile screenshots "$@" &
  app_pid=$!
  sleep "$wait_s"
  DISPLAY="$display" import -window root "docs/$name.png"
  kill "$app_pid" 2>/dev/null || true
  wait "$app_pid" 2>/dev/null || true
  app_pid=""
  echo "wrote docs/$name.png"
}

shot welcome 4 --channels 2 --settings "$work/first.json"
shot live-view 8 --settings "$work/seen.json" --channels 4
shot setup 4 --channels 2 --settings "$work/seen.json" --start-screen setup
shot calibration 6 --channels 2 --settings "$work/seen.json" --start-screen calibration
# A set starts 3 s in (the simulator's first rep) and ends after the eighth rep.
shot live-set 14 --channels 2 --settings "$work/seen.json" --auto-set 2.5:34
shot summary 40 --channels 2 --settings "$work/seen.json" --auto-set 2.5:34
# The set summary's body map, cropped from the same screen.
if [ -f docs/summary.png ] && [[ -z "${ONLY:-}" || " $ONLY " == *" summary "* ]]; then
  cp docs/summary.png docs/body-map-summary.png && echo "wrote docs/body-map-summary.png"
fi
# The gym display during the set's second rep.
shot gym-display 9 --channels 2 --settings "$work/seen.json" --auto-set 2.5:34 --start-screen gym
if [[ -z "${ONLY:-}" || " $ONLY " == *" gym-display "* ]]; then convert docs/gym-display.png -colors 32 docs/gym-display.png; fi
shot body-map-live 8 --settings "$work/seen.json" --channels 16
shot placement-pictures 4 --channels 2 --settings "$work/seen.json" --start-screen placements
shot history 5 --channels 2 --settings "$work/seen.json" --start-screen history
# The newest recording: the summary's complete set (the live-set shot was cut mid-set).
wav=$(ls -t "$work"/sessions/*.wav 2>/dev/null | head -1 || true)
# The first page of that session's PDF report (Ghostscript renders it; skipped without gs).
if [ -n "$wav" ] && command -v gs >/dev/null && [[ -z "${ONLY:-}" || " $ONLY " == *" report "* ]]; then
  "$bin" report "$wav" --out "$work/report.pdf" >/dev/null
  gs -q -sDEVICE=png16m -r90 -dFirstPage=1 -dLastPage=1 -o docs/report-page1.png "$work/report.pdf"
  echo "wrote docs/report-page1.png"
fi
shot review 6 --channels 2 --settings "$work/seen.json" --review "$wav"
shot drill 10 --channels 2 --settings "$work/seen.json" --start-screen drill

# A training log for the insights: the real isometric recordings, imported as two exercises of the
# biceps femoris (its own task, and the vastus lateralis task where it only helps) with an MVC reference of
# 40 uV, four weeks in a row (each week's copies dated by their file time), with a load and a felt score.
if [ -n "${ONLY:-}" ] && [[ "$ONLY" != *insights* ]]; then exit 0; fi
log="$work/log"
mkdir -p "$log/wavs"
echo '{"first_run_done": true}' > "$work/log.json"
real=tests/data/real
felt=(9 3 8 4 7 5 6 6)
k=0
for week in 0 1 2 3; do
  day=$(date -u -d "2026-03-02 +$((7 * week)) days" +%Y-%m-%d)
  for subject in 1 2; do
    for pair in "Leg curl:bf:30kg" "Squat hold:vl:60kg"; do
      IFS=: read -r exercise task load <<< "$pair"
      [ "$week" -ge 2 ] && load=${load/30kg/35kg} && load=${load/60kg/70kg}
      copy="$log/wavs/w${week}_s${subject}_${task}.wav"
      cp "$real/subject${subject}_${task}_isometric.wav" "$copy"
      touch -d "$day 18:0$subject:00" "$copy"
      "$bin" history --db "$log/history.sqlite" import "$copy" \
        --exercise "$exercise" --target 2 --muscle "Biceps femoris" --antagonist 1 --mvc 40 \
        --load "$load" --felt "${felt[$(( (k + week) % 8 ))]}" >/dev/null
      k=$((k + 1))
    done
  done
done
# The first page of the progress report of that log (Ghostscript renders it; skipped without gs).
if command -v gs >/dev/null; then
  "$bin" report --history --db "$log/history.sqlite" --muscle "Biceps femoris" --out "$work/progress.pdf" >/dev/null
  gs -q -sDEVICE=png16m -r90 -dFirstPage=1 -dLastPage=1 -o docs/progress-report-page1.png "$work/progress.pdf"
  echo "wrote docs/progress-report-page1.png"
fi
sessions="$log" shot insights 5 --channels 2 --settings "$work/log.json" --start-screen insights
sessions="$log" shot insights-feel 5 --channels 2 --settings "$work/log.json" --start-screen insights-feel
sessions="$log" shot insights-load 5 --channels 2 --settings "$work/log.json" --start-screen insights-load
