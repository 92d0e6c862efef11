#!/usr/bin/env python3
"""Reads an EDF+ file with pyedflib (an independent reader) and prints what it found as JSON."""
import json
import sys

import pyedflib

f = pyedflib.EdfReader(sys.argv[1])
n = f.signals_in_file
onsets, durations, texts = f.readAnnotations()
print(json.dumps({
    "labels": f.getSignalLabels(),
    "dimensions": [f.getPhysicalDimension(i) for i in range(n)],
    "rates": [f.getSampleFrequency(i) for i in range(n)],
    "physical_min": [f.getPhysicalMinimum(i) for i in range(n)],
    "physical_max": [f.getPhysicalMaximum(i) for i in range(n)],
    "signals": [f.readSignal(i).tolist() for i in range(n)],
    "annotations": [[float(o), str(t)] for o, t in zip(onsets, texts)],
    "filetype": f.filetype,
}))
f.close()
