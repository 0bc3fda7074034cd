#pragma once
// Poisson spike source: in each step a neuron spikes with probability rate*dt (Brian2's
// PoissonGroup), drawn from the counter-based stream (seed, population, neuron, step).
#include <cmath>
#include <cstdint>

#include "core/hd.hpp"
#include "core/rng.hpp"

namespace spikesim {

struct PoissonSource {
  // Probability per step as a 32-bit threshold; exact to 2^-32.
  static uint32_t threshold(double rate_hz, double dt_ms) {
    const double p = rate_hz * dt_ms * 1e-3;
    return p >= 1.0 ? 0xFFFFFFFFu : static_cast<uint32_t>(std::llround(p * 4294967296.0));
  }
  SPIKESIM_HD static bool step(const CounterRng& rng, uint32_t threshold, uint32_t neuron, uint32_t step) {
    return rng.raw(neuron, step, 0).v[0] < threshold;
  }
};

}  // namespace spikesim
