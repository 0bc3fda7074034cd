"""spikesim from Python: build networks, run them with the spikesim binary, read the results.

    import spikesim
    net = spikesim.Network(dt=0.1, seed=1, tstop=1000)
    net.population("exc", 3200, "lif_cond_exp", C_m=200.0)
    net.connect("exc", "exc", rule="pairwise_bernoulli", p=0.02, weight=0.4, delay=0.8)
    net.monitor("spikes")
    res = net.run()
    res.spikes            # DataFrame: population, node_id, time_ms

Names, defaults and units come from the binary (`spikesim describe --json`); checks are the
binary's (a bad network raises NetworkError with the JSON pointer). docs/python.md.
"""
from ._binary import binary, describe
from .errors import NetworkError, RunFailed
from .network import Network
from .results import Results, read
from . import rules

__all__ = ["Network", "NetworkError", "RunFailed", "Results", "read", "rules", "describe", "binary"]
__version__ = "0.1.0"
