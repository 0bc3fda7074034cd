#pragma once
// Connection rules (NEST names) -> CSR. Generation is keyed by counter-based random streams
// per row, so the same seed gives the same synapses for any thread count.
#include <cstdint>

#include "core/spec.hpp"
#include "synapses/csr.hpp"

namespace spikesim {

// The targets a table keeps (a rank's share of a distributed run, core/rank_part.hpp):
// [lo, hi); the rest of each row is drawn but not stored, so every kept synapse gets the
// weight and delay it has in the whole table (they are keyed by its place in its row).
struct TargetRange {
  uint32_t lo = 0, hi = UINT32_MAX;
  bool whole(uint32_t n) const { return lo == 0 && hi >= n; }
};

Csr build_csr(const ProjectionSpec& spec, uint32_t n_src, uint32_t n_tgt, const RunSpec& run,
              uint32_t projection_index, const TargetRange& range = {});

}  // namespace spikesim
