#pragma once
// Poisson rates as the engines use them: a per-step spike probability rate*dt as a 32-bit
// threshold (exact to 2^-32), and a piecewise-constant rate ("rates" from "times") as a
// table of (first step of each rate, its threshold) that every backend reads.
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

namespace spikesim {

inline uint32_t poisson_threshold(double rate_hz, double dt_ms) {
  const double p = rate_hz * dt_ms * 1e-3;
  return p >= 1.0 ? 0xFFFFFFFFu : static_cast<uint32_t>(std::llround(p * 4294967296.0));
}

inline std::vector<std::pair<uint64_t, uint32_t>> rate_schedule(const std::vector<double>& rates,
                                                                const std::vector<double>& times_ms, double dt_ms) {
  std::vector<std::pair<uint64_t, uint32_t>> out;
  for (size_t k = 0; k < rates.size(); ++k)
    out.emplace_back(static_cast<uint64_t>(std::llround(times_ms[k] / dt_ms)), poisson_threshold(rates[k], dt_ms));
  return out;
}

}  // namespace spikesim
