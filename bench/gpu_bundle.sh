#!/usr/bin/env bash
# Packs what bench/gpu_checks.sh needs on the device machine, which has the CUDA driver but
# none of spikesim's Debian libraries (HDF5 and what it pulls in). Run here, from the
# repository root:
#   bash bench/gpu_bundle.sh            # -> carry/gpu/ (git-ignored), about 30 MiB
# It builds build-device/ (Release, CUDA for sm_90, executables with RPATH $ORIGIN/lib) and
# copies spikesim, spikesim_tests and every shared library ldd lists for them except glibc's
# own into carry/gpu/ and carry/gpu/lib/. The executables find their libraries there without
# LD_LIBRARY_PATH, so nothing else on the device machine (python3, compute-sanitizer) loads
# them. Then, with the device tool: carry ["carry"], command `bash bench/gpu_checks.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."
out=carry/gpu
cmake -S . -B build-device -DCMAKE_BUILD_TYPE=Release -DSPIKESIM_CUDA=ON \
  -DCMAKE_BUILD_RPATH='$ORIGIN/lib' -DCMAKE_EXE_LINKER_FLAGS=-Wl,--disable-new-dtags >/dev/null
cmake --build build-device -j"$(nproc)" --target spikesim spikesim_tests
rm -rf "$out"
mkdir -p "$out/lib"
cp build-device/spikesim build-device/tests/spikesim_tests "$out/"
glibc='^(linux-vdso|ld-linux|libc|libm|libdl|libpthread|librt|libresolv|libutil)\.'
for exe in "$out/spikesim" "$out/spikesim_tests"; do
  ldd "$exe" | awk '$2 == "=>" && $3 ~ /^\// {print $1, $3}' | while read -r name path; do
    [[ "$name" =~ $glibc ]] || [ -e "$out/lib/$name" ] || cp -L "$path" "$out/lib/$name"
  done
done
# Check: every library now resolves inside the bundle or to glibc.
for exe in "$out/spikesim" "$out/spikesim_tests"; do
  bad=$(ldd "$exe" | awk '$2 == "=>" {print $1, $3}' | grep -Ev "$glibc" | grep -v " $(cd "$out/lib" && pwd)/" || true)
  if [ -n "$bad" ]; then echo "not from the bundle: $bad"; exit 1; fi
done
grep -q "CUDA:   built" <("$out/spikesim" --version) || { echo "spikesim in the bundle was built without CUDA"; exit 1; }
du -sh "$out"
