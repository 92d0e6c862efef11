#!/usr/bin/env bash
# Runs the firmware on simavr (a simulated ATmega328P at 16 MHz) and checks the protocol, the sampling
# times and the overrun handling against firmware-protocol.md:
#   bash firmware/tools/simtest.sh
# Builds three variants with scripts/build-firmware.sh (the default sketch; 6 labelled channels; 6
# channels on a link too slow for 2 kHz), and simboard.c against Debian's libsimavr-dev (installed with
# apt-get when missing). Output goes to target/simtest/.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=target/simtest

if ! dpkg-query -W -f='${Status}' libsimavr-dev 2>/dev/null | grep -q 'install ok installed'; then
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  ${sudo[@]+"${sudo[@]}"} apt-get update -qq
  ${sudo[@]+"${sudo[@]}"} apt-get install -y -qq --no-install-recommends libsimavr-dev gcc python3 >/dev/null
fi
mkdir -p "$OUT"
gcc -O2 -Wall -Wextra -Werror -o "$OUT/simboard" firmware/tools/simboard.c -lsimavr

build() { # NAME DEFINES [SKETCH_DIR]
  FIRMWARE_OUT="$OUT/$1" FIRMWARE_DEFINES="$2" FIRMWARE_SKETCH_DIR="${3:-firmware/innervate_emg}" \
    bash scripts/build-firmware.sh >"$OUT/$1.log" 2>&1 || {
    cat "$OUT/$1.log" >&2
    exit 1
  }
}
build default ""
# The labels as firmware/README.md tells a user to set them (one of them UTF-8).
mkdir -p "$OUT/labelled/innervate_emg"
sed 's/^static const char LABELS\[6\]\[LABEL_MAX + 1\] PROGMEM = .*/static const char LABELS[6][LABEL_MAX + 1] PROGMEM = {"Biceps", "Triceps", "", "", "", "Unterarm \xc3\xbc"};/' \
  firmware/innervate_emg/innervate_emg.ino >"$OUT/labelled/innervate_emg/innervate_emg.ino"
grep -q '"Biceps"' "$OUT/labelled/innervate_emg/innervate_emg.ino" || { echo "simtest: LABELS line not found" >&2; exit 1; }
build six "-DCHANNELS=6" "$OUT/labelled/innervate_emg"
build slow "-DCHANNELS=6 -DBAUD=115200UL"

python3 firmware/tools/simtest.py "$OUT/simboard" "$OUT/default/innervate_emg.elf" "$OUT/six/innervate_emg.elf" \
  "$OUT/slow/innervate_emg.elf"
