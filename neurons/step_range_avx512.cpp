// The neuron update compiled for AVX-512 with 512-bit vectors (CMakeLists.txt), picked where
// the CPU has it (core/isa.hpp); -ffp-contract=off keeps its numbers those of the baseline path.
#define SPIKESIM_STEP_RANGE_TABLE step_range_avx512
#include "neurons/step_range_impl.hpp"
