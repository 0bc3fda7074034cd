#include "synapses/projection.hpp"

#include <algorithm>

namespace spikesim {

void Projection::deliver(uint64_t step, float* input, uint32_t lo, uint32_t hi, bool whole_range) const {
  const uint64_t L = queue.size();
  const uint32_t* tgt = csr.target.data();
  const float* w = csr.weight.data();
  const bool hetero = !csr.delay.empty();
  for (uint32_t d = csr.delay_min; d <= csr.delay_max; ++d) {
    if (step < d) break;
    for (uint32_t pre : queue[(step - d) % L]) {
      uint64_t b = csr.row_ptr[pre], e = csr.row_ptr[pre + 1];
      if (hetero) {
        const uint16_t* dl = csr.delay.data();
        b = std::lower_bound(dl + b, dl + e, d) - dl;
        e = std::upper_bound(dl + b, dl + e, d) - dl;
      }
      if (!whole_range) {
        b = std::lower_bound(tgt + b, tgt + e, lo) - tgt;
        e = std::lower_bound(tgt + b, tgt + e, hi) - tgt;
      }
      for (uint64_t k = b; k < e; ++k) input[tgt[k]] += w[k];
    }
  }
}

}  // namespace spikesim
