"""Spectrogram of an `--audio-to` render as a small PNG (via a PPM and ImageMagick's convert).

Usage: PYTHONPATH="$(scripts/python-env.sh)" python3 scripts/cue_spectrogram.py CUES.wav OUT.png
Time runs left to right, frequency (0-2.5 kHz) bottom to top, loudness as brightness (dB, 60 dB range).
"""
import subprocess
import sys
import tempfile

import numpy as np
from scipy.io import wavfile
from scipy.signal import spectrogram

src, out = sys.argv[1], sys.argv[2]
rate, x = wavfile.read(src)
x = x.astype(np.float64) / 32768.0
f, t, s = spectrogram(x, fs=rate, nperseg=2048, noverlap=2048 - 480, window="hann")
keep = f <= 2500.0
db = 10.0 * np.log10(s[keep] + 1e-12)
db = np.clip((db - (db.max() - 60.0)) / 60.0, 0.0, 1.0)
img = db[::-1]  # low frequencies at the bottom
# A simple "hot" palette: black -> red -> yellow -> white.
r = np.clip(3.0 * img, 0, 1)
g = np.clip(3.0 * img - 1.0, 0, 1)
b = np.clip(3.0 * img - 2.0, 0, 1)
rgb = (np.stack([r, g, b], axis=-1) * 255).astype(np.uint8)
h, w, _ = rgb.shape
with tempfile.NamedTemporaryFile(suffix=".ppm") as ppm:
    ppm.write(f"P6 {w} {h} 255\n".encode())
    ppm.write(rgb.tobytes())
    ppm.flush()
    subprocess.run(
        ["convert", ppm.name, "-resize", "1000x300!", "-colors", "48",
         "-gravity", "south", "-background", "white", "-splice", "0x22",
         "-pointsize", "14", "-annotate", "+0+3",
         f"0-{t[-1]:.0f} s, 0-2.5 kHz: tone per rep, ticks, chimes, warning buzz", out],
        check=True,
    )
print(f"wrote {out} ({w} x {h} bins)")
