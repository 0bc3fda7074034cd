"""Plasticity rules by name: `spikesim.rules.stdp(A_plus=0.01, ...)` gives the projection's
"plasticity" object {"rule": "stdp", ...}. The names and keys (with defaults) come from the
binary (`spikesim describe --json`, "rules"); values are checked by it when the network runs
(docs/plasticity.md explains them)."""
import difflib

from ._binary import describe
from .errors import NetworkError


def names():
    return [r["name"] for r in describe()["rules"]]


def rule(name, **params):
    """The "plasticity" object of rule `name` with `params`."""
    known = names()
    if name not in known:
        close = difflib.get_close_matches(name, known, n=1)
        raise NetworkError("", f"unknown plasticity rule \"{name}\", expected one of: {', '.join(known)}"
                           + (f" (did you mean \"{close[0]}\"?)" if close else ""))
    info = next(r for r in describe()["rules"] if r["name"] == name)
    keys = [k["name"] for k in info.get("keys", [])]
    for k in params:
        if info.get("keys_complete") and k not in keys:
            close = difflib.get_close_matches(k, keys, n=1)
            raise NetworkError("", f"unknown key \"{k}\" of rule {name}, expected one of: {', '.join(keys)}"
                               + (f" (did you mean \"{close[0]}\"?)" if close else ""))
    return {"rule": name, **params}


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    if name not in names():
        rule(name)  # raises with the list and a suggestion

    def make(**params):
        return rule(name, **params)

    make.__name__ = name
    make.__doc__ = next(r["summary"] for r in describe()["rules"] if r["name"] == name)
    return make
