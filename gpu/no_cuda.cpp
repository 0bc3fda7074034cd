// Built when nvcc was not found at configure time: the CUDA engine is absent, and says so.
#include "core/error.hpp"
#include "gpu/device.hpp"
#include "gpu/launcher.hpp"

namespace spikesim {

CudaStatus cuda_status() {
  CudaStatus s;
  s.error = "spikesim was built without CUDA (nvcc was not found when CMake configured the build, or -DSPIKESIM_CUDA=OFF)";
  return s;
}

std::vector<double> device_uniforms(uint64_t, uint32_t, uint32_t, uint32_t, uint32_t) {
  throw RunError(cuda_status().error);
}

std::unique_ptr<Launcher> make_cuda_launcher() { throw RunError("--device cuda: " + cuda_status().error); }

}  // namespace spikesim
