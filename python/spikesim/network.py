"""Building a network file in Python: the same JSON as docs/network-file.md, one call per
population, projection, signal and monitor. Names are checked against what the binary
accepts (`spikesim describe --json`), with other simulators' names suggested, never
converted; everything else the binary checks when the network runs."""
import copy
import difflib
import json
import os

from ._binary import describe
from .errors import NetworkError
from . import runner


def _suggest(name, known, aliases):
    """A hint for an unknown name: an alias from another simulator, or a close spelling."""
    if name in aliases:
        a = aliases[name]
        if isinstance(a, dict):
            return f" (\"{name}\" is \"{a['name']}\" in spikesim: {a['note']})"
        return f" (\"{name}\" is \"{a}\" in spikesim)"
    close = difflib.get_close_matches(name, known, n=1)
    return f" (did you mean \"{close[0]}\"?)" if close else ""


class Network:
    """A network file being built. `Network(dt=0.1, seed=1, tstop=1000.0)`."""

    def __init__(self, dt=None, seed=None, tstop=None, description=None):
        self._j = {}
        if description is not None:
            self._j["description"] = description
        run = {k: v for k, v in (("tstop", tstop), ("dt", dt), ("seed", seed)) if v is not None}
        if run:
            self._j["run"] = run
        self.last_out = None  # the folder of the last run (resume continues it)
        self._last_seed = None

    # --- building -------------------------------------------------------------------------
    def population(self, name, size=None, model="lif_cond_exp", method=None, init=None, **params):
        """A population of `size` neurons of `model`; keyword arguments are its parameters
        (a model's table: `spikesim.describe()["models"]`; poisson: rate or rates/times;
        spike_generator: spike_times). A neuron parameter may be given per neuron: a list or
        numpy array of `size` values, or a distribution such as {"uniform": [0, 500]}.
        `init`: initial state, e.g. {"V_m": {"uniform": [-60, -50]}}."""
        d = describe()
        names = sorted({m["name"] for m in d["models"]})
        if model not in names:
            raise NetworkError(f"/populations/{name}/model",
                               f"unknown model \"{model}\", expected one of: {', '.join(names)}"
                               + _suggest(model, names, d["aliases"]["models"]))
        info = next(m for m in d["models"] if m["name"] == model and (method is None or m["method"] == method))
        known = [p["name"] for p in info["params"] + info.get("alternatives", [])]
        for k in params:
            if known and k not in known:
                raise NetworkError(f"/populations/{name}/params/{k}",
                                   f"unknown parameter \"{k}\" of {model}, expected one of: {', '.join(known)}"
                                   + _suggest(k, known, d["aliases"]["params"]))
        p = {}
        if size is not None:
            p["size"] = size
        p["model"] = model
        if method is not None:
            p["method"] = method
        if params:  # numpy arrays and scalars as JSON lists and numbers
            p["params"] = {k: (v.tolist() if hasattr(v, "tolist") else v) for k, v in params.items()}
        if init is not None:
            p["init"] = init
        self._j.setdefault("populations", {})[name] = p
        return self

    def connect(self, source, target, rule="all_to_all", weight=None, delay=None, receptor=None, plasticity=None,
                name=None, weights_from=None, propagation=None, **connectivity):
        """A projection from `source` to `target`: connection `rule` with its keys (p,
        indegree, outdegree, n, allow_autapses, ...), weight and delay (a value or a
        distribution), receptor "ex" or "in", plasticity (spikesim.rules.NAME(...))."""
        d = describe()
        if rule not in d["connection_rules"]:
            raise NetworkError(f"/projections/{len(self._j.get('projections', []))}/connectivity/rule",
                               f"unknown connection rule \"{rule}\", expected one of: {', '.join(d['connection_rules'])}"
                               + _suggest(rule, d["connection_rules"], d["aliases"]["connection_rules"]))
        pr = {}
        if name is not None:
            pr["name"] = name
        pr["source"] = source
        pr["target"] = target
        if receptor is not None:
            pr["receptor"] = receptor
        pr["connectivity"] = {"rule": rule, **connectivity}
        for k, v in (("weight", weight), ("delay", delay), ("plasticity", plasticity), ("weights_from", weights_from),
                     ("propagation", propagation)):
            if v is not None:
                pr[k] = v
        self._j.setdefault("projections", []).append(pr)
        return self

    def signal(self, name, type="rate_estimate", **keys):
        """A global signal ("globals"): rate_estimate {population, tau} or neuromodulator
        {tau, baseline, population, per_spike, rewards}."""
        self._j.setdefault("globals", {})[name] = {"type": type, **keys}
        return self

    def monitor(self, type, **keys):
        """A monitor: "spikes", "state", "weights", "signals", "rates" (docs/network-file.md)."""
        d = describe()
        types = [t for t in d["monitors"] if t not in ("edges", "trials")]
        if type not in types:
            raise NetworkError(f"/monitors/{len(self._j.get('monitors', []))}/type",
                               f"unknown monitor type \"{type}\", expected one of: {', '.join(types)}"
                               + _suggest(type, types, d["aliases"]["monitors"]))
        self._j.setdefault("monitors", []).append({"type": type, **keys})
        return self

    def task(self, **keys):
        """A trial-based task ("task" in docs/network-file.md)."""
        self._j["task"] = dict(keys)
        return self

    def init_from(self, path):
        """Start from a saved state or checkpoint (docs/checkpoints.md)."""
        self._j["init_from"] = str(path)
        return self

    def set(self, pointer, value):
        """Changes one value by JSON pointer, e.g. set("/populations/exc/params/I_e", 200)."""
        parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.strip("/").split("/")]
        node = self._j
        for p in parts[:-1]:
            node = node[int(p)] if isinstance(node, list) else node[p]
        last = parts[-1]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
        return self

    # --- files ----------------------------------------------------------------------------
    def to_json(self):
        """The network file as a dict (json.dump it to get the file)."""
        return copy.deepcopy(self._j)

    @classmethod
    def from_json(cls, src):
        """A network from a file path, JSON text or dict, rebuilt through the builder's calls
        (so its names are checked as a hand-built one's)."""
        if isinstance(src, (str, os.PathLike)) and os.path.exists(src):
            with open(src) as f:
                j = json.load(f)
        elif isinstance(src, str):
            j = json.loads(src)
        else:
            j = copy.deepcopy(src)
        net = cls()
        known = {"description", "run", "output", "populations", "globals", "projections", "task", "monitors", "init_from"}
        for k in j:
            if k not in known:
                raise NetworkError(f"/{k}", f"unknown key \"{k}\", expected one of: {', '.join(sorted(known))}")
        for k in ("description", "run", "output"):
            if k in j:
                net._j[k] = j[k]
        pops = j.get("populations", {})
        items = pops.items() if isinstance(pops, dict) else ((p["name"], {k: v for k, v in p.items() if k != "name"}) for p in pops)
        for name, p in items:
            p = dict(p)
            size, model, method, init = p.pop("size", None), p.pop("model", "lif_cond_exp"), p.pop("method", None), p.pop("init", None)
            params = p.pop("params", {})
            if p:
                raise NetworkError(f"/populations/{name}/{next(iter(p))}", "unknown key of a population")
            original = pops[name] if isinstance(pops, dict) else {"size": size, "model": model, "params": params}
            net.population(name, size, model, method=method, init=init, **params)
            built = net._j["populations"][name]
            if "params" in original:
                built["params"] = params
            net._j["populations"][name] = {k: built[k] for k in _order(original, built)}
        for k, s in j.get("globals", {}).items():
            net._j.setdefault("globals", {})[k] = s
        for pr in j.get("projections", []):
            pr = dict(pr)
            conn = dict(pr.pop("connectivity", {"rule": "all_to_all"}))
            rule = conn.pop("rule", "all_to_all")
            before = len(net._j.get("projections", []))
            net.connect(pr.pop("source", None), pr.pop("target", None), rule=rule, **{k: pr.pop(k) for k in list(pr)
                        if k in ("weight", "delay", "receptor", "plasticity", "name", "weights_from", "propagation")}, **conn)
            if pr:
                raise NetworkError(f"/projections/{before}/{next(iter(pr))}", "unknown key of a projection")
            net._j["projections"][before] = {k: net._j["projections"][before][k] for k in _order(j["projections"][before],
                                                                                                   net._j["projections"][before])}
        if "task" in j:
            net._j["task"] = j["task"]
        for m in j.get("monitors", []):
            m = dict(m)
            net.monitor(m.pop("type", None), **m)
        if "init_from" in j:
            net._j["init_from"] = j["init_from"]
        return net

    def save(self, path):
        with open(path, "w") as f:
            json.dump(self._j, f, indent=1)
        return path

    # --- running --------------------------------------------------------------------------
    def run(self, tstop=None, threads=None, device="cpu", out=None, checkpoint_every=None, save_state=None,
            progress=True, seed=None):
        """Runs the network with the spikesim binary; returns its Results (spikesim.read).
        `out`: the output folder (default: the file's output.dir, else out/<temporary name>).
        Raises NetworkError (with .pointer) when the binary refuses the network."""
        res = runner.run(self._j, tstop=tstop, threads=threads, device=device, out=out, checkpoint_every=checkpoint_every,
                         save_state=save_state, progress=progress, seed=seed)
        self.last_out = res.dir
        self._last_seed = seed
        return res

    def resume(self, out=None, tstop=None, threads=None, device=None, progress=True):
        """Continues the run in `out` (default: this network's last run) from its checkpoint,
        to `tstop`, with the network as it is now: run(); change(); resume() as in Brian2 or
        NEST, time and state going on. A change must keep the checkpoint's arrays fitting
        (sizes, connections, rules, monitors); parameters, rates, plasticity's parameters may
        change. run(..., checkpoint_every=0) writes the checkpoint at the end (docs/checkpoints.md)."""
        out = out or self.last_out
        if out is None:
            raise ValueError("no run to resume: run(..., checkpoint_every=MS) first, or give out=")
        j = self.to_json()
        if self._last_seed is not None:
            j.setdefault("run", {})["seed"] = self._last_seed
        return runner.resume(out, tstop=tstop, threads=threads, device=device, progress=progress, net_json=j)


def _order(original, built):
    """The keys of `built` in the order `original` gave them (then any others)."""
    return [k for k in original if k in built] + [k for k in built if k not in original]
