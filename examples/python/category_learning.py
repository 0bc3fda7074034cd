#!/usr/bin/env python3
"""The category_learning protocol's plot, in Python: examples/category_learning.json run for
5 seeds with its plasticity and 5 with plasticity switched off ("start" after the run's
end), the accuracy per block of 10 trials, mean over seeds, against chance.

    python3 examples/python/category_learning.py [OUT.png]

(`spikesim protocol category_learning` draws the same curves as SVG; this script shows how
the pieces look from Python: Network.from_json, set, run, res.trials.)
"""
import os
import sys
import tempfile

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
import spikesim  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
NET = os.path.join(ROOT, "examples", "category_learning.json")
BLOCK = 10


def accuracy_curve(plastic, seed, out):
    net = spikesim.Network.from_json(NET)
    if not plastic:  # plasticity switched off: learning starts after the run
        tstop = net.to_json()["run"]["tstop"]
        for i, pr in enumerate(net.to_json()["projections"]):
            if "plasticity" in pr:
                net.set(f"/projections/{i}/plasticity/start", tstop + 1.0)
    res = net.run(seed=seed, out=out, progress=False)
    t = res.trials
    return t["correct"].astype(float).groupby(np.arange(len(t)) // BLOCK).mean().to_numpy()


def main():
    png = sys.argv[1] if len(sys.argv) > 1 else "category_learning.png"
    with tempfile.TemporaryDirectory() as tmp:
        curves = {p: [accuracy_curve(p, s, os.path.join(tmp, f"{p}_{s}")) for s in range(1, 6)] for p in (True, False)}
    x = (np.arange(len(curves[True][0])) + 0.5) * BLOCK
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 3.8))
    a.plot(x, np.mean(curves[True], axis=0), "o-", label="with plasticity")
    a.plot(x, np.mean(curves[False], axis=0), "o-", label="plasticity switched off")
    a.axhline(0.5, color="gray", ls="--", label="chance")
    a.set_title("mean over 5 seeds")
    for s, c in enumerate(curves[True], start=1):
        b.plot(x, c, label=f"seed {s}")
    b.axhline(0.5, color="gray", ls="--")
    b.set_title("each seed, with plasticity")
    for ax in (a, b):
        ax.set_xlabel("trial")
        ax.set_ylabel(f"accuracy per block of {BLOCK} trials")
        ax.set_ylim(0, 1.05)
        ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(png, dpi=90)
    last = np.mean([c[-5:].mean() for c in curves[True]])
    print(f"last 50 trials, mean over seeds: {last:.3f}; written {png}")


if __name__ == "__main__":
    main()
