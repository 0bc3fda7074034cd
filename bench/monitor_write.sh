#!/usr/bin/env bash
# Monitors of a distributed run: gather to rank 0 + serial HDF5 (spikesim's way) against
# parallel HDF5 (every rank writes its part), bench/monitor_write.cpp, 2 ranks, medians of 5.
# Arguments: spikes per step in all, state columns, steps (default: 256k COBA, 1000, 10000).
# Needs libhdf5-openmpi-dev besides libhdf5-dev (it switches the hdf5.pc alternative: remove
# it again before building spikesim). usage: bash bench/monitor_write.sh [SPIKES_PER_STEP STATE_COLUMNS STEPS]
set -euo pipefail
cd "$(dirname "$0")"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mpicxx -O2 -DGATHER monitor_write.cpp -I/usr/include/hdf5/serial -L/usr/lib/x86_64-linux-gnu/hdf5/serial -lhdf5 -o "$W/gather"
mpicxx -O2 -DGATHER -DEXCHANGED monitor_write.cpp -I/usr/include/hdf5/serial -L/usr/lib/x86_64-linux-gnu/hdf5/serial -lhdf5 -o "$W/exchanged"
mpicxx -O2 -DPARALLEL monitor_write.cpp -I/usr/include/hdf5/openmpi -L/usr/lib/x86_64-linux-gnu/hdf5/openmpi -lhdf5 -o "$W/parallel"
MPI=(mpirun -np 2 --oversubscribe --allow-run-as-root --bind-to none)
for i in 1 2 3 4 5; do
  g=$("${MPI[@]}" "$W/gather" "$W/g.h5" "$@")
  p=$("${MPI[@]}" "$W/parallel" "$W/p.h5" "$@")
  e=$("${MPI[@]}" "$W/exchanged" "$W/e.h5" "$@")
  echo "$g $p $e"
done | python3 -c '
import statistics, sys
rows = [list(map(float, l.split())) for l in sys.stdin]
g, p, e = (statistics.median(r[k] for r in rows) for k in range(3))
print(f"gather of spikes and state + serial HDF5: {g:.3f} s; parallel HDF5: {p:.3f} s; spikesim (state gathered, spikes "
      f"from the exchange) + serial HDF5: {e:.3f} s (medians of 5); parallel / spikesim = {p / e:.2f}")
'
