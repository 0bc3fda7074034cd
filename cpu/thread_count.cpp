#include "cpu/thread_count.hpp"

#include "core/isa.hpp"

namespace spikesim {

ThreadCost measured_thread_cost() {
  // Per neuron and step, synapses included at 80 per neuron (COBA 4000): 2.9 ns baseline,
  // 1.7 AVX2; AVX-512 0.75 of AVX2 (their step loops' ratio on a Sapphire Rapids Xeon).
  // Per further synapse: 0.007 ns static (COBA 256k), 0.03 plastic (vogels2011, coba_stdp).
  // 2 threads cost 5 us more per step than the work halved, 10 us with plastic projections
  // (coba_stdp: 15.9 us per step on one thread, 17.5 on two).
  const double per_neuron[] = {2.9, 1.7, 1.3};  // by Isa
  return {per_neuron[static_cast<int>(selected_isa())], 0.007, 0.03, 5000.0, 5000.0};
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
  int best = 1;
  for (int t = 2; t <= max_threads; ++t)
    if (step_ns(net, c, t) < step_ns(net, c, best)) best = t;
  return best;
}

}  // namespace spikesim
