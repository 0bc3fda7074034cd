// Counter-based uniforms drawn by a kernel, from the same CounterRng (core/rng.hpp) the CPU
// engine uses: the check that a Poisson population can emit the same spikes on both.
#include <cuda_runtime.h>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "gpu/cuda_check.hpp"
#include "gpu/device.hpp"

namespace spikesim {

namespace {

__global__ void uniforms_kernel(CounterRng rng, uint32_t n, uint32_t step, uint32_t draw, double* out) {
  const uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = rng.uniform(i, step, draw);
}

}  // namespace

std::vector<double> device_uniforms(uint64_t seed, uint32_t stream, uint32_t n, uint32_t step, uint32_t draw) {
  const CudaStatus st = cuda_status();
  if (!st.usable()) throw RunError(st.error);
  std::vector<double> host(n);
  DeviceBuffer<double> dev(n);
  uniforms_kernel<<<(n + 255) / 256, 256>>>(CounterRng{seed, stream}, n, step, draw, dev.ptr);
  cuda_check(cudaGetLastError(), "uniforms_kernel launch");
  cuda_check(cudaMemcpy(host.data(), dev.ptr, n * sizeof(double), cudaMemcpyDeviceToHost), "copy uniforms back");
  return host;
}

}  // namespace spikesim
