#include "core/signals.hpp"

namespace spikesim {

Signals::Signals(const std::vector<SignalSpec>& specs, const std::vector<uint32_t>& pop_sizes, double dt) {
  for (const SignalSpec& s : specs) {
    value.push_back(s.baseline);
    prev.push_back(s.baseline);
    baseline.push_back(s.baseline);
    tau.push_back(s.tau);
    decay_.push_back(std::exp(-dt / s.tau));
    // rate_estimate: 1/(tau N) per spike, tau in s, so H is in Hz.
    per_spike_.push_back(s.type == "rate_estimate" ? 1000.0 / (s.tau * pop_sizes[s.population]) : s.per_spike);
    pending_.push_back(0.0);
    pop_.push_back(s.population);
  }
}

}  // namespace spikesim
