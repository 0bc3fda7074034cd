// Device query through the CUDA runtime. A machine without a GPU or driver is a normal case
// (CI builds the CUDA code but has no device): the status says why, nothing aborts.
#include <cuda_runtime.h>

#include "gpu/device.hpp"

namespace spikesim {

CudaStatus cuda_status() {
  CudaStatus s;
  s.built = true;
  s.arch = SPIKESIM_CUDA_ARCH;
  cudaRuntimeGetVersion(&s.runtime_version);
  if (cudaDriverGetVersion(&s.driver_version) != cudaSuccess) s.driver_version = 0;
  int count = 0;
  const cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess) {
    s.error = std::string("no usable CUDA device (") + (s.driver_version == 0 ? "no CUDA driver on this machine; " : "") +
              "cudaGetDeviceCount: " + cudaGetErrorString(e) + ")";
    cudaGetLastError();  // clear it
    return s;
  }
  if (count == 0) {
    s.error = "no usable CUDA device: the runtime found none";
    return s;
  }
  for (int d = 0; d < count; ++d) {
    cudaDeviceProp p{};
    if (cudaGetDeviceProperties(&p, d) != cudaSuccess) continue;
    s.devices.push_back({p.name, p.major, p.minor, static_cast<uint64_t>(p.totalGlobalMem), p.multiProcessorCount});
  }
  if (s.devices.empty()) s.error = "no usable CUDA device: device properties could not be read";
  return s;
}

}  // namespace spikesim
