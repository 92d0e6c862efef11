#!/usr/bin/env bash
# Builds the Arduino sketch firmware/innervate_emg for an Arduino Uno/Nano (ATmega328P, 16 MHz) with
# Debian's AVR toolchain and Arduino core, without the Arduino IDE:
#   bash scripts/build-firmware.sh
# Installs gcc-avr, binutils-avr, avr-libc and arduino-core-avr with apt-get when missing (as root, or via
# sudo). Output: target/firmware/innervate_emg.{elf,hex} (FIRMWARE_OUT=DIR to change; FIRMWARE_DEFINES for
# settings, see below). Fails on a compile error, a warning in the
# sketch, or a static RAM use (data + bss) above 1536 of the 2048 bytes, which would leave the stack too
# little.
set -euo pipefail
cd "$(dirname "$0")/.."

SKETCH=innervate_emg
SRC_DIR=${FIRMWARE_SKETCH_DIR:-firmware/$SKETCH} # another copy of the sketch, e.g. with other labels
OUT=${FIRMWARE_OUT:-target/firmware}
# Extra compiler flags for the sketch, e.g. FIRMWARE_DEFINES="-DCHANNELS=6 -DDEFAULT_RATE_HZ=2000".
read -r -a EXTRA_DEFINES <<<"${FIRMWARE_DEFINES:-}"
MCU=atmega328p
F_CPU=16000000L
RAM_LIMIT=1536
PACKAGES=(gcc-avr binutils-avr avr-libc arduino-core-avr)

fail() {
  echo "build-firmware: $*" >&2
  exit 1
}

# ---- Toolchain ----------------------------------------------------------------------------------------
missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]})); then
  echo "== installing ${missing[*]}"
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || fail "need root or sudo to install ${missing[*]}"
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  ${sudo[@]+"${sudo[@]}"} apt-get update -qq || fail "apt-get update failed"
  ${sudo[@]+"${sudo[@]}"} apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    fail "apt-get install ${missing[*]} failed"
fi

# Where arduino-core-avr put the core (Debian: /usr/share/arduino/hardware/arduino/avr).
arduino_h=$(dpkg -L arduino-core-avr | grep '/cores/arduino/Arduino\.h$') ||
  fail "arduino-core-avr has no cores/arduino/Arduino.h"
arduino_h=${arduino_h%%$'\n'*} # the first, should there be several
CORE=$(dirname "$arduino_h")
VARIANT=$(dirname "$(dirname "$CORE")")/variants/standard
[ -f "$VARIANT/pins_arduino.h" ] || fail "no variants/standard/pins_arduino.h next to $CORE"

# ---- Flags (as the Arduino IDE's platform.txt for the Uno, without LTO) -------------------------------
COMMON=(-mmcu=$MCU -DF_CPU=$F_CPU -DARDUINO=10807 -DARDUINO_AVR_UNO -DARDUINO_ARCH_AVR
  -I"$CORE" -I"$VARIANT" -Os -g -ffunction-sections -fdata-sections)
CFLAGS=("${COMMON[@]}" -std=gnu11 -w)
# Debian's gcc-avr 5.4 defines DECIMAL_DIG (used by the core's WString.cpp) only for C99, not C++11.
CXXFLAGS=("${COMMON[@]}" -std=gnu++11 -fpermissive -fno-exceptions -fno-threadsafe-statics -w
  -DDECIMAL_DIG=__DECIMAL_DIG__)
# The sketch itself is held to a higher standard than the vendor core.
SKETCH_FLAGS=("${COMMON[@]}" -std=gnu++11 -fno-exceptions -fno-threadsafe-statics -Wall -Wextra -Werror)

rm -rf "$OUT/core" "$OUT/core.a" "$OUT/$SKETCH".*
mkdir -p "$OUT/core"

# ---- Arduino core -> core.a (an archive, so only the parts the sketch uses get linked) --------------
echo "== compiling the Arduino core from $CORE"
pids=()
for src in "$CORE"/*.c "$CORE"/*.cpp "$CORE"/*.S; do
  [ -e "$src" ] || continue
  obj=$OUT/core/$(basename "$src").o
  case "$src" in
  *.c) avr-gcc "${CFLAGS[@]}" -c "$src" -o "$obj" 2>"$obj.log" & ;;
  *.cpp) avr-g++ "${CXXFLAGS[@]}" -c "$src" -o "$obj" 2>"$obj.log" & ;;
  *.S) avr-gcc "${COMMON[@]}" -x assembler-with-cpp -c "$src" -o "$obj" 2>"$obj.log" & ;;
  esac
  pids+=("$!:$src")
done
core_ok=1
for entry in "${pids[@]}"; do
  if ! wait "${entry%%:*}"; then
    src=${entry#*:}
    echo "build-firmware: compile error in the Arduino core: $src" >&2
    cat "$OUT/core/$(basename "$src").o.log" >&2
    core_ok=0
  fi
done
[ "$core_ok" = 1 ] || fail "the Arduino core did not compile"
avr-ar rcs "$OUT/core.a" "$OUT"/core/*.o

# ---- Sketch: .ino -> .cpp as the IDE does (Arduino.h first; the sketch declares before use) ---------
echo "== compiling $SRC_DIR/$SKETCH.ino"
{
  echo '#include <Arduino.h>'
  echo "#line 1 \"$(cd "$SRC_DIR" && pwd)/$SKETCH.ino\"" # errors point at the .ino
  cat "$SRC_DIR/$SKETCH.ino"
} >"$OUT/$SKETCH.ino.cpp"
avr-g++ "${SKETCH_FLAGS[@]}" ${EXTRA_DEFINES[@]+"${EXTRA_DEFINES[@]}"} -I"$SRC_DIR" -c "$OUT/$SKETCH.ino.cpp" -o "$OUT/$SKETCH.ino.o" ||
  fail "compile error in $SRC_DIR/$SKETCH.ino (see above)"

# ---- Link, hex, size ----------------------------------------------------------------------------------
avr-gcc -mmcu=$MCU -Os -g -Wl,--gc-sections -o "$OUT/$SKETCH.elf" "$OUT/$SKETCH.ino.o" "$OUT/core.a" -lm ||
  fail "link failed"
avr-objcopy -O ihex -R .eeprom "$OUT/$SKETCH.elf" "$OUT/$SKETCH.hex"

avr-size --format=avr --mcu=$MCU "$OUT/$SKETCH.elf"
read -r text data bss _ < <(avr-size --format=berkeley "$OUT/$SKETCH.elf" | tail -n 1)
flash=$((text + data))
ram=$((data + bss))
echo "flash: $flash of 32256 bytes (the bootloader takes the last 512); static RAM: $ram of 2048 bytes"
((flash <= 32256)) || fail "the sketch needs $flash bytes of flash, more than the Uno's 32256"
((ram <= RAM_LIMIT)) ||
  fail "static RAM (data + bss) is $ram bytes, over $RAM_LIMIT: the stack needs the rest of the 2048"
echo "== firmware: $OUT/$SKETCH.hex"
