#!/usr/bin/env python3
"""The COBA benchmark network in Brian2 (cpp_standalone), the same model and parameters as
examples/coba.json (and, with --stdp, examples/coba_stdp.json).

Generates and compiles the standalone project in BUILD_DIR without running it; bench/run.py
then runs BUILD_DIR/main itself (timing it, measuring its memory) and reads Brian2's own timing
of the simulation loop from results/last_run_info.txt, so code generation and compilation are
excluded. Prints one JSON line: dir, binary, neurons.

usage: brian2_coba.py --n N --t SECONDS --threads K [--k 80] [--stdp] [--method M] [--float32] --dir BUILD_DIR

--method: Brian2's integration method (default exponential_euler, spikesim's; "default"
lets Brian2 choose, which is euler for this model); --float32: default_float_dtype float32.
"""
import argparse, json, os, sys

ap = argparse.ArgumentParser()
ap.add_argument("--n", type=int, default=4000)
ap.add_argument("--t", type=float, default=1.0)
ap.add_argument("--threads", type=int, default=1)
ap.add_argument("--k", type=float, default=80.0, help="mean in-degree per source population: p = k/n")
ap.add_argument("--stdp", action="store_true")
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--method", default="exponential_euler")
ap.add_argument("--float32", action="store_true")
ap.add_argument("--dir", required=True)
a = ap.parse_args()

import brian2 as b
from brian2 import ms, mV, nS, pF, second

b.set_device("cpp_standalone", directory=a.dir, build_on_run=False)
b.prefs.devices.cpp_standalone.openmp_threads = a.threads if a.threads > 1 else 0  # 0: no OpenMP
b.prefs.core.default_float_dtype = b.float32 if a.float32 else b.float64
b.defaultclock.dt = 0.1 * ms
b.seed(a.seed)

# Parameters of examples/coba.json (Brette et al. 2007 benchmark 1).
taue, taui = 5 * ms, 10 * ms
Vt, Vr, El, Ee, Ei = -50 * mV, -60 * mV, -60 * mV, 0 * mV, -80 * mV
gl, Cm = 10 * nS, 200 * pF
we, wi = 6 * nS, 67 * nS
p = a.k / a.n
eqs = """
dv/dt = (gl*(El - v) + ge*(Ee - v) + gi*(Ei - v)) / Cm : volt (unless refractory)
dge/dt = -ge/taue : siemens
dgi/dt = -gi/taui : siemens
"""
P = b.NeuronGroup(a.n, eqs, threshold="v > Vt", reset="v = Vr", refractory=5 * ms,
                  **({} if a.method == "default" else {"method": a.method}))
P.v = "El + (randn()*5 - 5)*mV"
P.ge = "(randn()*15 + 40)*nS"
P.gi = "(randn()*120 + 200)*nS"
ne = a.n * 4 // 5
Pe, Pi = P[:ne], P[ne:]
if a.stdp:
    # Pair STDP on E->E as in examples/coba_stdp.json: all-to-all traces, hard bounds.
    taupre = taupost = 20 * ms
    wmax = 12 * nS
    dApre = 0.06 * nS
    dApost = -1.05 * dApre
    Cee = b.Synapses(Pe, Pe, """w : siemens
                               dApre/dt = -Apre/taupre : siemens (event-driven)
                               dApost/dt = -Apost/taupost : siemens (event-driven)""",
                     on_pre="""ge_post += w
                               Apre += dApre
                               w = clip(w + Apost, 0*nS, wmax)""",
                     on_post="""Apost += dApost
                                w = clip(w + Apre, 0*nS, wmax)""")
    Cee.connect(p=p)
    Cee.w = we
    Cei = b.Synapses(Pe, Pi, on_pre="ge_post += we")
    Cei.connect(p=p)
    exc = [Cee, Cei]
else:
    Ce = b.Synapses(Pe, P, on_pre="ge_post += we")
    Ce.connect(p=p)
    exc = [Ce]
Ci = b.Synapses(Pi, P, on_pre="gi_post += wi")
Ci.connect(p=p)
M = b.SpikeMonitor(P)
b.run(a.t * second)
b.device.build(directory=a.dir, compile=True, run=False, debug=False)
print(json.dumps({"dir": os.path.abspath(a.dir), "binary": os.path.abspath(os.path.join(a.dir, "main")),
                  "neurons": a.n}))
