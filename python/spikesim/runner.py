"""Running a network with the spikesim binary: the file written into the output folder, the
binary's progress line streamed, its refusal (exit 2) raised as NetworkError."""
import json
import os
import subprocess
import sys
import tempfile

from ._binary import binary
from .errors import NetworkError, RunFailed
from .results import read


def _stream(cmd, progress):
    """Runs `cmd`; its progress line (carriage returns on stderr) is redrawn on our stderr."""
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    err, line = [], b""
    while True:
        c = p.stderr.read(1)
        if not c:
            break
        if c in (b"\r", b"\n"):
            text = line.decode(errors="replace")
            if text.strip().startswith(("%", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9")) and "ETA" in text:
                if progress:
                    sys.stderr.write("\r" + text)
                    sys.stderr.flush()
            elif text:
                err.append(text)
            line = b""
        else:
            line += c
    out = p.stdout.read().decode(errors="replace")
    code = p.wait()
    if progress:
        sys.stderr.write("\r" + " " * 80 + "\r")
    return code, out, "\n".join(err)


def _check(code, out, err):
    if code == 2:
        raise NetworkError.from_stderr(err)
    if code != 0:
        raise RunFailed(f"spikesim exited with {code}: {err.strip()}")


def _write_network(out, j):
    path = os.path.join(out, "network.json")
    with open(path, "w") as f:
        json.dump(j, f, indent=1)
    return path


def _invoke(cmd, options, progress, out):
    """Runs the binary with `options` ((flag, value) pairs, None values left out); the results."""
    for flag, v in options:
        if v is not None:
            cmd += [flag, str(v)]
    if not progress:
        cmd.append("--quiet")
    _check(*_stream(cmd, progress))
    return read(out)


def run(net_json, tstop=None, threads=None, device="cpu", out=None, checkpoint_every=None, save_state=None,
        progress=True, seed=None):
    j = json.loads(json.dumps(net_json))
    if seed is not None:  # in the file, so that a resume with this network gets the same connections
        j.setdefault("run", {})["seed"] = seed
    if out is None:
        out = j.get("output", {}).get("dir") or j.get("output", {}).get("output_dir") or tempfile.mkdtemp(prefix="spikesim_")
    os.makedirs(out, exist_ok=True)
    cmd = [binary(), "run", _write_network(out, j), "-o", str(out), "--overwrite", "--device", device, "--progress"]
    return _invoke(cmd, (("--tstop", tstop), ("--threads", threads), ("--checkpoint-every", checkpoint_every),
                         ("--save-state", save_state)), progress, out)


def resume(out, tstop=None, threads=None, device=None, progress=True, net_json=None):
    cmd = [binary(), "resume", str(out), "--progress"]
    if net_json is not None:  # the network as it is now (changed since the run, perhaps)
        cmd += ["--network", _write_network(out, net_json)]
    return _invoke(cmd, (("--tstop", tstop), ("--threads", threads), ("--device", device)), progress, out)
