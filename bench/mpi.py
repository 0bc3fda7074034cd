#!/usr/bin/env python3
"""The distributed run (issue #25, docs/mpi.md): 1 and 2 MPI ranks against 1 and 2 OpenMP
threads, on the COBA network scaled to 64k and 256k neurons (in-degree 80, as bench/run.py's
scaling benchmark), in one run of this script.

Per configuration (ranks x threads per rank) and size: the whole process's wall time, the
step loop's (from the summary), the exchange time and count of rank 0, and the peak memory
of the largest process (RUSAGE_CHILDREN: per rank, where mpirun started them). Medians of
--reps runs, configurations alternated within each repeat; ratios against 1 rank x 1 thread
of the same run. Writes bench/results/mpi.md. The figures feed the cost model of
bench/NOTES.md ("Distributed runs").

usage: python3 bench/mpi.py [--sizes 64000 256000] [--tstop-ms 1000] [--reps 3] [--spikesim build/spikesim]
"""
import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
from run import coba_network  # noqa: E402  (the same scaled COBA as the scaling benchmark)

CONFIGS = [(1, 1), (1, 2), (2, 1), (2, 2)]  # (ranks, threads per rank)
MPI = ["mpirun", "--oversubscribe", "--allow-run-as-root", "--bind-to", "none", "--mca", "mpi_yield_when_idle", "1",
       "-x", "OMP_WAIT_POLICY=passive"]


def run_once(args, net_file, out, ranks, threads):
    cmd = [args.spikesim, "run", net_file, "--threads", str(threads), "-o", out, "--overwrite"]
    if ranks > 1:
        cmd = MPI[:1] + ["-np", str(ranks)] + MPI[1:] + cmd
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {p.returncode}:\n{p.stdout[-2000:]}{p.stderr[-2000:]}")
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the largest child so far (KiB)
    loop = float(re.search(r"step loop ([0-9.]+) s", p.stdout).group(1))
    m = re.search(r"communication interval (\d+) steps .*: ([0-9,]+) exchanges, ([0-9.]+) MiB sent by rank 0, ([0-9.]+) s", p.stdout)
    spikes = sum(int(x.replace(",", "")) for x in re.findall(r"^\s+(?:exc|inh)\s+[0-9,]+\s+([0-9,]+)", p.stdout, re.M))
    return {"wall": wall, "loop": loop, "rss_kib": rss if rss > before else None, "spikes": spikes,
            "interval": int(m.group(1)) if m else None, "exchanges": int(m.group(2).replace(",", "")) if m else 0,
            "mib": float(m.group(3)) if m else 0.0, "exchange_s": float(m.group(4)) if m else 0.0}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[64000, 256000])
    ap.add_argument("--tstop-ms", type=float, default=1000.0)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--spikesim", default=os.path.join(ROOT, "build", "spikesim"))
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="spikesim_mpi_")
    lines = ["# 1 and 2 MPI ranks against 1 and 2 threads (bench/mpi.py)", "",
             f"COBA scaled (in-degree 80), {args.tstop_ms:.0f} ms of model time, spikes recorded; medians of {args.reps} runs; "
             "speed-ups against 1 rank x 1 thread of this run (step loop; whole process in brackets). "
             f"Machine: {os.cpu_count()} cores.", "",
             "| neurons | ranks x threads | wall s | step loop s | speed-up loop (wall) | exchanges | s in exchanges (rank 0) | MiB sent by rank 0 | peak RSS per process MiB |",
             "|---|---|---|---|---|---|---|---|---|"]
    for n in args.sizes:
        net = coba_network("examples/coba.json", n, 80, args.tstop_ms / 1000.0)
        net_file = os.path.join(work, f"coba_{n}.json")
        json.dump(net, open(net_file, "w"))
        res = {c: [] for c in CONFIGS}
        for rep in range(args.reps):
            for c in (CONFIGS if rep % 2 == 0 else CONFIGS[::-1]):  # order alternated between repeats
                res[c].append(run_once(args, net_file, os.path.join(work, "out"), *c))
                print(n, c, rep, res[c][-1], flush=True)
        base_loop = statistics.median(r["loop"] for r in res[(1, 1)])
        base_wall = statistics.median(r["wall"] for r in res[(1, 1)])
        for c in CONFIGS:
            rs = res[c]
            loop = statistics.median(r["loop"] for r in rs)
            wall = statistics.median(r["wall"] for r in rs)
            spikes = {r["spikes"] for r in rs} | {r["spikes"] for r in res[(1, 1)]}
            same = "" if len(spikes) == 1 else " (spike counts differ!)"
            lines.append(f"| {n:,} | {c[0]} x {c[1]} | {wall:.2f} | {loop:.2f} | {base_loop / loop:.2f}x ({base_wall / wall:.2f}x){same} | "
                         f"{statistics.median(r['exchanges'] for r in rs):,.0f} | {statistics.median(r['exchange_s'] for r in rs):.3f} | "
                         f"{statistics.median(r['mib'] for r in rs):.1f} | {peak_rss(args, net_file, work, c):.0f} |")
    out = "\n".join(lines) + "\n"
    print(out)
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    open(os.path.join(ROOT, "bench", "results", "mpi.md"), "w").write(out)


def peak_rss(args, net_file, work, c):
    """Peak RSS of the largest process of one run, measured in a fresh Python child (its
    RUSAGE_CHILDREN starts at zero)."""
    code = ("import resource,subprocess,sys; subprocess.run(sys.argv[1:], capture_output=True, check=True); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    cmd = [args.spikesim, "run", net_file, "--threads", str(c[1]), "-o", os.path.join(work, "rss"), "--overwrite", "--quiet",
           "--tstop", "10"]
    if c[0] > 1:
        cmd = MPI[:1] + ["-np", str(c[0])] + MPI[1:] + cmd
    p = subprocess.run([sys.executable, "-c", code] + cmd, capture_output=True, text=True, check=True)
    return int(p.stdout.split()[-1]) / 1024.0


if __name__ == "__main__":
    main()
