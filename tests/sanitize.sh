#!/usr/bin/env bash
# The whole test suite under AddressSanitizer and UndefinedBehaviorSanitizer (any UB fatal),
# built with gcc or clang in build-asan-COMPILER/ (CUDA off). The tests start the sanitized
# spikesim binary too, so a report in a child fails the test that ran it (exit code 1).
#   bash tests/sanitize.sh gcc      # or clang; extra arguments go to ctest (-R PATTERN)
set -euo pipefail
cd "$(dirname "$0")/.."
compiler="${1:-gcc}"
shift || true
case "$compiler" in
  gcc) export CC=gcc CXX=g++ ;;
  clang) export CC=clang CXX=clang++ ;;
  *) echo "usage: tests/sanitize.sh gcc|clang [ctest arguments]" >&2; exit 2 ;;
esac
dir="build-asan-$compiler"
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSPIKESIM_SANITIZE=ON -DSPIKESIM_CUDA=OFF > /dev/null
cmake --build "$dir" -j"$(nproc)"
export ASAN_OPTIONS="detect_leaks=1:check_initialization_order=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ctest --test-dir "$dir" --output-on-failure -j"$(nproc)" "$@"
