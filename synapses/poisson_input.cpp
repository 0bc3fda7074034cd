#include "synapses/poisson_input.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace spikesim {

std::vector<uint32_t> poisson_cdf_table(double mean) {
  std::vector<uint32_t> t;
  if (mean <= 0) return t;  // no table: every draw is 0 spikes
  const double two32 = 4294967296.0;
  const double log_mean = std::log(mean);
  double cum = 0.0;
  // The pmf in log space (exp(-mean) underflows for a large mean); the sum in double: its
  // rounding (below 1e-15 of 1) is far below the table's unit, 2^-32.
  for (uint64_t k = 0;; ++k) {
    cum += std::exp(-mean + static_cast<double>(k) * log_mean - std::lgamma(static_cast<double>(k) + 1.0));
    const double v = std::floor(std::min(cum, 1.0) * two32);
    const bool far = k > mean + 100.0 * std::sqrt(mean) + 100.0;  // the sum's rounding kept it below 1
    if (v >= two32 - 1.0 || far) {
      t.push_back(std::numeric_limits<uint32_t>::max());
      break;
    }
    t.push_back(static_cast<uint32_t>(v));
  }
  return t;
}

PoissonInput make_poisson_input(const NetworkSpec& net, uint32_t index) {
  const PoissonInputSpec& s = net.poisson_inputs[index];
  const PoissonGeneratorSpec& g = net.poisson_generators[s.source];
  const double dt = net.run.dt;
  PoissonInput in;
  in.name = s.name;
  in.target = s.target;
  in.receptor = s.receptor;
  in.cdf = poisson_cdf_table(g.rate * dt / 1000.0);
  PoissonDrive& d = in.drive;
  d.weight = static_cast<float>(s.weight);
  d.delay = static_cast<uint32_t>(std::max<long long>(1, std::llround(s.delay / dt)));
  // NEST emits spikes with times in (start, stop]: stamps from start / dt + 1 to stop / dt.
  d.first = static_cast<uint32_t>(std::llround(g.start / dt)) + 1;
  const double last = std::isfinite(g.stop) ? std::llround(g.stop / dt) : 4.0e9;
  d.last = static_cast<uint32_t>(std::min(last, 4.0e9));
  d.rng = CounterRng{net.run.seed, kStreamPoissonInput | index};
  return in;
}

}  // namespace spikesim
