#!/usr/bin/env python3
"""Wall time of two spikesim builds on the same runs, alternated, medians of --reps (for a
refactor that must not slow anything down: the ratio B/A per case).

usage: bench/ab_speed.py SPIKESIM_A SPIKESIM_B [--reps 5] [--threads 1]

Cases: COBA 4000 (1 s), coba_stdp (1 s), vogels2011 (2 s), each on the CPU; COBA and
coba_stdp for 200 ms on --device emulate. The time is the step loop as the binary's summary
prints it ("step loop X s"), so file opening and network construction do not blur it.
"""
import argparse, os, re, statistics, subprocess, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CASES = [
    ("coba cpu", ["examples/coba.json", "--tstop", "1000"]),
    ("coba_stdp cpu", ["examples/coba_stdp.json", "--tstop", "1000"]),
    ("vogels2011 cpu", ["examples/vogels2011.json", "--tstop", "2000"]),
    ("coba emulate", ["examples/coba.json", "--tstop", "200", "--device", "emulate"]),
    ("coba_stdp emulate", ["examples/coba_stdp.json", "--tstop", "200", "--device", "emulate"]),
]


def loop_s(binary, argv, threads):
    out = tempfile.mkdtemp(prefix="ab_speed_")
    p = subprocess.run([os.path.abspath(binary), "run"] + argv + ["-o", out, "--overwrite", "--threads", str(threads)],
                       cwd=ROOT, capture_output=True, text=True, check=True)
    return float(re.search(r"step loop ([0-9.]+) s", p.stdout).group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    print(f"{'case':20s} {'A loop s':>9s} {'B loop s':>9s} {'B/A':>6s}   (medians of {args.reps}, alternated)")
    for name, argv in CASES:
        ta, tb = [], []
        for _ in range(args.reps):
            ta.append(loop_s(args.a, argv, args.threads))
            tb.append(loop_s(args.b, argv, args.threads))
        ma, mb = statistics.median(ta), statistics.median(tb)
        print(f"{name:20s} {ma:9.3f} {mb:9.3f} {mb / ma:6.3f}", flush=True)


if __name__ == "__main__":
    main()
