#!/usr/bin/env bash
# The distributed run against one process (docs/mpi.md): the same output files, value for
# value, for 1 and 2 ranks (and 1 and 2 threads per rank for the task); refusals with exit
# code 2. usage: tests/mpi/run.sh SPIKESIM [PYTHON]   (ctest runs it when CMake found MPI)
set -euo pipefail
BIN=$(readlink -f "$1")
PY=${2:-/usr/bin/python3}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# Two ranks on a CI machine of 2 cores: with two threads each the cores are oversubscribed,
# and threads that spin while they wait (OpenMP barriers, MPI polling) starve the others.
MPIOPT=(--oversubscribe --allow-run-as-root --bind-to none --mca mpi_yield_when_idle 1 -x OMP_WAIT_POLICY=passive)
MPIRUN=(mpirun -np 2 "${MPIOPT[@]}")
fails=0

# NAME EXAMPLE TSTOP_MS [extra JSON merged into the network]
make_net() {
  "$PY" - "$ROOT/examples/$2.json" "$WORK/$1.json" "$3" "$WORK/out_$1" "${4:-{\}}" <<'PYEOF'
import json, sys
src, dst, tstop, out, extra = sys.argv[1:6]
d = json.load(open(src))
d["run"]["tstop"] = float(tstop)
d["output"] = {"dir": out, "overwrite": True}
for k, v in json.loads(extra).items():
    if k == "monitors": d["monitors"] += v
    elif k == "task": d["task"].update(v)
    elif k == "projections": d["projections"] += v
    else: d[k] = v
json.dump(d, open(dst, "w"))
PYEOF
}

# NAME RANKS THREADS: runs the network NAME into out_NAME_rRtT
run_as() {
  local name=$1 r=$2 t=$3 out="$WORK/out_$1_r$2t$3"
  local cmd=("$BIN" run "$WORK/$name.json" --threads "$t" --quiet --output "$out")
  if [ "$r" -gt 1 ]; then cmd=("${MPIRUN[@]}" "${cmd[@]}"); fi
  "${cmd[@]}"
}

same() {  # NAME A B
  if "$PY" "$HERE/same_outputs.py" "$WORK/out_$1_$2" "$WORK/out_$1_$3"; then echo "ok: $1 $2 = $3"
  else echo "FAIL: $1 $2 != $3"; fails=$((fails + 1)); fi
}

make_net coba coba 1000 '{"monitors": [{"type": "state", "population": "inh", "variables": ["V_m", "g_ex"], "neurons": [0, 399, 400, 799], "dt": 1.0}]}'
make_net coba_stdp coba_stdp 1000 '{"monitors": [{"type": "weights", "projection": "exc_exc", "synapses": {"sample": 200}, "dt": 100.0}]}'
make_net vogels2011 vogels2011 3000
# Delays that differ within a projection and span several steps, a fixed in-degree, and
# every synapse of that projection recorded (the view's merge by (delay, target)).
make_net delays coba 500 '{"projections": [{"name": "exc_inh_slow", "source": "exc", "target": "inh", "receptor": "ex",
  "connectivity": {"rule": "fixed_indegree", "indegree": 30}, "weight": {"uniform": [1, 4]}, "delay": {"uniform": [0.1, 3.0]}}],
  "monitors": [{"type": "weights", "projection": "exc_inh_slow", "synapses": "all", "dt": 100.0}]}'
# Delays of 0.5 to 2 ms: a communication interval of 5 steps, cut short where the state
# monitor samples (every 3 steps).
make_net brunel brunel 1000 '{"monitors": [{"type": "state", "population": "exc", "variables": ["V_m"], "neurons": [0, 399, 400, 799], "dt": 0.3}]}'
make_net task category_learning 10000 '{"task": {"trials": 10}, "monitors": [
  {"type": "weights", "projection": "cortex_left", "synapses": {"sample": 50}, "dt": 500.0},
  {"type": "state", "population": "left", "variables": ["V_m"], "neurons": "all", "dt": 5.0},
  {"type": "spikes", "populations": ["cortex", "left", "right"]},
  {"type": "signals", "signals": ["DA"], "dt": 0.5}]}'

for n in coba coba_stdp vogels2011 delays; do
  run_as $n 1 1
  run_as $n 2 1
  same $n r1t1 r2t1
