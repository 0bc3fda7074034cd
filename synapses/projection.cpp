#include "synapses/projection.hpp"

namespace spikesim {

void Projection::deliver(uint64_t step, float* input, const TargetPart& part) const {
  const uint32_t* tgt = csr.target.data();
  const float* w = csr.weight.data();
  const uint64_t* ptr = csr.row_ptr.data();
  const bool split_rows = part.nthreads > 1 && split_threads == part.nthreads;
  const uint64_t rows = csr.rows();
  // Out of cache, a row costs two dependent misses: its row pointer (and split), then its
  // synapses. So pointers are fetched kPtrs spikes ahead and synapses kRows ahead.
  constexpr size_t kRows = 4, kPtrs = 12;
  for (uint32_t d = csr.delay_min; d <= csr.delay_max; ++d) {
    if (step < d) break;
    const std::vector<uint32_t>& spikes = arrivals(step, d);
    const size_t n = spikes.size();
    for (size_t a = 0; a < n; ++a) {
      if (a + kPtrs < n) {
        const uint32_t j = spikes[a + kPtrs];
        __builtin_prefetch(ptr + j);
        if (split_rows) {
          if (part.tid > 0) __builtin_prefetch(split.data() + (part.tid - 1) * rows + j);
          if (part.tid + 1 < part.nthreads) __builtin_prefetch(split.data() + part.tid * rows + j);
        }
      }
      if (a + kRows < n) {
        uint64_t nb, ne;
        row_range(spikes[a + kRows], d, part, nb, ne);
        __builtin_prefetch(tgt + nb);
        __builtin_prefetch(w + nb);
        __builtin_prefetch(tgt + nb + 16);
        __builtin_prefetch(w + nb + 16);
      }
      uint64_t b, e;
      row_range(spikes[a], d, part, b, e);
      for (uint64_t k = b; k < e; ++k) input[tgt[k]] += w[k];
    }
  }
}

void Projection::partition(int nthreads, uint32_t n_target) {
  split.clear();
  split_threads = 1;
  if (nthreads <= 1 || !csr.delay.empty()) return;  // several delays: binary search per row
  const uint64_t rows = csr.rows();
  split.resize(static_cast<size_t>(nthreads - 1) * rows);
  for (int t = 1; t < nthreads; ++t) {
    uint32_t lo, hi;
    thread_share(n_target, t, nthreads, lo, hi);
    for (uint64_t j = 0; j < rows; ++j) {
      const uint32_t* row = csr.target.data() + csr.row_ptr[j];
      const uint32_t* end = csr.target.data() + csr.row_ptr[j + 1];
      split[(t - 1) * rows + j] = static_cast<uint32_t>(std::lower_bound(row, end, lo) - row);
    }
  }
  split_threads = nthreads;
}

}  // namespace spikesim
