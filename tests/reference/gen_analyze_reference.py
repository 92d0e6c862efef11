#!/usr/bin/env python3
"""Independent reference for `innervate analyze` on tests/data/real/subject1_*.wav (docs/ARCHITECTURE.md section 7).

Writes, per file, `<name>_envelope.wav` (float32 trailing RMS envelopes, one channel per input channel) and
`analyze_reference.json` (MDF/MNF per 1 s epoch per channel, Falconer & Winter per 100 ms window per pair).
Run from this folder:  python3 gen_analyze_reference.py   (needs numpy and scipy)
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


def mdf_mnf(x, fs):
    f, p = signal.welch(x, fs, window="hann", nperseg=256, noverlap=128, detrend="constant")
    band = (f >= 20) & (f <= 450)
    f, p = f[band], p[band]
    total = p.sum()
    mnf = (f * p).sum() / total
    cum = np.cumsum(p)
    k = int(np.argmax(cum >= total / 2))
    before = cum[k - 1] if k > 0 else 0.0
    df = fs / 256
    mdf = (f[k] - df) + (total / 2 - before) / p[k] * df
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
