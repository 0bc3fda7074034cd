#pragma once
// The neuron update's inner loops (every neuron of [lo, hi) one step, spike flags into
// `fired`; and a Poisson population's draws), compiled once per instruction set: neurons/step_range_baseline.cpp for x86-64
// baseline, neurons/step_range_avx2.cpp with -mavx2 -mfma, neurons/step_range_avx512.cpp
// for AVX-512 with 512-bit vectors. Population::update takes the table of the path
// core/isa.hpp selects. Each translation unit holds only this loop, flattened (every call
// inlined), so no inline function compiled for a wider ISA can be shared with the rest of
// the program (tests/check_isa_object.cmake checks its symbols).
#include <cstdint>

#include "core/isa.hpp"
#include "core/rng.hpp"
#include "neurons/model_list.hpp"

namespace spikesim {

// `props`: per-neuron constants (a population with parameters given per neuron), else null
// and every neuron steps with `prop`.
using StepRangeFn = void (*)(const ModelProp& prop, const ModelProp* props, float* const* x, int32_t* ref, uint8_t* fired, CounterRng rng,
                             uint32_t lo, uint32_t hi, uint32_t step);

// A Poisson population's draws for [lo, hi): spike flags into `fired`, from the per-neuron
// thresholds where given, else from `threshold`.
using PoissonRangeFn = void (*)(const CounterRng& rng, uint32_t threshold, const uint32_t* thresholds,
                                uint8_t* fired, uint32_t lo, uint32_t hi, uint32_t step);

struct StepRangeTable {
  StepRangeFn model[kNeuronModels];  // by place in SPIKESIM_MODELS
  PoissonRangeFn poisson;
};

const StepRangeTable& step_range_baseline();
#ifdef SPIKESIM_AVX2_PATH
const StepRangeTable& step_range_avx2();
#endif
#ifdef SPIKESIM_AVX512_PATH
const StepRangeTable& step_range_avx512();
#endif

inline const StepRangeTable& step_ranges(Isa isa) {
#ifdef SPIKESIM_AVX2_PATH
  if (isa == Isa::kAvx2) return step_range_avx2();
#endif
#ifdef SPIKESIM_AVX512_PATH
  if (isa == Isa::kAvx512) return step_range_avx512();
#endif
  (void)isa;
  return step_range_baseline();
}

}  // namespace spikesim