done
run_as brunel 1 1
run_as brunel 2 1
same brunel r1t1 r2t1
mpirun -np 3 "${MPIOPT[@]}" "$BIN" run "$WORK/brunel.json" --threads 1 --quiet --output "$WORK/out_brunel_r3t1"
same brunel r1t1 r3t1
run_as task 1 1
for rt in "1 2" "2 1" "2 2"; do
  set -- $rt
  run_as task "$1" "$2"
  same task r1t1 "r$1t$2"
done
cmp "$WORK/out_task_r1t1/trials.csv" "$WORK/out_task_r2t2/trials.csv" && echo "ok: task trials.csv r1t1 = r2t2" || { echo "FAIL: trials.csv"; fails=$((fails + 1)); }

# Checkpoints (docs/mpi.md): R ranks save the whole network, the same arrays as one process;
# a checkpoint of R ranks resumes on another R and ends as the run that never stopped.
# NAME HALF_MS FULL_MS RANKS_A RANKS_B
ckpt() {
  local name=$1 half=$2 full=$3 ra=$4 rb=$5 dir="$WORK/out_$1_ck$4to$5"
  local a=("$BIN" run "$WORK/$name.json" --threads 1 --quiet --output "$dir" --tstop "$half" --checkpoint-every 0)
  local b=("$BIN" resume "$dir" --tstop "$full" --threads 1 --quiet)
  if [ "$ra" -gt 1 ]; then a=(mpirun -np "$ra" "${MPIOPT[@]}" "${a[@]}"); fi
  if [ "$rb" -gt 1 ]; then b=(mpirun -np "$rb" "${MPIOPT[@]}" "${b[@]}"); fi
  "${a[@]}"
  cp -r "$dir" "$dir.saved"
  "${b[@]}"
  same "$name" r1t1 "ck$4to$5"
}
ckpt coba_stdp 500 1000 1 2
ckpt coba_stdp 500 1000 2 1
ckpt coba_stdp 500 1000 2 2
if "$PY" "$HERE/same_outputs.py" --checkpoint "$WORK/out_coba_stdp_ck1to2.saved" "$WORK/out_coba_stdp_ck2to1.saved"; then
  echo "ok: coba_stdp checkpoint of 2 ranks = of 1"
else echo "FAIL: coba_stdp checkpoints of 1 and 2 ranks differ"; fails=$((fails + 1)); fi
ckpt vogels2011 1500 3000 2 1
ckpt delays 250 500 1 2
ckpt brunel 500 1000 3 2
ckpt task 5000 10000 2 1
ckpt task 5000 10000 1 2

# The comparison can fail: another seed gives other files.
"$BIN" run "$WORK/coba.json" --threads 1 --quiet --seed 2 --output "$WORK/out_coba_seed2"
if "$PY" "$HERE/same_outputs.py" "$WORK/out_coba_r1t1" "$WORK/out_coba_seed2" >/dev/null; then
  echo "FAIL: seeds 1 and 2 compared equal"; fails=$((fails + 1))
else echo "ok: seeds 1 and 2 differ"; fi

# Refusals: exit code 2, the message once (rank 0's).
expect2() {  # DESCRIPTION COMMAND...
  local d=$1; shift
  set +e
  "$@" >"$WORK/refusal.out" 2>"$WORK/refusal.err"
  local rc=$?
  set -e
  local n
  n=$(grep -c "spikesim: error" "$WORK/refusal.err" || true)
  if [ "$rc" -eq 2 ] && [ "$n" -eq 1 ]; then echo "ok: $d (exit 2, one message)"
  else echo "FAIL: $d: exit $rc, $n messages"; cat "$WORK/refusal.err"; fails=$((fails + 1)); fi
}
echo '{"run": {"tstop": 10}, "populations": {"a": {"size": 10, "model": "lif_curr_exp"}}, "projections": [{"source": "a", "target": "a", "delay": -1}]}' >"$WORK/bad.json"
expect2 "a bad file under mpirun" "${MPIRUN[@]}" "$BIN" run "$WORK/bad.json"
expect2 "--save-state with 2 ranks" "${MPIRUN[@]}" "$BIN" run "$WORK/coba.json" --save-state "$WORK/s.h5"
expect2 "validate under mpirun" "${MPIRUN[@]}" "$BIN" validate "$WORK/coba.json"

echo "$fails failures"
[ "$fails" -eq 0 ]
