"""The tests run the source tree's package against the build folder's binary (or
$SPIKESIM_BINARY), headless."""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "python"))
os.environ.setdefault("SPIKESIM_BINARY", os.path.join(ROOT, "build", "spikesim"))
os.environ.setdefault("MPLBACKEND", "Agg")
