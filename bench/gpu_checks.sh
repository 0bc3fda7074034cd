#!/usr/bin/env bash
# Issue #8's checks on a machine with an NVIDIA GPU (the device tool): all of them in one
# command (the default, `all`, ~12 min), or in two parts that each fit the device tool's
# 10-minute limit per call. Run from the repository root:
#   bash bench/gpu_checks.sh [all|tests|bench] [OUT_DIR]
# with the executables and libraries that bench/gpu_bundle.sh packs into carry/gpu/ (the
# device tool: carry ["carry"]); without carry/gpu/, those of build/.
# tests: nvidia-smi, --version, the GPU test cases (they must run, not skip: the CUDA engine
#        against the CPU engine, bit for bit per target, COBA 100 ms per spike and per target,
#        the RNG, da_stdp with rewards, a task), compute-sanitizer memcheck, racecheck and
#        synccheck on a small network through both propagation strategies, and memcheck
#        and racecheck on the da_stdp network and a task.                       (~4 min)
# bench: bench/gpu_bench.py: protocols to 1e-5, COBA 4000 statistics, CPU (all cores) against
#        GPU for COBA 4k, the p = 80/N series to 10M neurons, 1M neurons with STDP, bytes
#        per synapse and a network of 2.5e9 synapses.                          (~8 min)
# Logs go to OUT_DIR (default: $OUT, else gpu_checks/). Exit 0 only if every check passed.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ -x carry/gpu/spikesim ]; then sim="$PWD/carry/gpu/spikesim" tests_exe="$PWD/carry/gpu/spikesim_tests"
else sim="$PWD/build/spikesim" tests_exe="$PWD/build/tests/spikesim_tests"; fi
# The test binary's data files and the binary it runs: this tree's, wherever it was copied.
export SPIKESIM_SOURCE_DIR="$PWD" SPIKESIM_BINARY="$sim"
part="${1:-all}"
out="${2:-${OUT:-gpu_checks}}"
mkdir -p "$out"
status=0
tests() {
  echo "== nvidia-smi"; nvidia-smi || status=1
  echo "== spikesim --version"; "$sim" --version || status=1
  echo "== GPU tests (must run, not skip)"
  "$tests_exe" -tc="GPU*,--device cuda*,--version*" -s 2>&1 | tee "$out/gpu_tests.txt" | tail -5
  grep -q "Status: SUCCESS" "$out/gpu_tests.txt" || status=1
  if grep -q "GPU test skipped" "$out/gpu_tests.txt"; then echo "FAIL: a GPU test skipped on a GPU machine"; status=1; fi
  cs="$(command -v compute-sanitizer || echo /usr/local/cuda/bin/compute-sanitizer)"
  if [ -x "$cs" ]; then
    for tool in memcheck racecheck synccheck; do
      for prop in auto per_target; do
        echo "== compute-sanitizer --tool $tool, device_mixed.json, --propagation $prop"
        "$cs" --tool "$tool" --error-exitcode 3 "$sim" run tests/data/device_mixed.json --tstop 50 \
          --device cuda --propagation "$prop" -o "$out/sanitizer_run" --overwrite --quiet 2>&1 | tail -3
        [ "${PIPESTATUS[0]}" -eq 0 ] || { echo "FAIL: $tool"; status=1; }
      done
    done
    for tool in memcheck racecheck; do
      echo "== compute-sanitizer --tool $tool, device_reward.json (da_stdp, pair rewards), 500 ms"
      "$cs" --tool "$tool" --error-exitcode 3 "$sim" run tests/data/device_reward.json --tstop 500 \
        --device cuda -o "$out/sanitizer_run" --overwrite --quiet 2>&1 | tail -3
      [ "${PIPESTATUS[0]}" -eq 0 ] || { echo "FAIL: $tool (reward)"; status=1; }
      echo "== compute-sanitizer --tool $tool, category_learning.json (a task, trial rules), 1.5 s"
      "$cs" --tool "$tool" --error-exitcode 3 "$sim" run examples/category_learning.json --tstop 1500 \
        --device cuda -o "$out/sanitizer_run" --overwrite --quiet 2>&1 | tail -3
      [ "${PIPESTATUS[0]}" -eq 0 ] || { echo "FAIL: $tool (task)"; status=1; }
    done
  else
    echo "compute-sanitizer not found"; status=1
  fi
}
bench() {
  echo "== bench/gpu_bench.py"
  python3 bench/gpu_bench.py --spikesim "$sim" --out "$out" --reps 3 || status=1
}
exec > >(tee "$out/gpu_checks_$part.log") 2>&1
case "$part" in
  tests) tests ;;
  bench) bench ;;
  all) tests; bench ;;
  *) echo "usage: bash bench/gpu_checks.sh [tests|bench|all] [OUT_DIR]"; status=2 ;;
esac
echo "== exit status $status"
exit "$status"
