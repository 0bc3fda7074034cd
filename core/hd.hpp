#pragma once
// SPIKESIM_HD marks model math (neuron updates, plasticity rules, random numbers) that is
// compiled for both the OpenMP engine and the CUDA engine. Empty without nvcc.
#if defined(__CUDACC__)
#define SPIKESIM_HD __host__ __device__ __forceinline__
#else
#define SPIKESIM_HD inline
#endif
