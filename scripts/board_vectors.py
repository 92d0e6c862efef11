#!/usr/bin/env python3
"""Test vectors for the vendor board protocols, made by an encoder written apart from Innervate's decoders.

Written from the vendors' documents (cited in docs/boards/*.md), Python standard library only. Prints one
JSON list: for each vector its protocol, the decoder's settings, the bytes as hex and the events a correct
decoder emits (frames in microvolts, rounded to float32 by the reader; lost frames; board events).

    python3 scripts/board_vectors.py            # the JSON (tests/boards.rs runs this)
    python3 scripts/board_vectors.py --markdown # the tables in docs/boards/*.md
"""

import json
import struct
import sys


def f32(x):
    """x rounded to IEEE single precision, as the decoders store samples."""
    return struct.unpack("<f", struct.pack("<f", x))[0]


# ---------------------------------------------------------------- Upside Down Labs Chords
# Packet: C7 7C, counter (u8), N big-endian u16 codes, 01 (Chords-Arduino-Firmware README and sketches).
# Microvolts: (code - 2^(bits-1)) * Vref / 2^bits / gain * 1e6 (mid-scale is 0 V at the electrodes).

def chords_packet(counter, codes):
    out = bytearray([0xC7, 0x7C, counter & 0xFF])
    for c in codes:
        out += struct.pack(">H", c)
    out.append(0x01)
    return bytes(out)


def chords_uv(code, bits, vref, gain):
    return f32((code - 2 ** (bits - 1)) * vref / 2 ** bits / gain * 1e6)


def chords_vectors():
    """The decoder believes a first packet once the next one agrees (docs/boards/chords.md)."""
    out = []
    # Uno R4: 6 channels, 14 bits, 5 V; BioAmp gain 1000.
    cfg = {"board": "UNO-R4", "gain": 1000.0}
    uv = lambda codes: [chords_uv(c, 14, 5.0, 1000.0) for c in codes]
    codes = [8192, 8193, 8191, 0, 16383, 12000]
    out.append(("chords-uno-r4-two-packets", cfg, chords_packet(0, codes) + chords_packet(1, codes[::-1]),
                [["frame", uv(codes)], ["frame", uv(codes[::-1])]]))
    a = [8192 + k for k in range(6)]
    b = [8192 - k for k in range(6)]
    # Counters FD, FE, then 01, 02: FF and 00 dropped, across the wrap.
    data = chords_packet(0xFD, a) + chords_packet(0xFE, b) + chords_packet(0x01, a) + chords_packet(0x02, b)
    out.append(("chords-uno-r4-two-dropped-across-the-wrap", cfg, data,
                [["frame", uv(a)], ["frame", uv(b)], ["lost", 2], ["frame", uv(a)], ["frame", uv(b)]]))
    # Uno R3 (10 bits), gain overridden to 2000; garbage before the first packet is skipped.
    cfg3 = {"board": "UNO-R3", "gain": 2000.0}
    c3 = [512, 600, 400, 1023, 0, 513]
    out.append(("chords-uno-r3-gain-2000-after-garbage", cfg3,
                bytes([0x55, 0xC7, 0x01]) + chords_packet(7, c3) + chords_packet(8, c3),
                [["frame", [chords_uv(c, 10, 5.0, 2000.0) for c in c3]]] * 2))
    return [("chords",) + v for v in out]


# ---------------------------------------------------------------- PLUX BITalino
# Frame (BITalino API, revolution-python-api `read`): read the frame's bytes from the last to the first as
# one stream of bits, most significant first: sequence number (4), CRC-4 (4), digital I1 I2 O1 O2 (4), A1..A4
# (10 bits each), A5, A6 (6 bits each), zero padding. Length: ceil((12 + 10 n) / 8) bytes for n <= 4
# channels, else ceil((52 + 6 (n - 4)) / 8). The CRC is the remainder of the frame's bits in wire order (CRC
# nibble as zero), read as a polynomial over GF(2), divided by x^4 + x + 1.
# EMG sensor (PLUX EMG datasheet): EMG(V) = (ADC / 2^n - 1/2) * VCC / G, VCC = 3.3 V, G = 1009.

def bitalino_len(n):
    bits = 12 + 10 * n if n <= 4 else 52 + 6 * (n - 4)
    return (bits + 7) // 8


def poly_mod(value, nbits, poly=0b10011):
    """value (nbits long) as a GF(2) polynomial, modulo poly."""
    for shift in range(nbits - 1, 3, -1):
        if value >> shift & 1:
            value ^= poly << (shift - 4)
    return value


