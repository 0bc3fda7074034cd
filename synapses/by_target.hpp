#pragma once
// A CSR table's synapses grouped by target neuron (the transposed index): for target i,
// entries ptr[i] .. ptr[i+1] give each synapse's source `pre` and CSR index `syn`, ordered by
// (delay, source, CSR index), which is the order in which the CPU engine adds a target's
// inputs. Plastic projections walk it in on_post; the device engine delivers per target by it.
#include <cstdint>
#include <vector>

#include "synapses/csr.hpp"

namespace spikesim {

struct ByTarget {
  std::vector<uint64_t> ptr;  // n_target + 1
  std::vector<uint32_t> pre, syn;
};

ByTarget by_target(const Csr& csr, uint32_t n_target);

}  // namespace spikesim
