#!/usr/bin/env python3
"""Bit-identity of every example and every protocol between two builds (before and after a
refactor that must not change any output).

usage:
  bench/identity.py run SPIKESIM OUTDIR [--quick] [--threads N]
      runs every examples/*.json (CPU; and on --device emulate with a short tstop) and every
      protocol (`spikesim protocol --list`) with SPIKESIM into OUTDIR/<case>/
  bench/identity.py compare DIR_A DIR_B
      compares every dataset and attribute of every HDF5 file and every CSV/SVG byte for
      byte; prints one line per case and exits 1 on any difference. The binary's version
      string is not compared, and the output folder in the provenance attribute "network"
      is replaced by <OUT> on both sides (it is each run's -o).

compare --renamed OLD=NEW (repeatable) reads text OLD in A's string attributes and text
files as NEW: for a change that renames something in a description or a chart label only,
so that everything else is still compared bit for bit.

--quick shortens the long examples (tstop 2000 ms) and runs the protocols with their
default settings; without it examples run at their own tstop.
"""
import argparse, hashlib, os, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SKIP_ATTRS = {"spikesim_version"}
EMULATE_TSTOP = 200.0


def cases(spikesim, quick):
    out = []
    for f in sorted(os.listdir(os.path.join(ROOT, "examples"))):
        if not f.endswith(".json"):
            continue
        name = f[:-5]
        path = os.path.join("examples", f)
        extra = ["--tstop", "2000"] if quick and name in {"vogels2011", "song2000", "category_learning", "coba_stdp"} else []
        out.append((f"example-{name}", ["run", path] + extra))
        out.append((f"emulate-{name}", ["run", path, "--device", "emulate", "--tstop", str(EMULATE_TSTOP)]))
    listing = subprocess.run([spikesim, "protocol", "--list"], capture_output=True, text=True, check=True).stdout
    for line in listing.splitlines():
        if line.strip():
            name = line.split()[0]
            out.append((f"protocol-{name}", ["protocol", name]))
    return out


def run(args):
    os.makedirs(args.outdir, exist_ok=True)
    spikesim = os.path.abspath(args.spikesim)
    for case, argv in cases(spikesim, args.quick):
        d = os.path.join(os.path.abspath(args.outdir), case)
        cmd = [spikesim] + argv + ["-o", d, "--quiet"]
        if argv[0] == "run":
            cmd += ["--overwrite", "--threads", str(args.threads)]
        env = dict(os.environ, OMP_NUM_THREADS=str(args.threads))
        t0 = time.time()
        p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
        print(f"{case:36s} rc={p.returncode} {time.time() - t0:7.1f} s", flush=True)
        if p.returncode != 0:
            print(p.stderr[-2000:])


RENAMED = []  # (old, new) pairs applied to side A's text (compare --renamed)


def renamed(text):
    for old, new in RENAMED:
        text = text.replace(old, new)
    return text


def normalise(v, root, rename):
    """The output folder (given with -o, so A's and B's differ) as <OUT> in string attributes;
    with `rename` (side A), the --renamed texts too."""
    if isinstance(v, bytes):
        v = v.decode()
    if not isinstance(v, str):
        return v
    v = v.replace(os.path.abspath(root), "<OUT>")
    return renamed(v) if rename else v


def h5_items(path, root, rename=False):
    import h5py
    import numpy as np
    items = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            for k, v in obj.attrs.items():
                if k not in SKIP_ATTRS:
                    v = normalise(v, root, rename)
                    items[f"{name}@{k}"] = repr(np.asarray(v).tolist()) if not isinstance(v, (str, bytes)) else repr(v)
            if isinstance(obj, h5py.Dataset):
                a = obj[()]
                items[name] = (str(a.dtype), a.shape, hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest())
        for k, v in f.attrs.items():
            if k not in SKIP_ATTRS:
                items[f"/@{k}"] = repr(normalise(v, root, rename))
        f.visititems(visit)
    return items


def files_of(d):
    out = {}
    for dirpath, _, names in os.walk(d):
        for n in names:
            p = os.path.join(dirpath, n)
            out[os.path.relpath(p, d)] = p
    return out


def compare(args):
    for r in args.renamed or []:
        old, _, new = r.partition("=")
        RENAMED.append((old, new))
    bad = 0
    cases_a = sorted(os.listdir(args.dir_a))
    for case in cases_a:
        fa, fb = files_of(os.path.join(args.dir_a, case)), files_of(os.path.join(args.dir_b, case))
        diffs, datasets = [], 0
        if set(fa) != set(fb):
            diffs.append(f"files differ: only in A {sorted(set(fa) - set(fb))}, only in B {sorted(set(fb) - set(fa))}")
        for rel in sorted(set(fa) & set(fb)):
            if rel.endswith(".h5"):
                ia = h5_items(fa[rel], args.dir_a, rename=True)
                ib = h5_items(fb[rel], args.dir_b)
                datasets += sum(1 for k in ia if "@" not in k)
                for k in sorted(set(ia) | set(ib)):
                    if ia.get(k) != ib.get(k):
                        diffs.append(f"{rel}:{k}")
            else:
                ta, tb = open(fa[rel], "rb").read(), open(fb[rel], "rb").read()
                if RENAMED:
                    ta = renamed(ta.decode(errors="surrogateescape")).encode(errors="surrogateescape")
                if ta != tb:
                    diffs.append(rel)
        status = "identical" if not diffs else "DIFFERENT: " + "; ".join(diffs[:6])
        print(f"{case:36s} {len(fa):3d} files {datasets:4d} datasets  {status}")
        bad += bool(diffs)
    missing = sorted(set(os.listdir(args.dir_b)) - set(cases_a))
    if missing:
        print("cases only in B:", missing)
        bad += 1
    print(f"{len(cases_a)} cases, {bad} different")
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("spikesim")
    r.add_argument("outdir")
    r.add_argument("--quick", action="store_true")
    r.add_argument("--threads", type=int, default=2)
    c = sub.add_parser("compare")
    c.add_argument("dir_a")
    c.add_argument("dir_b")
    c.add_argument("--renamed", action="append", metavar="OLD=NEW")
    a = ap.parse_args()
    sys.exit(run(a) if a.cmd == "run" else compare(a))


if __name__ == "__main__":
    main()
