#!/usr/bin/env python3
"""Runs the firmware on simavr's ATmega328P (simboard.c) and checks it against firmware-protocol.md.

Usage: bash firmware/tools/simtest.sh (builds the firmware variants and simboard, then runs this).
Or:    simtest.py SIMBOARD DEFAULT_ELF SIX_CHANNEL_ELF SLOW_LINK_ELF

The COBS and CRC here are written from the protocol text, independently of the sketch. The simulated
analog input A0 is a ramp of 20 mV per ms (wrapping every 250 ms), so each sample's code tells when it
was taken; A1..A5 are 600, 1200, ... mV.
"""
import struct
import subprocess
import sys

CPU_HZ = 16_000_000
failures = []
max_stack = [0]


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)
    return cond


# ---- Protocol, from firmware-protocol.md --------------------------------------------------------------

def crc16(data):
    crc = 0xFFFF
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc


assert crc16(b"123456789") == 0x29B1


def cobs_encode(data):
    out, block, ended_full = bytearray(), bytearray(), False
    for b in data:
        ended_full = False
        if b == 0:
            out += bytes([len(block) + 1]) + block
            block = bytearray()
        else:
            block.append(b)
            if len(block) == 254:  # a full block (code 0xFF) stands for no zero
                out += b"\xff" + block
                block, ended_full = bytearray(), True
    if not ended_full:
        out += bytes([len(block) + 1]) + block
    return bytes(out)


def cobs_decode(data):
    out, i = bytearray(), 0
    while i < len(data):
        code = data[i]
        if code == 0 or i + code > len(data):  # a block that runs past the end
            return None
        out += data[i + 1:i + code]
        i += code
        if code != 0xFF and i < len(data):
            out.append(0)
    return bytes(out)


def frame(body):
    return cobs_encode(body + struct.pack("<H", crc16(body))) + b"\x00"


def pstr(s):
    b = s.encode()
    return bytes([len(b)]) + b


HELLO = frame(b"\x01\x01")
START = frame(b"\x02")
STOP = frame(b"\x03")


def set_rate(hz):
    return frame(b"\x04" + struct.pack("<I", hz))


def info_body(channels, rate, fpp, labels):
    body = bytes([0x81, 1, channels]) + struct.pack("<I", rate) + bytes([10, 1])
    body += struct.pack("<IIi", 5000000, 200000, 512) + bytes([fpp])
    body += pstr("Innervate Uno") + pstr("1.0.0") + b"".join(pstr(l) for l in labels)
    return body


def ack_body(cmd, value):
    return bytes([0x82, cmd]) + struct.pack("<I", value)


def error_body(code, msg):
    return bytes([0xE0, code]) + pstr(msg)


# The vectors of firmware-protocol.md section 6 that the board sends or receives.
assert HELLO.hex(" ").upper() == "05 01 01 1F 3E 00"
assert set_rate(2000).hex(" ").upper() == "04 04 D0 07 01 03 99 B5 00"
ERROR_VECTOR = bytes.fromhex("20 E0 03 1A 72 61 74 65 20 39 30 30 30 20 48 7A 20 6E 6F 74 20 73 75 70 70 "
                             "6F 72 74 65 64 DB 56 00")
assert frame(error_body(3, "rate 9000 Hz not supported")) == ERROR_VECTOR
assert cobs_decode(cobs_encode(bytes(300))) == bytes(300)
assert cobs_decode(cobs_encode(bytes(range(1, 256)) * 3)) == bytes(range(1, 256)) * 3


# ---- The simulated board --------------------------------------------------------------------------------

