#pragma once
// The built network: populations with their state, projections with their CSR tables,
// and the population graph. Built once from a NetworkSpec.
#include <functional>
#include <string>
#include <vector>

#include "core/pop_graph.hpp"
#include "core/rank_part.hpp"
#include "core/signals.hpp"
#include "core/spec.hpp"
#include "neurons/population.hpp"
#include "synapses/poisson_input.hpp"
#include "synapses/projection.hpp"

namespace spikesim {

struct Network {
  NetworkSpec spec;
  PopulationGraph graph;
  std::vector<Population> pops;
  std::vector<Projection> projs;
  std::vector<PoissonInput> poisson_inputs;  // projections from poisson_generators
  Signals signals;  // global signals ("globals"), read by plasticity rules
  // The neurons this process owns (a rank of a distributed run, docs/mpi.md; else every
  // neuron): state arrays are whole, but only its neurons are stepped, and its tables hold
  // only the synapses onto them.
  RankPart part;

  uint64_t neurons() const;
  uint64_t synapses() const;
  uint64_t bytes() const;  // state + synapse tables + spike queues (estimate for `validate`)
  uint64_t steps() const;  // number of dt steps to reach tstop
};

// The distinct periods, in steps, of the network's periodic trial rules (Backend::periods).
std::vector<uint64_t> periods_of(const Network& net);

// Reads a projection's "weights_from" file into its CSR weights (io/edges_file.hpp's
// load_weights); errors name `ptr`.
using WeightsLoader = std::function<void(const std::string& path, const std::string& name, Projection& proj, const std::string& ptr)>;

// Builds the network of `spec`; a projection with "weights_from" needs `load`. With `part`
// (a rank of a distributed run), only the synapses onto its neurons are built, and weights
// monitors are resolved later, against the whole tables' sizes (resolve_weight_monitors).
Network build_network(NetworkSpec spec, const WeightsLoader& load, const RankPart* part = nullptr);

// A rank's part of a whole network (a distributed run resumed from a checkpoint, which
// holds the whole network, docs/mpi.md): each table keeps the synapses onto the rank's
// neurons with their weights and rule state, in the order build_network(part) gives them;
// delay rings, traces (per neuron), signals and neuron state stay whole.
Network restrict_network(Network&& whole, const RankPart& part);

// The synapses each weights monitor records, from the sizes of the whole projections.
void resolve_weight_monitors(Network& net, const std::vector<uint64_t>& sizes);

}  // namespace spikesim
