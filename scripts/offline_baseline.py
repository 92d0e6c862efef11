#!/usr/bin/env python3
"""The SciPy baseline of `innervate bench offline`: what a SciPy user would write to get each channel's
band-passed, notched, 100 ms RMS envelope out of a recording (docs/ARCHITECTURE.md section 7's numbers).

Per channel: Butterworth band-pass 20-450 Hz of order 4 (sosfilt), 50 Hz notch with Q 30 (iirnotch, lfilter),
trailing RMS over 100 ms (samples before the start count as zero). The WAV is read with
scipy.io.wavfile.read(mmap=True), so the samples come from the page cache as each channel is processed.

Usage: PYTHONPATH="$(scripts/python-env.sh)" python3 scripts/offline_baseline.py RECORDING.wav
Prints one JSON line: {"wall_s": ..., "channels": ..., "frames": ..., "checksum": ...}.
"""
import json
import sys
import time

import numpy as np
from scipy import signal
from scipy.io import wavfile


def envelope(x, fs, sos, b, a):
    """Band-pass, notch and 100 ms trailing RMS of one channel (float64)."""
    y = signal.lfilter(b, a, signal.sosfilt(sos, x))
    n = int(round(0.1 * fs))
    csum = np.cumsum(y * y)
    power = csum.copy()
    power[n:] -= csum[:-n]
    return np.sqrt(np.maximum(power, 0.0) / n)


def main(path):
    start = time.perf_counter()
    fs, data = wavfile.read(path, mmap=True)
    if data.ndim == 1:
        data = data[:, np.newaxis]
    sos = signal.butter(4, [20, 450], btype="band", fs=fs, output="sos")
    b, a = signal.iirnotch(50, 30, fs)
    checksum = 0.0
    for c in range(data.shape[1]):
        env = envelope(data[:, c].astype(np.float64), fs, sos, b, a)
        checksum += float(env[-1])
    wall = time.perf_counter() - start
    print(json.dumps({"wall_s": wall, "channels": int(data.shape[1]), "frames": int(data.shape[0]),
                      "checksum": checksum}))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
