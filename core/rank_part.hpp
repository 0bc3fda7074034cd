#pragma once
// Which neurons each rank of a distributed run owns (docs/mpi.md): a contiguous range of
// every population, ranges ascending with the rank, so that the ranks' spikes concatenated
// in rank order are the population's spikes in ascending order. The ranges balance each
// population's cost, a neuron counting 1 plus its expected incoming synapses (exact for
// one_to_one and explicit lists, the rule's mean otherwise).
#include <cstdint>
#include <vector>

#include "core/spec.hpp"

namespace spikesim {

struct RankPart {
  int rank = 0, ranks = 1;
  std::vector<std::vector<uint32_t>> bounds;  // per population: ranks + 1 ascending bounds

  bool whole() const { return ranks == 1; }
  uint32_t lo(int pop) const { return bounds[pop][rank]; }
  uint32_t hi(int pop) const { return bounds[pop][rank + 1]; }
  uint32_t lo(int pop, int r) const { return bounds[pop][r]; }
  uint32_t hi(int pop, int r) const { return bounds[pop][r + 1]; }
};

// The ranges of rank `rank` of `ranks` (ranks = 1: every population whole).
RankPart rank_part(const NetworkSpec& spec, int rank, int ranks);

// The expected number of synapses of projection `s` onto each of the n_tgt targets.
std::vector<double> expected_in_degree(const ProjectionSpec& s, uint32_t n_src, uint32_t n_tgt);

}  // namespace spikesim
