#pragma once
// The built network: populations with their state, projections with their CSR tables,
// and the population graph. Built once from a NetworkSpec.
#include <vector>

#include "core/pop_graph.hpp"
#include "core/signals.hpp"
#include "core/spec.hpp"
#include "neurons/population.hpp"
#include "synapses/projection.hpp"

namespace spikesim {

struct Network {
  NetworkSpec spec;
  PopulationGraph graph;
  std::vector<Population> pops;
  std::vector<Projection> projs;
  Signals signals;  // global signals ("globals"), read by plasticity rules

  uint64_t neurons() const;
  uint64_t synapses() const;
  uint64_t bytes() const;  // state + synapse tables + spike queues (estimate for `validate`)
  uint64_t steps() const;  // number of dt steps to reach tstop
};

Network build_network(NetworkSpec spec);

}  // namespace spikesim