def bitalino_frame(seq, analog, digital=0):
    n = len(analog)
    length = bitalino_len(n)
    fields = [(seq, 4), (0, 4), (digital, 4)]
    fields += [(a, 10 if i < 4 else 6) for i, a in enumerate(analog)]
    backwards = "".join(format(v & ((1 << w) - 1), f"0{w}b") for v, w in fields)
    backwards = backwards.ljust(length * 8, "0")
    reversed_bytes = [int(backwards[i:i + 8], 2) for i in range(0, length * 8, 8)]
    wire = bytearray(reversed(reversed_bytes))
    crc = poly_mod(int.from_bytes(wire, "big"), length * 8)
    wire[-1] |= crc
    return bytes(wire)


def bitalino_uv(adc, bits):
    return f32((adc / 2 ** bits - 0.5) * 3.3 / 1009 * 1e6)


def bitalino_vectors():
    out = []
    for n in (1, 2, 6):
        analog = [512 + 37 * i for i in range(min(n, 4))] + [32 + 5 * i for i in range(max(0, n - 4))]
        frames = b"".join(bitalino_frame(s, analog, 0b1010 if s == 3 else 0) for s in range(3, 9))
        uv = [bitalino_uv(a, 10 if i < 4 else 6) for i, a in enumerate(analog)]
        # Searching, the decoder believes the third of five consecutive frames; later frames once the next
        # two continue the count (docs/boards/bitalino.md). Six frames give two: the third and fourth.
        out.append((f"bitalino-{n}ch-six-frames", {"channels": n}, frames, [["frame", uv]] * 2))
    # Sequence 8 to 15, then 2 to 9: two frames (0 and 1) dropped across the wrap.
    a = [100, 900, 0, 1023]
    ua = [bitalino_uv(x, 10) for x in a]
    data = b"".join(bitalino_frame(s, a) for s in list(range(8, 16)) + list(range(2, 10)))
    out.append(("bitalino-4ch-two-dropped-across-the-wrap", {"channels": 4}, data,
                [["frame", ua]] * 6 + [["lost", 2]] + [["frame", ua]] * 6))
    return [("bitalino",) + v for v in out]


# ---------------------------------------------------------------- Backyard Brains SpikerBox
# Frame (BYB "SpikerBox USB Communication Guide", R7): each sample is two bytes, 7 bits each, high part first;
# the top bit of a byte is 1 only on the first byte of a frame. Messages from the board sit between
# FF FF 01 01 80 FF and FF FF 01 01 81 FF, as "TYPE:value;" (EVNT:n; is an event on the expansion port).
# Values: ADC steps around mid-scale (BYB publishes no gain), times the decoder's scale.

SOM = bytes([0xFF, 0xFF, 0x01, 0x01, 0x80, 0xFF])
EOM = bytes([0xFF, 0xFF, 0x01, 0x01, 0x81, 0xFF])


def spiker_frame(samples):
    out = bytearray()
    for i, s in enumerate(samples):
        hi, lo = (s >> 7) & 0x7F, s & 0x7F
        out += bytes([hi | (0x80 if i == 0 else 0), lo])
    return bytes(out)


def spiker_message(text):
    return SOM + text.encode("ascii") + EOM


def spiker_vectors():
    out = []
    cfg = {"channels": 2, "bits": 14, "uv_per_count": 1.0}
    f1, f2, f3 = [8192, 8193], [0, 16383], [8000, 9000]
    data = (spiker_frame(f1) + spiker_frame(f2) + spiker_message("EVNT:3;") + spiker_frame(f3)
            + spiker_frame(f1))
    ev = [["frame", [f32(s - 8192) for s in f]] for f in (f1, f2)]
    # A frame is believed once the next frame (or message) starts right after it: the last one waits.
    ev += [["marker", 3], ["frame", [f32(s - 8192) for s in f3]]]
    out.append(("spikerbox-2ch-14bit-event-between-frames", cfg, data, ev))
    cfg10 = {"channels": 1, "bits": 10, "uv_per_count": 2.0}
    g = [[512], [0], [1023], [700]]
    data = b"".join(spiker_frame(f) for f in g)
    out.append(("spikerbox-1ch-10bit-scaled", cfg10, data,
                [["frame", [f32((f[0] - 512) * 2.0)]] for f in g[:3]]))
    return [("spikerbox",) + v for v in out]


def main():
    vectors = chords_vectors() + bitalino_vectors() + spiker_vectors()
    if "--markdown" in sys.argv:
        for proto, name, cfg, data, events in vectors:
            said = []
            for kind, value in events:
                if kind == "frame":
                    said.append("frame [" + ", ".join(f"{v:.6g}" for v in value) + "] uV")
                else:
                    said.append(f"{kind} {value}")
            print(f"| {name} | `{data.hex(' ').upper()}` | {json.dumps(cfg)}: {'; '.join(said)} |")
        return
    print(json.dumps([
        {"protocol": p, "name": n, "config": c, "hex": d.hex(), "events": e}
        for p, n, c, d, e in vectors
    ]))


if __name__ == "__main__":
    main()
