#pragma once
// Pre-flight: what a network will cost, from its spec alone, before anything is allocated.
// Synapse counts per projection (exact, or expected with a 6-sigma bound for
// pairwise_bernoulli), bytes of neuron state, synapse tables, plasticity, spike rings and
// traces, the peak while the tables are built, and the size of the output files over the
// run. build_network refuses (exit 2, the pointer of the largest part) a network whose peak
// exceeds the memory limit; docs/preflight.md gives the per-synapse and per-neuron costs.
#include <cstdint>
#include <string>
#include <vector>

#include "core/spec.hpp"

namespace spikesim {

struct PartEstimate {
  std::string name, ptr, note;  // note: "exact", "expected (bound ...)", "10 Hz assumed", ...
  double count = 0.0;           // synapses (projections), neurons (populations), values (outputs)
  double bytes = 0.0;
};

struct Estimate {
  std::vector<PartEstimate> populations, projections, outputs;
  double state = 0, synapses = 0, plasticity = 0, rings = 0, build_extra = 0;
  double memory() const { return state + synapses + plasticity + rings + build_extra; }  // peak bytes
  double output = 0;  // bytes written over the run (uncompressed)
  std::string largest_ptr;  // the part that costs the most memory
};

Estimate estimate(const NetworkSpec& spec);

// The memory limit the pre-flight checks against: --max-memory where given (bytes > 0), else
// the machine's available memory (MemAvailable, or a smaller cgroup limit).
void set_memory_limit(double bytes);
double memory_limit();
double available_memory();  // what the machine has now; 0 if unknown

// Throws SpecError (exit 2) at the largest part's pointer with the estimate when the network
// would not fit in memory_limit().
void check_memory(const NetworkSpec& spec, const Estimate& e);

std::string human_bytes(double bytes);  // "1.5 GiB"

}  // namespace spikesim
