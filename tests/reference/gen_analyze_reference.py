#!/usr/bin/env python3
"""Independent reference for `innervate analyze` on tests/data/real/subject1_*.wav (docs/ARCHITECTURE.md section 7).

Writes, per file, `<name>_envelope.wav` (float32 trailing RMS envelopes, one channel per input channel) and
`analyze_reference.json` (MDF/MNF per 1 s epoch per channel, Falconer & Winter per 100 ms window per pair).
Run from this folder:  python3 gen_analyze_reference.py   (needs numpy and scipy; `bash regenerate.sh` installs
them under target/ and runs it)
"""
import glob
import json
import os

import numpy as np
import scipy
from scipy import signal
from scipy.io import wavfile

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "real")
PAIRS = [(0, 1), (2, 3)]  # vastus lateralis / biceps femoris, tibialis anterior / gastrocnemius


def segment(fs):
    """About a quarter of a second: the power of two nearest fs / 4, at least 256 samples."""
    return max(256, 2 ** int(round(np.log2(max(fs / 4, 1)))))


def mdf_mnf(x, fs, low=20.0, high=450.0):
    n = segment(fs)
    f, p = signal.welch(x, fs, window="hann", nperseg=n, noverlap=n // 2, detrend="constant")
    df = fs / n
    # Each bin's power spread over [f_k - df/2, f_k + df/2]; only its part inside the band counts.
    a = np.clip(f - df / 2, low, high)
    b = np.clip(f + df / 2, low, high)
    keep = b > a
    a, b, p = a[keep], b[keep], p[keep] * (b[keep] - a[keep]) / df
    total = p.sum()
    mnf = (p * (a + b) / 2).sum() / total
    cum = np.cumsum(p)
    k = int(np.argmax(cum >= total / 2))
    before = cum[k - 1] if k > 0 else 0.0
    mdf = a[k] + (total / 2 - before) / p[k] * (b[k] - a[k])
    return float(mdf), float(mnf)


out = {"scipy_version": scipy.__version__, "numpy_version": np.__version__, "files": {}}
for path in sorted(glob.glob(os.path.join(DATA, "subject1_*.wav"))):
    fs, x = wavfile.read(path)
    x = x.astype(np.float64)
    sos = signal.butter(4, [20, 450], btype="band", fs=fs, output="sos")
    b, a = signal.iirnotch(50, 30, fs)
    y = signal.lfilter(b, a, signal.sosfilt(sos, x, axis=0), axis=0)
    n = int(round(0.1 * fs))
    padded = np.vstack([np.zeros((n - 1, y.shape[1])), y * y])
    csum = np.cumsum(padded, axis=0)
    csum = np.vstack([np.zeros((1, y.shape[1])), csum])
    env = np.sqrt((csum[n:] - csum[:-n]) / n)
    name = os.path.splitext(os.path.basename(path))[0]
    wavfile.write(f"{name}_envelope.wav", fs, env.astype(np.float32))
    epoch = int(fs)
    epochs = [
        [mdf_mnf(y[k * epoch:(k + 1) * epoch, c], fs) for k in range(len(y) // epoch)] for c in range(y.shape[1])
    ]
    win = int(round(0.1 * fs))
    fw = []
    for ag, ant in PAIRS:
        vals = []
        for k in range(len(y) // win):
            i_ag = env[k * win:(k + 1) * win, ag].sum()
            i_ant = env[k * win:(k + 1) * win, ant].sum()
            vals.append(float(200 * i_ant / (i_ag + i_ant)))
        fw.append(vals)
    out["files"][name] = {"epochs_mdf_mnf": epochs, "falconer_winter_100ms": fw}

with open("analyze_reference.json", "w") as f:
    json.dump(out, f)
print("wrote", len(out["files"]), "files")
