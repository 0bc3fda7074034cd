#pragma once
// Atomic updates used by the device kernels (gpu/kernels.hpp). On the device they are CUDA
// atomics; the host launcher (gpu/launch_host.cpp) runs one thread at a time, so there
// they are plain updates.
#include <cstdint>

#include "core/hd.hpp"

namespace spikesim {

SPIKESIM_HD uint32_t atomic_inc(uint32_t* p) {
#if defined(__CUDA_ARCH__)
  return atomicAdd(p, 1u);
#else
  return (*p)++;
#endif
}

SPIKESIM_HD void atomic_or(uint32_t* p, uint32_t bits) {
#if defined(__CUDA_ARCH__)
  atomicOr(p, bits);
#else
  *p |= bits;
#endif
}

SPIKESIM_HD void atomic_add(float* p, float x) {
#if defined(__CUDA_ARCH__)
  atomicAdd(p, x);
#else
  *p += x;
#endif
}

}  // namespace spikesim
