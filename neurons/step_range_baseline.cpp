// The neuron update for baseline x86-64 (neurons/step_range.hpp).
#define SPIKESIM_STEP_RANGE_TABLE step_range_baseline
#include "neurons/step_range_impl.hpp"
