"""The spikesim binary: where it is, and what it accepts (`spikesim describe --json`)."""
import functools
import json
import os
import shutil
import subprocess

_HERE = os.path.dirname(os.path.abspath(__file__))


def binary():
    """The spikesim binary: $SPIKESIM_BINARY, else `spikesim` on PATH, else the source tree's
    build folder (python/../build/spikesim)."""
    env = os.environ.get("SPIKESIM_BINARY")
    if env:
        return env
    on_path = shutil.which("spikesim")
    if on_path:
        return on_path
    built = os.path.normpath(os.path.join(_HERE, "..", "..", "build", "spikesim"))
    if os.path.exists(built):
        return built
    raise FileNotFoundError("no spikesim binary: set SPIKESIM_BINARY, put spikesim on PATH, or build it "
                            "(cmake -S . -B build && cmake --build build)")


@functools.lru_cache(maxsize=None)
def _describe(path):
    out = subprocess.run([path, "describe", "--json"], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def describe():
    """What the binary accepts: models (parameters with defaults and units, state variables),
    rules, monitor types, connection rules, and other simulators' names (aliases)."""
    return _describe(binary())