class Session:
    """A script for simboard, run in one go; then the board's frames, split by the commands sent."""

    def __init__(self, simboard, elf):
        self.simboard, self.elf = simboard, elf
        self.script = []
        self.sends = []

    def run_ms(self, ms):
        self.script.append("run %d" % int(ms * 1000))

    def send(self, name, wire, then_ms=20):
        self.sends.append(name)
        self.script.append("send " + wire.hex(" "))
        self.run_ms(then_ms)

    def execute(self):
        out = subprocess.run([self.simboard, self.elf], input="\n".join(self.script) + "\n",
                             capture_output=True, text=True, check=True).stdout
        tx, self.adc, send_cycles = [], [], []
        for line in out.splitlines():
            f = line.split()
            if f[0] == "tx":
                tx.append((int(f[1]), int(f[2])))
            elif f[0] == "adc":
                self.adc.append((int(f[1]), int(f[2]), int(f[3])))
            elif f[0] == "mark" and f[2] == "send":
                send_cycles.append(int(f[1]))
            elif f[0] == "stack":
                stack = int(f[1])
                # 1298 bytes of static data leave 750 for the stack; keep a wide margin.
                check(stack < 400, "%s: the stack reached %d bytes" % (self.elf, stack))
                max_stack[0] = max(max_stack[0], stack)
        # Frames: (cycle of the delimiter, body without CRC), or (cycle, None) for a damaged one.
        self.frames, raw = [], bytearray()
        for cycle, b in tx:
            if b != 0:
                raw.append(b)
                continue
            body = cobs_decode(bytes(raw))
            ok = body is not None and len(body) >= 3 and crc16(body[:-2]) == struct.unpack("<H", body[-2:])[0]
            self.frames.append((cycle, body[:-2] if ok else None))
            raw = bytearray()
        check(not raw, "%s: transmission ends mid-frame" % self.elf)
        # Frames after each send, up to the next send.
        self.replies, self.sent_at = {}, {}
        bounds = send_cycles + [1 << 62]
        for i, name in enumerate(self.sends):
            self.sent_at[name] = bounds[i]
            self.replies[name] = [(c, b) for c, b in self.frames if bounds[i] <= c < bounds[i + 1]]
        self.before_first_send = [f for f in self.frames if f[0] < bounds[0]]
        return self

    def control(self, name):
        """The non-DATA frames after a send."""
        return [b for _, b in self.replies[name] if b is None or b[0] != 0x90]

    def expect(self, name, *bodies):
        got = self.control(name)
        check(got == list(bodies), "%s: after %s expected %s, got %s" % (
            self.elf, name, [b.hex(" ") for b in bodies], [b.hex(" ") if b else None for b in got]))


