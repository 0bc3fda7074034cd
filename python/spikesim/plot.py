"""Plots of a run's results with matplotlib (headless: the Agg backend where no display is
set). Each returns the matplotlib Axes it drew on; `ax=` draws on a given one.

    res.plot.raster(); res.plot.rates(bin=10); res.plot.state("exc", "V_m")
    res.plot.weights("exc_exc"); res.plot.trials(block=10)
"""
import os

import matplotlib

if not os.environ.get("DISPLAY") and not os.environ.get("MPLBACKEND"):
    matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def _axes(ax, n=1, **kw):
    if ax is not None:
        return ax
    fig, axes = plt.subplots(1, n, figsize=(6 * n, 3.5), **kw)
    return axes


class Plot:
    def __init__(self, res):
        self._res = res

    def raster(self, populations=None, ax=None, max_spikes=200000):
        """Spike raster: one colour per population, neurons stacked population after population."""
        s = self._res.spikes
        ax = _axes(ax)
        offset = 0
        sizes = self._res._sizes()
        for pop in (populations or list(dict.fromkeys(s["population"]))):
            d = s[s["population"] == pop]
            if len(d) > max_spikes:
                d = d.iloc[:max_spikes]
            ax.plot(d["time_ms"], d["node_id"] + offset, ".", ms=1, label=pop)
            offset += sizes.get(pop, int(d["node_id"].max() + 1) if len(d) else 0)
        ax.set_xlabel("time (ms)")
        ax.set_ylabel("neuron")
        ax.legend(loc="upper right", markerscale=8, fontsize="small")
        return ax

    def rates(self, bin=10.0, ax=None):
        """Population rates (Hz) per bin."""
        r = self._res.rates(bin=bin)
        ax = _axes(ax)
        for pop in r.columns:
            ax.plot(r.index, r[pop], label=pop)
        ax.set_xlabel("time (ms)")
        ax.set_ylabel(f"rate (Hz, bins of {bin:g} ms)")
        ax.legend(fontsize="small")
        return ax

    def state(self, population, variable, neurons=None, ax=None):
        """A state variable over time for some recorded neurons (default: the first 5)."""
        df = self._res.state(population, variable)
        ax = _axes(ax)
        cols = neurons if neurons is not None else list(df.columns[:5])
        for c in cols:
            ax.plot(df.index, df[c], lw=0.8, label=f"{population} {c}")
        ax.set_xlabel("time (ms)")
        ax.set_ylabel(variable)
        ax.legend(fontsize="small")
        return ax

    def weights(self, projection, ax=None):
        """Two panels: the histogram of the last recorded weights (and the first), and the
        mean weight over time with its 10-90% band."""
        w = self._res.weights(projection)
        times = [c for c in w.columns if c not in ("source", "target")]
        axes = _axes(ax, 2) if ax is None else ax
        a, b = axes
        bins = np.histogram_bin_edges(np.concatenate([w[times[0]], w[times[-1]]]), bins=50)
        if len(times) > 1:
            a.hist(w[times[0]], bins=bins, alpha=0.5, label=f"t = {times[0]:g} ms")
        a.hist(w[times[-1]], bins=bins, alpha=0.7, label=f"t = {times[-1]:g} ms")
        a.set_xlabel("weight")
        a.set_ylabel("synapses")
        a.legend(fontsize="small")
        m = np.array([w[t].mean() for t in times])
        lo = np.array([w[t].quantile(0.1) for t in times])
        hi = np.array([w[t].quantile(0.9) for t in times])
        b.fill_between(times, lo, hi, alpha=0.3, label="10-90%")
        b.plot(times, m, label="mean")
        b.set_xlabel("time (ms)")
        b.set_ylabel(f"{projection} weight")
        b.legend(fontsize="small")
        return axes

    def trials(self, block=10, ax=None):
        """A task's accuracy per block of trials, against chance."""
        t = self._res.trials
        ax = _axes(ax)
        acc = t["correct"].astype(float).groupby(np.arange(len(t)) // block).mean()
        x = (acc.index.to_numpy() + 0.5) * block
        ax.plot(x, acc.to_numpy(), "o-", label="accuracy")
        actions = self._res.network.get("task", {}).get("decision", {}).get("actions", {})
        if actions:
            ax.axhline(1.0 / len(actions), color="gray", ls="--", label="chance")
        ax.set_ylim(0, 1.05)
        ax.set_xlabel("trial")
        ax.set_ylabel(f"accuracy per {block} trials")
        ax.legend(fontsize="small")
        return ax
