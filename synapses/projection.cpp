#include "synapses/projection.hpp"

namespace spikesim {

void Projection::deliver(uint64_t step, float* input, uint32_t lo, uint32_t hi, bool whole_range) const {
  const uint32_t* tgt = csr.target.data();
  const float* w = csr.weight.data();
  for (uint32_t d = csr.delay_min; d <= csr.delay_max; ++d) {
    if (step < d) break;
    for (uint32_t pre : arrivals(step, d)) {
      uint64_t b, e;
      row_range(pre, d, lo, hi, whole_range, b, e);
      for (uint64_t k = b; k < e; ++k) input[tgt[k]] += w[k];
    }
  }
}

}  // namespace spikesim
