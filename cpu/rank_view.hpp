#pragma once
// What the monitors of a distributed run read (docs/mpi.md). They write on rank 0, which
// steps only its own neurons and holds only the synapses onto them; the view is the whole
// network on rank 0: every neuron's state, and the whole table of each projection a monitor
// reads (weights monitors, plastic projections' final weights, the circuit), gathered from
// the ranks whenever a monitor samples and when the run ends.
//
// A table's rows are gathered in the whole table's order: each rank's part of row j is
// sorted by (delay, target) and the ranks own disjoint target ranges, so merging the parts by
// (delay, target) gives row j as one process builds it. The merge is done once; each later
// gather of weights moves every rank's weights to their places (`place`).
#include <memory>
#include <vector>

#include "core/comm.hpp"
#include "plasticity/network.hpp"

namespace spikesim {

class RankView {
 public:
  // Collective. On rank 0 the view is built: the state as it is now, the tables' structure
  // and weights. `complete`: every projection's table (a checkpoint holds the whole network).
  RankView(Network& net, Comm& comm, bool complete = false);
  Network& network() { return *full_; }  // rank 0 only
  // Collective: every neuron's state into the view.
  void gather_state();
  // Collective: the current weights of projection i (one the view holds) into the view.
  void gather_weights(int i);
  void gather_all_weights();
  // Collective: everything a checkpoint saves (plasticity/network_state.cpp), into the view
  // (complete): neuron state and refractory counts, weights, per-synapse rule state,
  // postsynaptic and partner traces (each rank its own neurons'); from rank 0, what every
  // rank holds alike: delay rings, presynaptic traces, rule integrals, signals, thresholds.
  void gather_checkpoint();
  bool holds(int i) const { return needed_[i]; }

 private:
  void gather_table(int i);
  void build_table(int i, const std::vector<uint64_t>& all_len, const std::vector<uint32_t>& all_tgt,
                   const std::vector<uint16_t>& all_delay);
  template <class T>
  void gather_slices(const std::vector<T>& mine, int pop, size_t per_neuron, std::vector<T>& whole);
  template <class T>
  void gather_placed(const std::vector<T>& mine, int i, size_t per_synapse, std::vector<T>& whole);
  Network& net_;
  Comm& comm_;
  std::unique_ptr<Network> full_;
  std::vector<bool> needed_;
  std::vector<std::vector<uint64_t>> place_;  // per projection: rank-ordered synapse -> index in the whole table
};

// The whole projections' sizes (a collective sum of each rank's tables).
std::vector<uint64_t> whole_sizes(const Network& net, Comm& comm);

}  // namespace spikesim
