#!/usr/bin/env python3
"""Exits 0 when two output folders of spikesim hold the same results: every dataset of every
.h5 file equal, element for element (floats bit for bit), and the same files. Attributes
that describe the run rather than its results (wall times, provenance) are not compared.

usage: same_outputs.py DIR_A DIR_B             the output files (checkpoint.h5 left out)
       same_outputs.py --checkpoint DIR_A DIR_B  the two checkpoint.h5 files, every array"""
import os
import sys

import h5py
import numpy as np


def datasets(path):
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out[name] = obj[()]
        f.visititems(visit)
    return out


def main(a, b, checkpoint=False):
    pick = (lambda x: x == "checkpoint.h5") if checkpoint else (lambda x: x.endswith(".h5") and x != "checkpoint.h5")
    fa = sorted(x for x in os.listdir(a) if pick(x))
    fb = sorted(x for x in os.listdir(b) if pick(x))
    if fa != fb:
        print(f"different files: {fa} vs {fb}")
        return 1
    if not fa:
        print("no .h5 files")
        return 1
    bad = 0
    compared = 0
    for name in fa:
        da, db = datasets(os.path.join(a, name)), datasets(os.path.join(b, name))
        if sorted(da) != sorted(db):
            print(f"{name}: different datasets {sorted(set(da) ^ set(db))}")
            bad += 1
            continue
        for k in sorted(da):
            x, y = np.asarray(da[k]), np.asarray(db[k])
            compared += x.size
            same = x.shape == y.shape and (x.tobytes() == y.tobytes() if x.dtype.kind != "O" else list(x.ravel()) == list(y.ravel()))
            if not same:
                print(f"{name}:{k}: differs (shapes {x.shape} vs {y.shape})")
                bad += 1
    print(f"{len(fa)} files, {compared} values compared, {bad} differences")
    return 1 if bad else 0


if __name__ == "__main__":
    if sys.argv[1] == "--checkpoint":
        sys.exit(main(sys.argv[2], sys.argv[3], checkpoint=True))
    sys.exit(main(sys.argv[1], sys.argv[2]))
