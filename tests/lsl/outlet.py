"""A pylsl outlet standing in for an LSL device (4 channels, 2 kHz, float32, known data) and its marker
stream, for Innervate's inlet tests (tests/lsl_io.rs).

It waits for a reader, then pushes in real time with timestamps on its own sample clock, and on purpose:
skips --gap-len samples at --gap-at (a gap the reader must find from the timestamps), sends a NaN sample at
--nan-at, destroys its outlet at --away-at and recreates it with the same source_id after --away-s seconds
(the samples of that time are never pushed), and pushes markers ("set start" at --marker-a, "trigger 7" at
--marker-b) stamped at their sample's time. Every pushed frame is written to --log as index then values
(float32 little-endian), so the test can compare exactly.
"""
import argparse, math, struct, sys, time
import pylsl

p = argparse.ArgumentParser()
p.add_argument("--log", required=True)
p.add_argument("--frames", type=int, default=12000)
p.add_argument("--gap-at", type=int, default=3000)
p.add_argument("--gap-len", type=int, default=100)
p.add_argument("--nan-at", type=int, default=-1)
p.add_argument("--away-at", type=int, default=7000)
p.add_argument("--away-s", type=float, default=1.0)
p.add_argument("--marker-a", type=int, default=2000)
p.add_argument("--marker-b", type=int, default=5000)
a = p.parse_args()
FS, CH, SID = 2000.0, 4, "pylsl-test-emg-4ch"
LABELS = ["Biceps brachii", "Triceps brachii", "Vastus lateralis", "Biceps femoris"]


def make_outlet():
    info = pylsl.StreamInfo("TestEMG", "EMG", CH, FS, "float32", SID)
    chans = info.desc().append_child("channels")
    for l in LABELS:
        c = chans.append_child("channel")
        c.append_child_value("label", l)
        c.append_child_value("unit", "microvolts")
        c.append_child_value("type", "EMG")
    return pylsl.StreamOutlet(info, chunk_size=0, max_buffered=60)


def value(i, c):
    # Known, EMG-like numbers that differ per channel and sample.
    return struct.unpack("<f", struct.pack("<f", 300.0 * math.sin(0.37 * i + c) + 20.0 * c + (i % 7)))[0]


outlet = make_outlet()
mk = pylsl.StreamOutlet(pylsl.StreamInfo("TestMarkers", "Markers", 1, 0, "string", "pylsl-test-markers"))
if not outlet.wait_for_consumers(30):
    sys.exit("nobody connected")
mk.wait_for_consumers(5)
print("STREAMING", flush=True)
log = open(a.log, "wb")
t0 = pylsl.local_clock()
i, pushed = 0, 0
while pushed < a.frames:
    due = int((pylsl.local_clock() - t0) * FS)
    if i >= due:
        time.sleep(0.002)
        continue
    if i == a.away_at:
        time.sleep(0.3)  # let the last chunk reach the reader before the outlet goes
        del outlet
        time.sleep(a.away_s)
        outlet = make_outlet()
        outlet.wait_for_consumers(10)
        i = int((pylsl.local_clock() - t0) * FS)  # the time away is never pushed
        continue
    if a.gap_at <= i < a.gap_at + a.gap_len:
        i += 1
        continue
    if i in (a.marker_a, a.marker_b):
        mk.push_sample(["set start" if i == a.marker_a else "trigger 7"], t0 + i / FS)
    frame = [value(i, c) for c in range(CH)]
    if i == a.nan_at:
        frame[1] = float("nan")
    outlet.push_sample(frame, t0 + i / FS)
    if i != a.nan_at:
        log.write(struct.pack("<q", i) + struct.pack("<4f", *frame))
        pushed += 1
    i += 1
log.close()
time.sleep(1.0)
print("DONE", pushed, flush=True)
