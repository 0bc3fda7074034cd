#!/usr/bin/env python3
"""The Vogels et al. 2011 network in Brian2 (cpp_standalone): the same model and parameters
as examples/vogels2011.json (Brian2's own example, with spikesim's initial state and
integration method).

Like brian2_coba.py it generates and compiles the standalone project in BUILD_DIR without
running it and prints one JSON line: dir, binary, neurons. Learning starts at 1 s within one
run (eta multiplied by t > 1 s), so results/last_run_info.txt times the whole loop.

usage: brian2_vogels.py --n N --t SECONDS --threads K [--k 200] [--method M] [--float32] --dir BUILD_DIR
(--method default: Brian2 chooses; --float32: default_float_dtype float32)
"""
import argparse, json, os

ap = argparse.ArgumentParser()
ap.add_argument("--n", type=int, default=10000)
ap.add_argument("--t", type=float, default=10.0)
ap.add_argument("--threads", type=int, default=1)
ap.add_argument("--k", type=float, default=200.0, help="mean in-degree per 100% of the network: p = k/n")
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--method", default="exponential_euler")
ap.add_argument("--float32", action="store_true")
ap.add_argument("--dir", required=True)
a = ap.parse_args()

import brian2 as b
from brian2 import ms, mV, nS, pF, pA, Hz, second

b.set_device("cpp_standalone", directory=a.dir, build_on_run=False)
b.prefs.devices.cpp_standalone.openmp_threads = a.threads if a.threads > 1 else 0
b.prefs.core.default_float_dtype = b.float32 if a.float32 else b.float64
b.defaultclock.dt = 0.1 * ms
b.seed(a.seed)

# Parameters of examples/vogels2011.json (docs/plasticity.md section 3).
gl, el, er, vt, memc, bgcurrent = 10 * nS, -60 * mV, -80 * mV, -50 * mV, 200 * pF, 200 * pA
tau_ampa, tau_gaba, tau_stdp = 5 * ms, 10 * ms, 20 * ms
eta, rho0, gmax = 1e-2, 3 * Hz, 100
alpha = 2 * rho0 * tau_stdp
p = a.k / a.n
ne = a.n * 4 // 5
eqs = """
dv/dt = (-gl*(v - el) - (g_ampa*v + g_gaba*(v - er)) + bgcurrent)/memc : volt (unless refractory)
dg_ampa/dt = -g_ampa/tau_ampa : siemens
dg_gaba/dt = -g_gaba/tau_gaba : siemens
"""
P = b.NeuronGroup(a.n, eqs, threshold="v > vt", reset="v = el", refractory=5 * ms,
                  **({} if a.method == "default" else {"method": a.method}))
P.v = "el + rand()*(vt - el)"
Pe, Pi = P[:ne], P[ne:]
con_e = b.Synapses(Pe, P, on_pre="g_ampa += 0.3*nS")
con_e.connect(p=p)
con_ii = b.Synapses(Pi, Pi, on_pre="g_gaba += 3*nS")
con_ii.connect(p=p)
con_ie = b.Synapses(Pi, Pe, """w : 1
                               dApre/dt = -Apre/tau_stdp : 1 (event-driven)
                               dApost/dt = -Apost/tau_stdp : 1 (event-driven)""",
                    on_pre="""g_gaba += w*nS
                              Apre += 1.
                              w = clip(w + (Apost - alpha)*eta*int(t >= 1*second), 0, gmax)""",
                    on_post="""Apost += 1.
                               w = clip(w + Apre*eta*int(t >= 1*second), 0, gmax)""")
con_ie.connect(p=p)
con_ie.w = 0
M = b.SpikeMonitor(P)
b.run(a.t * second)
b.device.build(directory=a.dir, compile=True, run=False, debug=False)
print(json.dumps({"dir": os.path.abspath(a.dir), "binary": os.path.abspath(os.path.join(a.dir, "main")),
                  "neurons": a.n}))
