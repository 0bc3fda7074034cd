#pragma once
// CUDA runtime errors as RunError (exit 2 with a message, never an abort), and device memory
// owned by an object.
#include <cuda_runtime.h>

#include <string>

#include "core/error.hpp"

namespace spikesim {

inline void cuda_check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) throw RunError(std::string("CUDA: ") + what + ": " + cudaGetErrorString(e));
}

template <class T>
struct DeviceBuffer {
  T* ptr = nullptr;
  size_t n = 0;
  explicit DeviceBuffer(size_t count) : n(count) {
    if (n) cuda_check(cudaMalloc(&ptr, n * sizeof(T)), "cudaMalloc");
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  ~DeviceBuffer() {
    if (ptr) cudaFree(ptr);
  }
};

}  // namespace spikesim
