#pragma once
// The CUDA device as the rest of spikesim sees it: whether the CUDA engine was built, and
// which devices the runtime finds. Compiled from gpu/device.cu when nvcc is present, from
// gpu/no_cuda.cpp otherwise (same interface; it reports "not built").
#include <cstdint>
#include <string>
#include <vector>

namespace spikesim {

struct CudaDevice {
  std::string name;
  int cc_major = 0, cc_minor = 0;
  uint64_t memory = 0;  // bytes
  int multiprocessors = 0;
};

struct CudaStatus {
  bool built = false;        // the CUDA code was compiled in
  std::string arch;          // CMAKE_CUDA_ARCHITECTURES it was compiled for ("90": sm_90 and compute_90 PTX)
  int runtime_version = 0;   // cudaRuntimeGetVersion, 0 if unknown
  int driver_version = 0;    // cudaDriverGetVersion, 0 if no driver
  std::vector<CudaDevice> devices;
  std::string error;         // why no device is usable (empty if one is)
  bool usable() const { return built && !devices.empty(); }
};

CudaStatus cuda_status();

// Counter-based uniforms drawn on the device (gpu/rng_check.cu): CounterRng{seed, stream}
// .uniform(index, step, draw) for index = 0..n-1. For checking that CPU and GPU agree.
// Throws RunError if CUDA is not built or no device is usable.
std::vector<double> device_uniforms(uint64_t seed, uint32_t stream, uint32_t n, uint32_t step, uint32_t draw);

}  // namespace spikesim
