#pragma once
// The CPU engine's default thread count (when --threads is not given): the count with the
// least predicted time per step, never more than OpenMP's maximum. A step's work on one
// thread is modelled as
//   W = neurons * c_neuron + static synapses * c_static + plastic synapses * c_plastic
// and T threads take W / T plus a fixed cost per step for the barriers, the spike exchange
// and the load imbalance. The constants were measured on the project's 2-core machine
// (bench/NOTES.md section 12): below about 6000 neurons one thread is the fastest.
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
// opt.threads if given, else the count with the least step_ns among 1 .. max_threads.
int cpu_threads(const Network& net, const RunOptions& opt, int max_threads);

}  // namespace spikesim
