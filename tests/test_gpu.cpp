// Checks that need a CUDA device. Without one (CI, or a build without nvcc) each prints
// "GPU test skipped: REASON" and returns; ctest reports it as skipped
// (SKIP_REGULAR_EXPRESSION in tests/CMakeLists.txt), so the skip is visible.
#include <doctest/doctest.h>

#include <cstdio>

#include "core/rng.hpp"
#include "gpu/device.hpp"
#include "helpers.hpp"

using namespace spikesim;
using namespace spikesim::test;

namespace {

bool gpu_or_skip() {
  const CudaStatus st = cuda_status();
  if (st.usable()) return true;
  std::printf("GPU test skipped: %s\n", st.error.c_str());
  MESSAGE("GPU test skipped: " << st.error);
  return false;
}

}  // namespace

TEST_CASE("GPU: counter-based uniforms drawn by a kernel equal the CPU's bit for bit") {
  if (!gpu_or_skip()) return;
  const uint64_t seed = 0x123456789abcdefull;
  const uint32_t stream = 3u << 24, n = 100000, step = 77, draw = 1;
  const std::vector<double> dev = device_uniforms(seed, stream, n, step, draw);
  REQUIRE(dev.size() == n);
  const CounterRng rng{seed, stream};
  uint32_t differ = 0;
  for (uint32_t i = 0; i < n; ++i) differ += dev[i] != rng.uniform(i, step, draw);
  CHECK(differ == 0);
}

TEST_CASE("--device cuda without a usable GPU, or before the engine runs networks, exits 2 with a clear message") {
  const auto dir = temp_dir("device");
  const auto net = write_file(dir, "net.json", R"({"run": {"tstop": 10}, "populations": {"p": {"model": "poisson", "size": 2, "params": {"rate": 5}}}})");
  const Proc p = run_cli({"run", net.string(), "--device", "cuda", "-o", (dir / "out").string()});
  CAPTURE(p.err);
  CHECK(p.code == 2);
  CHECK(p.err.find("--device cuda: ") != std::string::npos);
  const CudaStatus st = cuda_status();
  if (!st.usable()) CHECK(p.err.find(st.error) != std::string::npos);
  // Nothing was written.
  CHECK_FALSE(std::filesystem::exists(dir / "out" / "spikes.h5"));
  // The CPU path is the default and still runs.
  CHECK(run_cli({"run", net.string(), "--device", "cpu", "-o", (dir / "out").string(), "--quiet"}).code == 0);
}
