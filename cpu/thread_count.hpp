#pragma once
// The CPU engine's default thread count (when --threads is not given): the count with the
// least predicted time per step, never more than OpenMP's maximum. A step's work on one
// thread is modelled as
//   W = neurons * c_neuron + static synapses * c_static + plastic synapses * c_plastic
// and T threads take W / T plus a fixed cost per step for the barriers, the spike exchange
// and the load imbalance. The constants were measured on the project's 2-core machine
// (bench/NOTES.md sections 12 and 15): below about 6000 neurons one thread is the fastest.
#include "core/run.hpp"
#include "plasticity/network.hpp"

namespace spikesim {

struct ThreadCost {
  double c_neuron_ns, c_static_ns, c_plastic_ns;  // per neuron or synapse and step, one thread
  double overhead_ns;                             // per step with 2 threads; +20% per thread beyond
  double plastic_overhead_ns;                     // more per step when a projection is plastic (its phases' barriers)
};

ThreadCost measured_thread_cost();  // for the instruction set of the neuron update (core/isa.hpp)
// Predicted time per step with t threads.
double step_ns(const Network& net, const ThreadCost& c, int t);
// opt.threads if given, else the count among 1 .. max_threads with the least step_ns, a
// further thread taken only where it predicts at least 20% less.
int cpu_threads(const Network& net, const RunOptions& opt, int max_threads);

// Which team steps the network while the run goes (RunOptions::measure_threads): every
// kRemeasure steps, kProbe steps on `threads` and kProbe on one, twice, alternated; then the
// count with the smaller total until the next measurement. Without measuring, always
// `threads`. The engine asks team() and span(), runs, and reports what it ran with ran().
class TeamChoice {
 public:
  static constexpr uint64_t kProbe = 100, kRemeasure = 20000;
  TeamChoice(int threads, bool measure) : threads_(threads), measure_(measure && threads > 1), team_(threads) {}
  // The team for the steps from step n on.
  int team(uint64_t n) const { return measuring(n) ? (round_ % 2 == 0 ? threads_ : 1) : team_; }
  // How many of the k steps from n to run on team(n) before asking again.
  uint64_t span(uint64_t n, uint64_t k) const;
  // `steps` steps from n ran on team(n) in `seconds`.
  void ran(uint64_t n, uint64_t steps, double seconds);

 private:
  bool measuring(uint64_t n) const { return measure_ && n >= next_measure_; }
  int threads_;
  bool measure_;
  int team_;                   // between measurements
  uint64_t next_measure_ = 0;  // step of the next measurement
  int round_ = 0;              // of the current measurement, 0 .. 3
  uint64_t round_steps_ = 0;   // steps done in the current round
  double seconds_[2] = {};     // with `threads`, with one thread
};

}  // namespace spikesim
