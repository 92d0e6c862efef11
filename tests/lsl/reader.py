"""Reads Innervate's LSL streams with pylsl (the reference implementation), as a lab's recorder would.

Resolves the raw stream by type EMG (Innervate's own, by its source_id prefix), prints READY once
connected, then collects samples until --samples have arrived (and, with --until-marker, that marker), and
writes everything as JSON to --out: channel labels, units and types, acquisition, nominal rate, samples,
timestamps, and the marker stream's markers with their timestamps. Run by tests/lsl_io.rs.
"""
import argparse, json, sys, time
import pylsl

p = argparse.ArgumentParser()
p.add_argument("--out", required=True)
p.add_argument("--samples", type=int, default=0)
p.add_argument("--until-marker", default=None)
p.add_argument("--timeout", type=float, default=60.0)
p.add_argument("--contains", default="")
a = p.parse_args()


def find(kind):
    deadline = time.time() + 15
    while time.time() < deadline:
        for s in pylsl.resolve_byprop("type", kind, 0, 1.0):
            if s.source_id().startswith("innervate:") and a.contains in s.source_id():
                return s
    sys.exit(f"no Innervate stream of type {kind}")


raw = pylsl.StreamInlet(find("EMG"), max_buflen=60, recover=True)
markers = pylsl.StreamInlet(find("Markers"), max_buflen=60, recover=True)
info = raw.info(5.0)
chans, ch = [], info.desc().child("channels").child("channel")
while not ch.empty():
    chans.append({k: ch.child_value(k) for k in ("label", "unit", "type")})
    ch = ch.next_sibling("channel")
acq = info.desc().child("acquisition")
raw.open_stream(5.0)
markers.open_stream(5.0)
print("READY", flush=True)

samples, stamps, marks = [], [], []
deadline = time.time() + a.timeout
while time.time() < deadline:
    chunk, ts = raw.pull_chunk(timeout=0.05, max_samples=4096)
    samples.extend(chunk)
    stamps.extend(ts)
    while True:
        m, t = markers.pull_sample(timeout=0.0)
        if m is None:
            break
        marks.append([m[0], t])
    done_samples = len(samples) >= a.samples
    done_marker = a.until_marker is None or any(m[0] == a.until_marker for m in marks)
    if done_samples and done_marker:
        break

json.dump({
    "name": info.name(), "type": info.type(), "rate": info.nominal_srate(),
    "source_id": info.source_id(), "channels": chans,
    "acquisition": {"manufacturer": acq.child_value("manufacturer"), "model": acq.child_value("model")},
    "samples": samples, "timestamps": stamps, "markers": marks,
}, open(a.out, "w"))
print("DONE", len(samples), len(marks), flush=True)
