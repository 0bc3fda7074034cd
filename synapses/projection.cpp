#include "synapses/projection.hpp"

#include <cstring>

namespace spikesim {

void Projection::deliver(uint64_t step, float* input, const TargetPart& part) const {
  const uint32_t* tgt = csr.target.data();
  const float* w = csr.weight.data();
  const float c = same_weight;
  for (uint32_t d = csr.delay_min; d <= csr.delay_max && d <= step; ++d) {
    if (weights_equal)
      for_each_row(step, d, part, [&](uint32_t, uint64_t b, uint64_t e) {
        for (uint64_t k = b; k < e; ++k) input[tgt[k]] += c;
      });
    else
      for_each_row(step, d, part, [&](uint32_t, uint64_t b, uint64_t e) {
        for (uint64_t k = b; k < e; ++k) input[tgt[k]] += w[k];
      });
  }
}

void Projection::partition(int nthreads, uint32_t t_lo, uint32_t t_hi) {
  weights_equal = !plastic && !csr.weight.empty() &&
                  std::all_of(csr.weight.begin(), csr.weight.end(), [&](float w) {
                    return std::memcmp(&w, csr.weight.data(), sizeof w) == 0;
                  });
  same_weight = weights_equal ? csr.weight[0] : 0.0f;
  split.clear();
  split_threads = 1;
  if (nthreads <= 1 || !csr.delay.empty()) return;  // several delays: binary search per row
  const uint64_t rows = csr.rows();
  split.resize(static_cast<size_t>(nthreads - 1) * rows);
  for (int t = 1; t < nthreads; ++t) {
    uint32_t lo, hi;
    thread_share(t_hi - t_lo, t, nthreads, lo, hi);
    lo += t_lo;
    for (uint64_t j = 0; j < rows; ++j) {
      const uint32_t* row = csr.target.data() + csr.row_ptr[j];
      const uint32_t* end = csr.target.data() + csr.row_ptr[j + 1];
      split[(t - 1) * rows + j] = static_cast<uint32_t>(std::lower_bound(row, end, lo) - row);
    }
  }
  split_threads = nthreads;
}

}  // namespace spikesim
