#pragma once
// Global scalar signals ("globals" in the network file): values every synapse may read by
// name, computed from the activity of whole populations. Now one type:
//   rate_estimate {population, tau}: dH/dt = -H/tau, H += 1/(tau N) per spike of the
//   population (N neurons), so H estimates the population rate in Hz.
// Step n (core/simulation.hpp): after the spikes stamped t_{n+1} are gathered (phase 3),
// every signal decays exactly over dt and adds those spikes, giving its value at t_{n+1};
// phase 4 (delivery, on_pre, on_post) then reads it. One thread computes it from the
// step's spike counts, so it is the same for any thread count.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace spikesim {

struct SignalSpec {
  std::string name, ptr, type = "rate_estimate", unit = "Hz";
  int population = -1;  // whose spikes raise it
  double tau = 100.0;   // ms
};

class Signals {
 public:
  Signals() = default;
  Signals(const std::vector<SignalSpec>& specs, const std::vector<uint32_t>& pop_sizes, double dt);
  // Advances every signal from t_n to t_{n+1}; spikes[p] = spikes of population p stamped t_{n+1}.
  void step(const std::vector<std::vector<uint32_t>>& spikes) {
    for (size_t k = 0; k < value.size(); ++k)
      value[k] = value[k] * decay_[k] + static_cast<double>(spikes[pop_[k]].size()) * per_spike_[k];
  }
  bool empty() const { return value.empty(); }

  std::vector<double> value;  // current values (what HookCtx::signals points to)

 private:
  std::vector<double> decay_, per_spike_;
  std::vector<int> pop_;
};

}  // namespace spikesim
