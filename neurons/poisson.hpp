#pragma once
// Poisson spike source: in each step a neuron spikes with probability rate*dt (Brian2's
// PoissonGroup), drawn from the counter-based stream (seed, population, neuron, step); the
// probability as a threshold and the tables of rate changes: core/poisson_rate.hpp.
#include <cstdint>

#include "core/hd.hpp"
#include "core/rng.hpp"

namespace spikesim {

struct PoissonSource {
  SPIKESIM_HD static bool step(const CounterRng& rng, uint32_t threshold, uint32_t neuron, uint32_t step) {
    return rng.raw(neuron, step, 0).v[0] < threshold;
  }
};

}  // namespace spikesim
