#!/usr/bin/env bash
# Fuzzes the loader for SECONDS (default 60): builds tests/fuzz/fuzz_loader with clang,
# libFuzzer, ASan and UBSan in build-fuzz/, seeds a corpus from examples/, protocols/ and
# tests/data/ (JSON files), and runs it. Exit 0 when no input crashed it; a finding is left in
# build-fuzz/ as crash-* (or leak-*, timeout-*) and the run fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-60}"
jobs="$(nproc)"
CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSPIKESIM_FUZZ=ON -DSPIKESIM_SANITIZE=ON \
  -DSPIKESIM_CUDA=OFF > /dev/null
cmake --build build-fuzz -j"$jobs" --target fuzz_loader
corpus=build-fuzz/corpus
mkdir -p "$corpus"
for f in examples/*.json protocols/*.json tests/data/*.json; do
  [ -f "$f" ] && cp "$f" "$corpus/seed_$(basename "$f")"
done
echo "fuzz_loader: $(ls "$corpus" | wc -l) corpus files, $seconds s"
cd build-fuzz
ASAN_OPTIONS=detect_leaks=1 OMP_NUM_THREADS=1 ./tests/fuzz/fuzz_loader -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 \
  -max_len=65536 -dict=../tests/fuzz/json.dict -print_final_stats=1 corpus
