#pragma once
// Connection rules (NEST names) -> CSR. Generation is keyed by counter-based random streams
// per row, so the same seed gives the same synapses for any thread count.
#include "core/spec.hpp"
#include "synapses/csr.hpp"

namespace spikesim {

Csr build_csr(const ProjectionSpec& spec, uint32_t n_src, uint32_t n_tgt, const RunSpec& run,
              uint32_t projection_index);

}  // namespace spikesim
