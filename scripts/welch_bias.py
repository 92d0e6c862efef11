#!/usr/bin/env python3
"""The Welch MDF/MNF estimator's own bias on stationary noise with the simulated board's spectrum.

docs/VALIDATION.md explains the spectral biases with this: Gaussian noise shaped exactly as the simulated board
shapes it (one-pole high-pass at 30 Hz x scale, two one-pole low-passes at 120 Hz x scale; src/source/simulator.rs),
through the chain's 4th-order Butterworth 20-450 Hz band-pass and 50 Hz notch (Q 30), cut into 1 s epochs; each
epoch's MDF/MNF by the definition in src/dsp/spectrum.rs, against the true spectrum's on a 0.05 Hz grid.

    PYTHONPATH="$(scripts/python-env.sh)" python3 scripts/welch_bias.py [--scale 0.85] [--seconds 3000]

scale 0.85 is a working muscle's spectrum halfway through a set (MDF about 73 Hz).
"""
import argparse

import numpy as np
from scipy import signal

FS = 2000.0


def shaped_noise(rng, n, scale):
    hp = np.exp(-2 * np.pi * 30 * scale / FS)
    lp = np.exp(-2 * np.pi * 120 * scale / FS)
    y = signal.lfilter([hp, -hp], [1, -hp], rng.standard_normal(n))
    for _ in range(2):
        y = signal.lfilter([1 - lp], [1, -lp], y)
    return y, hp, lp


def true_frequencies(hp, lp, sos, notch):
    f = np.arange(20, 450.0001, 0.05)
    w = 2 * np.pi * f / FS
    c, s = np.cos(w), np.sin(w)
    shape = hp * hp * ((1 - c) ** 2 + s * s) / ((1 - hp * c) ** 2 + (hp * s) ** 2)
    shape *= ((1 - lp) ** 2 / ((1 - lp * c) ** 2 + (lp * s) ** 2)) ** 2
    _, h_bp = signal.sosfreqz(sos, worN=f, fs=FS)
    _, h_n = signal.freqz(*notch, worN=f, fs=FS)
    p = shape * np.abs(h_bp) ** 2 * np.abs(h_n) ** 2
    cum = np.cumsum(p)
    return f[np.searchsorted(cum, cum[-1] / 2)], (f * p).sum() / p.sum()


def band_frequencies(p, df, low=20.0, high=450.0):
    """Per row of p: MDF and MNF with each bin spread over its width, counted in proportion inside the band."""
    k = np.arange(p.shape[-1]) * df
    a, b = np.clip(k - df / 2, low, high), np.clip(k + df / 2, low, high)
    keep = b > a
    a, b = a[keep], b[keep]
    p = p[:, keep] * (b - a) / df
    total = p.sum(1)
    mnf = (p * (a + b) / 2).sum(1) / total
    cum = np.cumsum(p, 1)
    i = (cum < total[:, None] / 2).sum(1)
    rows = np.arange(len(i))
    before = np.where(i > 0, cum[rows, np.maximum(i - 1, 0)], 0.0)
    mdf = a[i] + (total / 2 - before) / p[rows, i] * (b[i] - a[i])
    return mdf, mnf


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=0.85)
    ap.add_argument("--seconds", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=2)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    y, hp, lp = shaped_noise(rng, int(FS * (args.seconds + 10)), args.scale)
    sos = signal.butter(4, [20, 450], btype="band", fs=FS, output="sos")
    notch = signal.iirnotch(50, 30, fs=FS)
    z = signal.lfilter(*notch, signal.sosfilt(sos, y))
    epochs = z[int(FS) * 10:].reshape(-1, int(FS))
    mdf_t, mnf_t = true_frequencies(hp, lp, sos, notch)
    print(f"truth: MDF {mdf_t:.2f} Hz, MNF {mnf_t:.2f} Hz; {len(epochs)} epochs")
    for n in (256, 512):
        _, p = signal.welch(epochs, FS, window="hann", nperseg=n, noverlap=n // 2, detrend="constant", axis=-1)
        mdf, mnf = band_frequencies(p, FS / n)
        se = np.sqrt(len(mdf))
        print(f"segment {n}: MDF bias {mdf.mean() - mdf_t:+.2f} +- {mdf.std() / se:.2f} Hz, "
              f"MNF bias {mnf.mean() - mnf_t:+.2f} +- {mnf.std() / se:.2f} Hz")


if __name__ == "__main__":
    main()
