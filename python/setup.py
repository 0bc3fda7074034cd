# Installable offline with the setuptools Debian ships (python3-setuptools): no build isolation
# is needed, so `pip install ./python` works without network access (in a venv; Debian's own
# python3 refuses pip outside one, PEP 668). Dependencies come from Debian (README).
from setuptools import setup

setup(
    name="spikesim",
    version="0.1.0",
    description="Build, run and read spikesim networks from Python (the spikesim binary runs them)",
    packages=["spikesim"],
    python_requires=">=3.9",
)
