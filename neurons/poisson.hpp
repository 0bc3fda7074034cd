#pragma once
// Poisson spike source: in each step a neuron spikes with probability rate*dt (Brian2's
// PoissonGroup), drawn from the counter-based stream (seed, population, neuron, step).
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "core/hd.hpp"
#include "core/rng.hpp"

namespace spikesim {

struct PoissonSource {
  // Probability per step as a 32-bit threshold; exact to 2^-32.
  static uint32_t threshold(double rate_hz, double dt_ms) {
    const double p = rate_hz * dt_ms * 1e-3;
    return p >= 1.0 ? 0xFFFFFFFFu : static_cast<uint32_t>(std::llround(p * 4294967296.0));
  }
  // A piecewise-constant rate ("rates" from "times"): (first step of each rate, its
  // threshold), as the CPU engine schedules the changes and the device engine tabulates them.
  static std::vector<std::pair<uint64_t, uint32_t>> schedule(const std::vector<double>& rates, const std::vector<double>& times_ms,
                                                             double dt_ms) {
    std::vector<std::pair<uint64_t, uint32_t>> out;
    for (size_t k = 0; k < rates.size(); ++k)
      out.emplace_back(static_cast<uint64_t>(std::llround(times_ms[k] / dt_ms)), threshold(rates[k], dt_ms));
    return out;
  }
  SPIKESIM_HD static bool step(const CounterRng& rng, uint32_t threshold, uint32_t neuron, uint32_t step) {
    return rng.raw(neuron, step, 0).v[0] < threshold;
  }
};

}  // namespace spikesim
