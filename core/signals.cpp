#include "core/signals.hpp"

namespace spikesim {

Signals::Signals(const std::vector<SignalSpec>& specs, const std::vector<uint32_t>& pop_sizes, double dt) {
  for (const SignalSpec& s : specs) {
    value.push_back(0.0);
    decay_.push_back(std::exp(-dt / s.tau));
    per_spike_.push_back(1000.0 / (s.tau * pop_sizes[s.population]));  // 1/(tau N), tau in s: Hz
    pop_.push_back(s.population);
  }
}

}  // namespace spikesim
