// Current generators' input to populations (core/spec.hpp: CurrentSourceSpec, CurrentInputSpec).
#include <algorithm>
#include <cmath>
#include <set>

#include "core/spec.hpp"

namespace spikesim {

double CurrentSourceSpec::amplitude_at(double t) const {
  double a = 0.0;
  for (size_t k = 0; k < times.size() && times[k] <= t; ++k) a = amplitudes[k];
  return a;
}

std::vector<std::pair<uint64_t, double>> current_schedule(const NetworkSpec& net, int pop) {
  const double dt = net.run.dt;
  // Each input's changes in steps: the source's change at t arrives `delay` later.
  struct Input {
    double weight;
    std::vector<std::pair<uint64_t, double>> changes;  // (step, amplitude from then on)
  };
  std::vector<Input> inputs;
  std::set<uint64_t> steps;
  for (const CurrentInputSpec& in : net.current_inputs) {
    if (in.target != pop) continue;
    const CurrentSourceSpec& src = net.current_sources[in.source];
    Input x{in.weight, {}};
    for (size_t k = 0; k < src.times.size(); ++k) {
      const uint64_t s = static_cast<uint64_t>(std::llround((src.times[k] + in.delay) / dt));
      x.changes.emplace_back(s, src.amplitudes[k]);
      steps.insert(s);
    }
    inputs.push_back(std::move(x));
  }
  std::vector<std::pair<uint64_t, double>> out;
  double last = 0.0;
  for (uint64_t s : steps) {
    double total = 0.0;
    for (const Input& x : inputs) {
      double a = 0.0;
      for (const auto& [at, amp] : x.changes)
        if (at <= s) a = amp;
      total += x.weight * a;
    }
    if (total != last) out.emplace_back(s, total);
    last = total;
  }
  return out;
}

}  // namespace spikesim
