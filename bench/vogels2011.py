#!/usr/bin/env python3
"""Vogels et al. 2011 with spikesim: inhibitory STDP brings the excitatory rate to rho0.

Runs examples/vogels2011.json twice, with rho0 = 3 Hz (the paper) and rho0 = 6 Hz, for
--tstop ms (default 300 s), and checks the acceptance of issue #5:
  - the excitatory rate falls from its initial value (first second, before learning);
  - its mean over the last 10 s is within 1 Hz of rho0 = 3 Hz;
  - with rho0 = 6 Hz it settles at least 1.5 Hz higher.
Prints and writes bench/results/vogels2011.{md,csv,svg}: rate over time for both runs,
wall time per biological second and peak memory (RSS) of each run. Needs python3-h5py.

usage: python3 bench/vogels2011.py [--tstop 300000] [--threads 1] [--spikesim build/spikesim]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(ROOT, "bench", "results")


def run(spikesim, net, threads):
    """Runs one network; returns (wall s, peak RSS bytes)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(net, f)
    t0 = time.perf_counter()
    p = subprocess.Popen([spikesim, "run", f.name, "--threads", str(threads), "--quiet"])
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    os.unlink(f.name)
    if status != 0:
        sys.exit(f"spikesim failed with status {status}")
    return wall, usage.ru_maxrss * 1024


def svg(path, series, tstop_s, targets):
    W, H, L, R, T, B = 860, 420, 70, 20, 40, 50
    ymax = 4 * max(targets)  # the first second (~160 Hz before learning) is cut off
    sx = lambda x: L + x / tstop_s * (W - L - R)
    sy = lambda y: T + (1 - min(y, ymax) / ymax) * (H - T - B)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
           '<rect width="100%" height="100%" fill="white"/>',
           f'<text x="{W/2}" y="22" text-anchor="middle" font-size="15">Vogels et al. 2011: excitatory rate under inhibitory STDP (learning from 1 s)</text>',
           f'<rect x="{L}" y="{T}" width="{W-L-R}" height="{H-T-B}" fill="none" stroke="black"/>']
    step = 10 if ymax > 40 else 2 if ymax > 10 else 1
    for y in np.arange(0, ymax, step):
        out.append(f'<line x1="{L}" x2="{W-R}" y1="{sy(y):.1f}" y2="{sy(y):.1f}" stroke="#ddd"/><text x="{L-6}" y="{sy(y)+4:.1f}" text-anchor="end">{y:g}</text>')
    for x in np.linspace(0, tstop_s, 7):
        out.append(f'<text x="{sx(x):.1f}" y="{H-B+18}" text-anchor="middle">{x:.0f}</text>')
    out.append(f'<text x="{(L+W-R)/2}" y="{H-12}" text-anchor="middle">time (s)</text>')
    out.append(f'<text transform="translate(18,{(T+H-B)/2}) rotate(-90)" text-anchor="middle">excitatory rate (Hz, 1 s bins; cut at {ymax:.0f} Hz)</text>')
    colors = ["#1f77b4", "#d62728"]
    for k, (label, t, r) in enumerate(series):
        pts = " ".join(f"{sx(a):.1f},{sy(b):.1f}" for a, b in zip(t, r))
        out.append(f'<polyline fill="none" stroke="{colors[k]}" stroke-width="1.5" points="{pts}"/>')
        out.append(f'<line x1="{L}" x2="{W-R}" y1="{sy(targets[k]):.1f}" y2="{sy(targets[k]):.1f}" stroke="{colors[k]}" stroke-dasharray="5,4"/>')
        out.append(f'<line x1="{W-330}" x2="{W-310}" y1="{T+20+16*k}" y2="{T+20+16*k}" stroke="{colors[k]}" stroke-width="2"/><text x="{W-304}" y="{T+24+16*k}">{label} (dashed: target; first second {r[0]:.0f} Hz)</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tstop", type=float, default=300000.0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--spikesim", default=os.path.join(ROOT, "build", "spikesim"))
    ap.add_argument("--out", default=RESULTS)
    a = ap.parse_args()
    base = json.load(open(os.path.join(ROOT, "examples", "vogels2011.json")))
    os.makedirs(a.out, exist_ok=True)
    work = os.path.join(tempfile.gettempdir(), "spikesim_vogels2011")
    rows, series, final = [], [], {}
    for rho0 in (3.0, 6.0):
        net = json.loads(json.dumps(base))
        net["run"]["tstop"] = a.tstop
        net["output"]["dir"] = os.path.join(work, f"rho{rho0:g}")
        for p in net["projections"]:
            if "plasticity" in p:
                p["plasticity"]["rho0"] = rho0
        wall, rss = run(a.spikesim, net, a.threads)
        with h5py.File(os.path.join(net["output"]["dir"], "rates.h5")) as f:
            exc = f["rates/exc/data"][:]
            bin_ms = f["rates/time"][2]
        per_s = int(round(1000.0 / bin_ms))
        rate_1s = exc[: len(exc) // per_s * per_s].reshape(-1, per_s).mean(axis=1)
        initial, last10 = float(rate_1s[0]), float(rate_1s[-10:].mean())
        final[rho0] = (initial, last10)
        series.append((f"rho0 = {rho0:g} Hz", np.arange(len(rate_1s)) + 0.5, rate_1s))
        rows.append((rho0, initial, last10, wall / (a.tstop / 1000.0), rss / 2**20))
        print(f"rho0 {rho0:g} Hz: exc rate first second {initial:.2f} Hz, last 10 s {last10:.2f} Hz; "
              f"{wall / (a.tstop / 1000.0):.3f} s wall per biological s, peak RSS {rss / 2**20:.0f} MiB", flush=True)
    checks = [
        ("rate falls from its initial value (rho0 3)", final[3.0][1] < final[3.0][0]),
        ("last 10 s within 1 Hz of rho0 = 3 Hz", abs(final[3.0][1] - 3.0) <= 1.0),
        ("rho0 = 6 Hz settles >= 1.5 Hz higher", final[6.0][1] - final[3.0][1] >= 1.5),
    ]
    with open(os.path.join(a.out, "vogels2011.csv"), "w") as f:
        f.write("t_s," + ",".join(f"exc_rate_rho0_{s[0].split()[2]}_hz" for s in series) + "\n")
        for k in range(min(len(s[2]) for s in series)):
            f.write(f"{series[0][1][k]:g}," + ",".join(f"{s[2][k]:.4f}" for s in series) + "\n")
    svg(os.path.join(a.out, "vogels2011.svg"), series, a.tstop / 1000.0, [3.0, 6.0])
    with open(os.path.join(a.out, "vogels2011.md"), "w") as f:
        f.write(f"# Vogels et al. 2011 ({a.tstop / 1000:g} s, {a.threads} thread(s))\n\n")
        f.write("| rho0 (Hz) | exc rate, first s (Hz) | exc rate, last 10 s (Hz) | wall s per bio s | peak RSS (MiB) |\n|---|---|---|---|---|\n")
        for r in rows:
            f.write(f"| {r[0]:g} | {r[1]:.2f} | {r[2]:.2f} | {r[3]:.3f} | {r[4]:.0f} |\n")
        f.write("\n")
        for name, ok in checks:
            f.write(f"- {name}: {'met' if ok else 'NOT met'}\n")
    for name, ok in checks:
        print(f"  {name}: {'met' if ok else 'NOT met'}")
    print(f"  wrote {a.out}/vogels2011.md, .csv, .svg")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
