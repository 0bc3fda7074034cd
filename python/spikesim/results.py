"""Reading a run's output folder (any run's, also one not started from Python) as pandas
objects. Lazy: a file is opened when something of it is asked for.

    res = spikesim.read("out/coba")
    res.spikes                 # DataFrame population, node_id, time_ms
    res.rates(bin=10.0)        # DataFrame: time_ms index (bin ends), one column per population, Hz
    res.state("exc", "V_m")    # DataFrame: time_ms index, one column per recorded neuron
    res.weights("exc_exc")     # DataFrame: one row per synapse: source, target, then one column per time
    res.edges                  # {projection: DataFrame source, target, weight, delay} (final weights)
    res.signals                # DataFrame: time_ms index, one column per signal
    res.trials                 # DataFrame: one row per trial of a task
    res.network                # the resolved network (dict); res.status: {file: status}
"""
import functools
import glob
import json
import os

import h5py
import numpy as np
import pandas as pd


def read(out):
    """The results in output folder `out`."""
    if not os.path.isdir(out):
        raise FileNotFoundError(f"no output folder {out}")
    return Results(out)


class Results:
    def __init__(self, out):
        self.dir = str(out)

    def __repr__(self):
        return f"spikesim.Results({self.dir!r}: {', '.join(sorted(os.path.basename(f) for f in self._files()))})"

    def _files(self):
        return [f for f in glob.glob(os.path.join(self.dir, "*.h5")) if os.path.basename(f) != "checkpoint.h5"
                and not os.path.basename(f).endswith(".tmp")]

    def _file(self, name):
        path = os.path.join(self.dir, name)
        if not os.path.exists(path):
            raise FileNotFoundError(f"{path}: not written by this run (no such monitor)")
        return h5py.File(path, "r")

    # --- what the run was -----------------------------------------------------------------
    @functools.cached_property
    def network(self):
        """The resolved network the run used (command-line overrides applied)."""
        for f in sorted(self._files()):
            with h5py.File(f, "r") as h:
                if "network" in h.attrs:
                    return json.loads(h.attrs["network"])
        path = os.path.join(self.dir, "network.json")
        if os.path.exists(path):
            with open(path) as f:
                return json.load(f)
        raise FileNotFoundError(f"{self.dir}: no output file says which network ran")

    @property
    def status(self):
        """Each file's status: running, complete, interrupted or failed."""
        out = {}
        for f in sorted(self._files()):
            with h5py.File(f, "r") as h:
                out[os.path.basename(f)] = h.attrs.get("status")
        return out

    def _sizes(self):
        sizes = {}
        pops = self.network["populations"]
        items = pops.items() if isinstance(pops, dict) else ((p["name"], p) for p in pops)
        for name, p in items:
            sizes[name] = p.get("size") or len(p.get("params", {}).get("spike_times", []))
        return sizes

    # --- spikes ---------------------------------------------------------------------------
    @functools.cached_property
    def spikes(self):
        """Every recorded spike: population, node_id (int64), time_ms; in file order (by time)."""
        spikes_file = self.network.get("output", {}).get("spikes_file", "spikes.h5")
        frames = []
        with self._file(spikes_file) as f:
            for pop in f["spikes"]:
                g = f["spikes"][pop]
                frames.append(pd.DataFrame({"population": pop, "node_id": g["node_ids"][()].astype(np.int64),
                                            "time_ms": g["timestamps"][()]}))
        if not frames:
            return pd.DataFrame({"population": [], "node_id": np.array([], np.int64), "time_ms": []})
        return pd.concat(frames, ignore_index=True)

    def rates(self, bin=10.0):
        """Population rates in Hz per bin of `bin` ms: spikes stamped in (t - bin, t] per neuron
        per second, indexed by the bin's end t (complete bins up to tstop)."""
        tstop = self.network["run"]["tstop"]
        n = int(np.floor(tstop / bin + 1e-9))
        edges = np.arange(n + 1) * bin
        sizes, s = self._sizes(), self.spikes
        out = {}
        for pop in sorted(s["population"].unique()):
            t = s.loc[s["population"] == pop, "time_ms"].to_numpy()
            k = np.ceil(t / bin - 1e-9).astype(np.int64) - 1  # (k bin, (k + 1) bin]
            counts = np.bincount(k[(k >= 0) & (k < n)], minlength=n)
            out[pop] = counts / (sizes[pop] * bin * 1e-3)
        return pd.DataFrame(out, index=pd.Index(edges[1:], name="time_ms"))

    # --- reports --------------------------------------------------------------------------
    def _report(self, path, group):
        with h5py.File(path, "r") as f:
            g = f["report"][group]
            data = g["data"][()]
            t0, _, step = g["mapping/time"][()]
            nodes = g["mapping/node_ids"][()].astype(np.int64)
            ptr = g["mapping/index_pointers"][()].astype(np.int64)
            elements = g["mapping/element_ids"][()].astype(np.int64)
        times = t0 + np.arange(data.shape[0]) * step
        return data, times, nodes, ptr, elements

    def state(self, population, variable):
        """A state monitor's samples of `variable`: time_ms index, one column per neuron."""
        for path in sorted(glob.glob(os.path.join(self.dir, f"*_{variable}.h5"))):
            with h5py.File(path, "r") as f:
                if "report" not in f or population not in f["report"]:
                    continue
            data, times, nodes, _, _ = self._report(path, population)
            return pd.DataFrame(data, index=pd.Index(times, name="time_ms"), columns=pd.Index(nodes, name="node_id"))
        raise FileNotFoundError(f"{self.dir}: no state monitor of {population}'s {variable}")

    def _edge_columns(self, f, projection):
        g = f["edges"][projection]
        return g, g["source_node_id"][()].astype(np.int64), g["target_node_id"][()].astype(np.int64)

    def weights(self, projection):
        """The weights a weights monitor recorded: one row per synapse (index: its row in the
        projection's CSR order), columns source, target, then one per time (ms)."""
        snap = glob.glob(os.path.join(self.dir, "*_snapshots.h5"))
        for path in sorted(snap):
            with h5py.File(path, "r") as f:
                if "edges" not in f or projection not in f["edges"]:
                    continue
                g, src, tgt = self._edge_columns(f, projection)
                df = pd.DataFrame({"source": src, "target": tgt})
                for k in sorted((k for k in g if k.isdigit()), key=int):
                    df[float(g[k].attrs["time"])] = g[k]["syn_weight"][()]
                df.index.name = "synapse"
                return df
        for path in sorted(glob.glob(os.path.join(self.dir, "*_weights.h5"))):
            with h5py.File(path, "r") as f:
                if "report" not in f or projection not in f["report"]:
                    continue
            data, times, nodes, ptr, elements = self._report(path, projection)
            target = np.repeat(nodes, np.diff(ptr))
            source = np.full(len(elements), -1, np.int64)
            edges = self.edges.get(projection)
            if edges is not None:
                source = edges["source"].to_numpy()[elements]
            df = pd.DataFrame({"source": source, "target": target}, index=pd.Index(elements, name="synapse"))
            for r, t in enumerate(times):
                df[float(t)] = data[r]
            return df
        raise FileNotFoundError(f"{self.dir}: no weights monitor of {projection}")

    @functools.cached_property
    def edges(self):
        """The final weights of every plastic projection (edges.h5): {projection: DataFrame
        source, target, weight, delay}, rows in CSR order."""
        name = self.network.get("output", {}).get("edges_file", "edges.h5")
        if not os.path.exists(os.path.join(self.dir, name)):
            return {}
        out = {}
        with self._file(name) as f:
            for proj in f["edges"]:
                g, src, tgt = self._edge_columns(f, proj)
                out[proj] = pd.DataFrame({"source": src, "target": tgt, "weight": g["0/syn_weight"][()],
                                          "delay": g["0/delay"][()]})
        return out

    @functools.cached_property
    def signals(self):
        """Every signals monitor's series: time_ms index, one column per signal."""
        frames = []
        for path in sorted(self._files()):
            with h5py.File(path, "r") as f:
                if "signals" not in f:
                    continue
                g = f["signals"]
                t0, _, step = g["time"][()]
                cols = {k: g[k]["data"][()] for k in g if k != "time"}
                n = len(next(iter(cols.values()))) if cols else 0
                frames.append(pd.DataFrame(cols, index=pd.Index(t0 + np.arange(n) * step, name="time_ms")))
        if not frames:
            raise FileNotFoundError(f"{self.dir}: no signals monitor")
        return pd.concat(frames, axis=1)

    @functools.cached_property
    def trials(self):
        """A task's trials (trials.csv): one row per trial."""
        path = os.path.join(self.dir, "trials.csv")
        if not os.path.exists(path):
            raise FileNotFoundError(f"{self.dir}: no task trials")
        return pd.read_csv(path)

    @functools.cached_property
    def plot(self):
        from .plot import Plot
        return Plot(self)
