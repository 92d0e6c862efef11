#!/usr/bin/env python3
"""Writes filter_coefficients.json: SciPy's designs that tests/filter_design.rs compares against.

Run from this folder:  python3 gen_filter_coefficients.py  (needs scipy; pip install scipy)
"""
import json

import scipy
from scipy import signal

cases = []
for order, btype, wn, fs in [
    (4, "bandpass", [20, 450], 2000),
    (4, "bandpass", [20, 450], 1000),
    (4, "bandpass", [20, 112.5], 250),
    (4, "bandpass", [20, 450], 4000),
    (2, "bandpass", [10, 300], 1000),
    (3, "bandpass", [20, 200], 1000),
    (1, "lowpass", 10, 1000),
    (3, "lowpass", 6, 2000),
    (5, "highpass", 20, 2000),
    (2, "highpass", 30, 500),
    (3, "bandstop", [45, 55], 1000),
    (4, "bandstop", [48, 52], 2000),
]:
    sos = signal.butter(order, wn, btype=btype, fs=fs, output="sos")
    cases.append({"kind": "butter", "order": order, "btype": btype, "wn": wn, "fs": fs, "sos": sos.tolist()})

for f0, q, fs in [(50, 30, 2000), (60, 30, 1000), (50, 30, 250), (150, 30, 2000), (100, 10, 4000)]:
    b, a = signal.iirnotch(f0, q, fs)
    cases.append({"kind": "notch", "f0": f0, "q": q, "fs": fs, "sos": [list(b) + list(a)]})

with open("filter_coefficients.json", "w") as f:
    json.dump({"scipy_version": scipy.__version__, "cases": cases}, f, indent=1)
print(f"wrote {len(cases)} cases with scipy {scipy.__version__}")
