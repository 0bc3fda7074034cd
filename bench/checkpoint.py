#!/usr/bin/env python3
"""Checkpoint cost for vogels2011 (issue #22): write time and size of checkpoint.h5.

Runs examples/vogels2011.json for --tstop ms, once without checkpoints and once with one
every --every ms, --repeats times each, alternating. Prints per run: the checkpoints written,
the size of the last (against the synapse tables: 8 bytes per synapse, plus the transposed
index of the plastic ones, 8 bytes per plastic synapse), the write time per checkpoint, and
the wall time with and without checkpoints. Medians over the repeats; ratios from the same
repeats. Writes bench/results/checkpoint.md.

usage: python3 bench/checkpoint.py [--tstop 5000] [--every 1000] [--repeats 5] [--threads 1]
                                   [--spikesim build/spikesim]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import h5py

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(args, out, every):
    cmd = [args.spikesim, "run", os.path.join(ROOT, "examples", "vogels2011.json"), "--tstop", str(args.tstop),
           "-o", out, "--overwrite", "--threads", str(args.threads)]
    if every is not None:
        cmd += ["--checkpoint-every", str(every)]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(p.stderr)
    m = re.search(r"checkpoints: (\d+) written \(last ([\d.]+) MiB\), ([\d.]+) s in all", p.stdout)
    return wall, (int(m.group(1)), float(m.group(2)), float(m.group(3))) if m else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tstop", type=float, default=5000)
    ap.add_argument("--every", type=float, default=1000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--spikesim", default=os.path.join(ROOT, "build", "spikesim"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        plain, with_ck, per_ck, size = [], [], [], []
        for _ in range(args.repeats):
            plain.append(run(args, os.path.join(tmp, "plain"), None)[0])
            wall, (n, mib, secs) = run(args, os.path.join(tmp, "ck"), args.every)
            with_ck.append(wall)
            per_ck.append(secs / n)
            size.append(mib)
        with h5py.File(os.path.join(tmp, "ck", "checkpoint.h5"), "r") as f:
            syn = int(sum(f[f"state/projs/{p}/synapses"][0] for p in f["state/projs"]))
            plastic = int(sum(f[f"state/projs/{p}/synapses"][0] for p in f["state/projs"] if f[f"state/projs/{p}/rule"][()].tobytes() != b"static"))
        n_ck = int(args.tstop // args.every) if args.tstop % args.every else int(args.tstop // args.every)
    tables = (8 * syn + 8 * plastic) / 2**20
    lines = [
        f"# Checkpoints of vogels2011 ({args.tstop:g} ms, one every {args.every:g} ms, {args.threads} thread(s), "
        f"median of {args.repeats})",
        "",
        f"- synapses {syn:,} ({plastic:,} plastic): synapse tables {tables:.1f} MiB "
        "(8 bytes per synapse, plus 8 per plastic synapse for the transposed index)",
        f"- checkpoint.h5: {statistics.median(size):.1f} MiB = {statistics.median(size) / tables:.2f} x the synapse tables",
        f"- write time per checkpoint (state, file, fsync, monitors flushed): {statistics.median(per_ck) * 1e3:.0f} ms",
        f"- run wall time: {statistics.median(plain):.2f} s without checkpoints, {statistics.median(with_ck):.2f} s with "
        f"{n_ck} (ratio {statistics.median(w / p for w, p in zip(with_ck, plain)):.3f})",
    ]
    print("\n".join(lines))
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    with open(os.path.join(ROOT, "bench", "results", "checkpoint.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
