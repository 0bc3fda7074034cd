#include "cpu/thread_count.hpp"

#include <algorithm>

#include "core/isa.hpp"

namespace spikesim {

ThreadCost measured_thread_cost() {
  // Per neuron and step, synapses included at 80 per neuron (COBA 4000): 2.9 ns baseline,
  // 1.7 AVX2; AVX-512 0.75 of AVX2 (their step loops' ratio on a Sapphire Rapids Xeon).
  // Per further synapse: 0.007 ns static (COBA 256k), 0.03 plastic (vogels2011, coba_stdp).
  // 2 threads cost 5 us more per step than the work halved, 20 us with plastic projections
  // (AVX-512 path, suite of bench/NOTES.md section 15: coba_stdp 16.6 us per step on one
  // thread, 27.6 on two; vogels2011 45.1 and 42.5).
  const double per_neuron[] = {2.9, 1.7, 1.3};  // by Isa
  return {per_neuron[static_cast<int>(selected_isa())], 0.007, 0.03, 5000.0, 15000.0};
}

double step_ns(const Network& net, const ThreadCost& c, int t) {
  double w = static_cast<double>(net.neurons()) * c.c_neuron_ns;
  bool plastic = false;
  for (const Projection& p : net.projs) {
    w += static_cast<double>(p.csr.size()) * (p.plastic ? c.c_plastic_ns : c.c_static_ns);
    plastic = plastic || p.plastic;
  }
  if (t <= 1) return w;
  return w / t + (c.overhead_ns + (plastic ? c.plastic_overhead_ns : 0.0)) * (1.0 + 0.2 * (t - 2));
}

int cpu_threads(const Network& net, const RunOptions& opt, int max_threads) {
  if (opt.threads > 0) return opt.threads;
  const ThreadCost c = measured_thread_cost();
  // Another thread only where the model predicts at least 20% less time per step: on a
  // shared machine the second core's speed varies by more than the model's error (COBA 4000
  // on 2 threads against 1: 1.18x slower in one suite run, 2.2x in the next; bench/NOTES.md
  // section 15), and a smaller gain is not worth that risk.
  constexpr double kMargin = 0.8;
  int best = 1;
  for (int t = 2; t <= max_threads; ++t)
    if (step_ns(net, c, t) < kMargin * step_ns(net, c, best)) best = t;
  return best;
}

uint64_t TeamChoice::span(uint64_t n, uint64_t k) const {
  if (!measure_) return k;
  if (measuring(n)) return std::min(k, kProbe - round_steps_);
  return std::min(k, next_measure_ - n);
}

void TeamChoice::ran(uint64_t n, uint64_t steps, double seconds) {
  if (!measuring(n)) return;
  seconds_[round_ % 2] += seconds;
  round_steps_ += steps;
  if (round_steps_ < kProbe) return;
  round_steps_ = 0;
  if (++round_ < 4) return;
  team_ = seconds_[1] < seconds_[0] ? 1 : threads_;
  next_measure_ = n + steps + kRemeasure;
  round_ = 0;
  seconds_[0] = seconds_[1] = 0.0;
}

}  // namespace spikesim
