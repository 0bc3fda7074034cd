#pragma once
// The body of neurons/step_range_<isa>.cpp: one flattened function per model, in a table.
// Include it once per translation unit, after defining SPIKESIM_STEP_RANGE_TABLE (the name
// of the table's accessor).
#include "neurons/poisson.hpp"
#include "neurons/step_range.hpp"

namespace spikesim {

namespace {

#if defined(__GNUC__)
#define SPIKESIM_FLATTEN __attribute__((flatten))
#else
#define SPIKESIM_FLATTEN
#endif

// The model's step for every neuron in one branch-free (vectorised) pass.
template <class M>
SPIKESIM_FLATTEN void step_range(const ModelProp& prop, const ModelProp* props, float* const* xs, int32_t* ref, uint8_t* fired,
                                 CounterRng rng, uint32_t lo, uint32_t hi, uint32_t step) {
  const typename M::Prop q = PropOf<M>::get(prop);
  float* x[M::kVars];
  for (int k = 0; k < M::kVars; ++k) x[k] = xs[k];
  if (props) {  // per-neuron constants: gathered loads
#pragma omp simd
    for (uint32_t i = lo; i < hi; ++i)
      fired[i] = M::step(PropOf<M>::get(props[i]), x, ref[i], NeuronCtx{rng, i, step}) ? 1 : 0;
    return;
  }
#pragma omp simd
  for (uint32_t i = lo; i < hi; ++i) fired[i] = M::step(q, x, ref[i], NeuronCtx{rng, i, step}) ? 1 : 0;
}

// A Poisson population's draws (one Philox block per neuron: integer multiplies and xors,
// which vectorise) in one branch-free pass.
SPIKESIM_FLATTEN void poisson_range(const CounterRng& rng, uint32_t threshold, const uint32_t* thresholds,
                                    uint8_t* fired, uint32_t lo, uint32_t hi, uint32_t step) {
  const CounterRng r = rng;
  if (thresholds) {
#pragma omp simd
    for (uint32_t i = lo; i < hi; ++i) fired[i] = PoissonSource::step(r, thresholds[i], i, step) ? 1 : 0;
  } else {
#pragma omp simd
    for (uint32_t i = lo; i < hi; ++i) fired[i] = PoissonSource::step(r, threshold, i, step) ? 1 : 0;
  }
}

const StepRangeTable kTable = {
    {
#define SPIKESIM_STEP_RANGE_ENTRY(M) &step_range<M>,
        SPIKESIM_MODELS(SPIKESIM_STEP_RANGE_ENTRY)
#undef SPIKESIM_STEP_RANGE_ENTRY
    },
    &poisson_range};

}  // namespace

const StepRangeTable& SPIKESIM_STEP_RANGE_TABLE() { return kTable; }

}  // namespace spikesim