def adc_code(mv):
    """simavr's conversion of millivolts to a 10-bit code with a 5000 mV reference."""
    return min(1023, mv * 1023 // 5000)


def check_stream(s, start_name, stop_name, channels, rate, fpp, expect_gaps=False):
    """DATA between START and STOP: seq from 0, frames, samples at the right times, channel order."""
    name = "%s (%d ch, %d Hz)" % (s.elf, channels, rate)
    start_replies = s.replies[start_name]
    check(start_replies and start_replies[0][1] == ack_body(2, 0),
          "%s: START's first reply is not ACK(START, 0)" % name)
    # Sampling may begin before the ACK has left the UART, so samples count from the START command.
    start_cycle = s.sent_at[start_name]
    # Every frame from START up to STOP's ACK.
    stop_ack = [c for c, b in s.replies[stop_name] if b == ack_body(3, 0)]
    check(len(stop_ack) == 1, "%s: no single ACK(STOP)" % name)
    end = stop_ack[0] if stop_ack else 1 << 62
    data = [(c, b) for c, b in s.frames if start_cycle < c <= end and b and b[0] == 0x90]
    after = [b for c, b in s.replies[stop_name] if c > end and b and b[0] == 0x90]
    check(not after, "%s: DATA after the ACK of STOP" % name)
    check(all(b is not None for c, b in s.frames if start_cycle < c <= end), "%s: a damaged frame" % name)
    check(len(data) > 5, "%s: only %d DATA messages" % (name, len(data)))

    period = CPU_HZ // rate
    ticks = [c for c, ch, mv in s.adc if ch == 0 and start_cycle < c < end]
    t0 = ticks[0] if ticks else 0
    # The timer, not loop(), sets the instants: every channel-0 conversion starts within 10 us of its slot.
    worst = max((abs((c - t0) - round((c - t0) / period) * period) for c in ticks), default=0)
    check(worst < CPU_HZ // 50000, "%s: sampling jitter %d cycles" % (name, worst))
    adc_at = {}  # (sample index, channel) -> millivolts, from the conversions simavr saw
    for c, ch, mv in s.adc:
        if start_cycle < c < end:
            adc_at[((c - t0 + CPU_HZ // 20000) // period, ch)] = mv

    expected_seq, gaps, worst_latency = 0, 0, 0
    for cycle, body in data:
        seq, frames = struct.unpack("<IB", body[1:6])
        check(frames == fpp, "%s: DATA has %d frames, INFO said %d" % (name, frames, fpp))
        check(len(body) == 6 + 2 * frames * channels, "%s: DATA length %d" % (name, len(body)))
        if seq != expected_seq:
            check(expect_gaps and seq > expected_seq, "%s: seq %d after %d" % (name, seq, expected_seq - 1))
            gaps += seq - expected_seq
        expected_seq = seq + 1
        codes = struct.unpack("<%dH" % (frames * channels), body[6:])
        for f in range(frames):
            s_index = seq * fpp + f
            for ch in range(channels):
                mv = adc_at.get((s_index, ch))
                code = codes[f * channels + ch]
                if not check(mv is not None and code == adc_code(mv),
                             "%s: seq %d frame %d ch %d: code %d, input %s mV" % (name, seq, f, ch, code, mv)):
                    return
        # Latency from the packet's last sample to the end of its message.
        last_tick = t0 + (seq * fpp + fpp - 1) * period
        worst_latency = max(worst_latency, cycle - last_tick)
    ms = worst_latency * 1000 // CPU_HZ
    if not expect_gaps:
        check(gaps == 0, "%s: %d packets missing" % (name, gaps))
        check(ms < 2 * fpp * 1000 // rate + 2, "%s: a DATA message came %d ms after its last sample" % (name, ms))
    print("  %s: %d DATA messages, seq 0..%d, %d skipped, worst latency %d ms, jitter %d cycles" % (
        name, len(data), expected_seq - 1, gaps, ms, worst))
    return gaps


def fpp_for(rate):
    return (rate + 50) // 100


def test_default(simboard, elf):
    print("default build (2 channels, 1000 Hz):")
    s = Session(simboard, elf)
    s.run_ms(100)
    s.send("stop", STOP)
    s.send("hello", HELLO)
    s.send("rate 9000", set_rate(9000))
    s.send("rate 256", set_rate(256))
    s.send("rate short", frame(b"\x04\xd0\x07"))
    s.send("hello v2", frame(b"\x01\x02"))
    s.send("bad crc", b"\x05\x01\x01\x1f\x3f\x00")
    s.send("bad cobs", b"\x09\x01\x02\x00")
    s.send("unknown", frame(b"\x07"))
    s.send("info as command", frame(b"\x81"))
    s.send("too long", bytes(range(1, 41)) + b"\x00" + HELLO)
    s.send("empty", b"\x00")
    s.send("garbage glued to hello", b"\x42\x13" + HELLO)
    s.send("garbage then hello", b"\x42\x13\x00" + HELLO)
    s.send("start", START, 100)
    s.send("hello streaming", HELLO, 20)
    s.send("rate streaming", set_rate(500), 20)
    s.send("start streaming", START, 100)
    s.send("stop 1", STOP, 50)
    s.send("rate 2000", set_rate(2000))
    s.send("hello 2000", HELLO)
    s.send("start 2000", START, 200)
    s.send("stop 2000", STOP, 50)
    s.send("rate 250", set_rate(250))
    s.send("hello 250", HELLO)
    s.send("start 250", START, 200)
    s.send("stop 250", STOP, 50)
    s.send("stop again", STOP, 20)
    s.execute()

    check(not s.before_first_send, "the board sent something unasked before the first command")
    s.expect("stop", ack_body(3, 0))
    s.expect("hello", info_body(2, 1000, 10, ["", ""]))
    print("  INFO on the wire:", frame(info_body(2, 1000, 10, ["", ""])).hex(" ").upper())
    # The protocol's own ERROR vector, byte for byte.
    got = s.replies["rate 9000"]
    check(got and got[0][1] is not None and frame(got[0][1]) == ERROR_VECTOR, "SET_RATE 9000 does not answer the ERROR vector")
    s.expect("rate 256", error_body(3, "rate 256 Hz not supported"))
    s.expect("rate short", error_body(3, "bad payload length"))
    s.expect("hello v2", info_body(2, 1000, 10, ["", ""]))
    s.expect("bad crc", error_body(1, "bad frame (COBS or CRC)"))
    s.expect("bad cobs", error_body(1, "bad frame (COBS or CRC)"))
    s.expect("unknown", error_body(2, "unknown command 0x07"))
    s.expect("info as command", error_body(2, "unknown command 0x81"))
    s.expect("too long", error_body(1, "frame too long"), info_body(2, 1000, 10, ["", ""]))
    s.expect("empty")
    s.expect("garbage glued to hello", error_body(1, "bad frame (COBS or CRC)"))
    s.expect("garbage then hello", error_body(1, "bad frame (COBS or CRC)"), info_body(2, 1000, 10, ["", ""]))
    s.expect("start", ack_body(2, 0))
    s.expect("hello streaming", error_body(4, "not allowed while streaming"))
    s.expect("rate streaming", error_body(4, "not allowed while streaming"))
    s.expect("start streaming", error_body(4, "not allowed while streaming"))
    check_stream(s, "start", "stop 1", 2, 1000, 10)
    s.expect("stop 1", ack_body(3, 0))
    s.expect("rate 2000", ack_body(4, 2000))
    s.expect("hello 2000", info_body(2, 2000, 20, ["", ""]))
    check_stream(s, "start 2000", "stop 2000", 2, 2000, 20)
    s.expect("rate 250", ack_body(4, 250))
    s.expect("hello 250", info_body(2, 250, fpp_for(250), ["", ""]))
    check_stream(s, "start 250", "stop 250", 2, 250, fpp_for(250))
    s.expect("stop again", ack_body(3, 0))
    # Every accepted rate and no other.
    s2 = Session(simboard, elf)
    s2.run_ms(10)
    # Every divisor of 2000000 near the range and its neighbours, the extremes, and a sample of the rest.
    divisors = [d for d in range(200, 2100) if 2000000 % d == 0]
    rates = sorted(set([0, 1, 249, 2001, 4000, 10 ** 9, 2 ** 32 - 1] + divisors + [d - 1 for d in divisors]
                       + [d + 1 for d in divisors] + list(range(240, 2011, 37))))
    for hz in rates:
        s2.send("rate %d" % hz, set_rate(hz), 3)
    s2.execute()
    accepted = [hz for hz in rates if s2.control("rate %d" % hz) == [ack_body(4, hz)]]
    check(all(s2.control("rate %d" % hz) == [error_body(3, "rate %d Hz not supported" % hz)]
              for hz in rates if hz not in accepted), "a refused rate without its ERROR 3")
    check(accepted == [250, 320, 400, 500, 625, 640, 800, 1000, 1250, 1600, 2000],
          "accepted rates %s" % accepted)
    print("  accepted rates:", accepted)


def test_six(simboard, elf):
    print("6 channels, labelled:")
    s = Session(simboard, elf)
    s.run_ms(10)
    s.send("hello", HELLO)
    s.send("start", START, 200)
    s.send("stop", STOP, 50)
    s.send("rate 2000", set_rate(2000))
    s.send("start 2000", START, 200)
    s.send("stop 2000", STOP, 50)
    s.execute()
    labels = ["Biceps", "Triceps", "", "", "", "Unterarm \u00fc"]
    s.expect("hello", info_body(6, 1000, 10, labels))
    check_stream(s, "start", "stop", 6, 1000, 10)
    check_stream(s, "start 2000", "stop 2000", 6, 2000, 20)


def test_slow_link(simboard, elf):
    print("6 channels at 2000 Hz over 115200 baud (too slow: overruns expected):")
    s = Session(simboard, elf)
    s.run_ms(10)
    s.send("rate 2000", set_rate(2000))
    s.send("start", START, 600)
    s.send("stop", STOP, 100)
    s.execute()
    gaps = check_stream(s, "start", "stop", 6, 2000, 20, expect_gaps=True) or 0
    overruns = [b for c, b in s.frames if b and b[0] == 0xE0]
    check(gaps and overruns, "no seq gap or no ERROR 5 on a link that is too slow")
    reported = 0
    for b in overruns:
        check(b[1] == 5, "ERROR %d while overrunning" % b[1])
        msg = b[3:].decode()
        check(msg.startswith("overrun: ") and msg.endswith(" packets dropped"), "ERROR 5 text %r" % msg)
        reported += int(msg.split()[1])
    # Drops after the last report are reported later (at most 4 reports a second), so reported <= gaps.
    check(0 < reported <= gaps, "ERROR 5 reported %d packets, seq skipped %d" % (reported, gaps))
    print("  ERROR 5 messages: %d, reporting %d of %d skipped packets" % (len(overruns), reported, gaps))


def main():
    simboard, default_elf, six_elf, slow_elf = sys.argv[1:5]
    test_default(simboard, default_elf)
    test_six(simboard, six_elf)
    test_slow_link(simboard, slow_elf)
    print("deepest stack use: %d bytes" % max_stack[0])
    if failures:
        print("%d checks failed" % len(failures))
        sys.exit(1)
    print("firmware simulation: all checks passed")


if __name__ == "__main__":
    main()
