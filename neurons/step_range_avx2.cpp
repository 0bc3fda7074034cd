// The neuron update compiled with -mavx2 -mfma (CMakeLists.txt), picked where the CPU has
// both (core/isa.hpp); -ffp-contract=off keeps its numbers those of the baseline path.
#define SPIKESIM_STEP_RANGE_TABLE step_range_avx2
#include "neurons/step_range_impl.hpp"
