#pragma once
// A projection at run time: its CSR table and a ring of spike queues, one slot per step
// of delay. Spikes emitted with stamp s go to slot s % L; at step m the synapses of delay d
// receive the spikes of slot (m - d) % L. Delivery adds weights into the target's receptor
// array; each thread delivers to its own range of targets, so sums need no locks and are
// added in the same order for any thread count. A plastic projection also holds its rule
// (plasticity/plasticity.hpp), which takes over delivery to run the on_pre hook.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "core/spec.hpp"
#include "synapses/csr.hpp"

namespace spikesim {

class Plasticity;

// Thread tid's contiguous share [lo, hi) of n items (targets, neurons, arrivals).
inline void thread_share(uint64_t n, int tid, int nthreads, uint32_t& lo, uint32_t& hi) {
  lo = static_cast<uint32_t>(n * tid / nthreads);
  hi = static_cast<uint32_t>(n * (tid + 1) / nthreads);
}
// The same within [first, last) (a rank's neurons of a population).
inline void thread_share(uint32_t first, uint32_t last, int tid, int nthreads, uint32_t& lo, uint32_t& hi) {
  thread_share(last - first, tid, nthreads, lo, hi);
  lo += first;
  hi += first;
}

// The targets one thread delivers to: its share [lo, hi) of the target population.
struct TargetPart {
  uint32_t lo, hi;
  int tid, nthreads;
};

struct Projection {
  std::string name;
  int source = -1, target = -1;
  Receptor receptor = kReceptorEx;
  Csr csr;
  std::vector<std::vector<uint32_t>> queue;  // delay_max + 1 slots of presynaptic indices
  std::shared_ptr<Plasticity> plastic;       // null for a static projection
  // With several threads and one delay: where thread t+1's targets begin in row j, at
  // split[t * rows + j] (offset within the row), so each thread reads only its part of a row.
  std::vector<uint32_t> split;
  int split_threads = 1;
  // A static projection whose synapses all have the same weight (bit for bit): delivery adds
  // `same_weight` and reads no weight, half the memory traffic of a row (Brian2's on_pre
  // "ge += we" with a constant). Set by partition(), before a run.
  bool weights_equal = false;
  float same_weight = 0.0f;

  // Before a run: the rows' splits between nthreads threads sharing targets [t_lo, t_hi)
  // (thread_share of the range), and weights_equal.
  void partition(int nthreads, uint32_t t_lo, uint32_t t_hi);

  void init_queue() { queue.assign(csr.delay_max + 1u, {}); }
  // Spikes stamped `stamp` (a step index) enter the queue; the slot they reuse is stale.
  void push(uint64_t stamp, const std::vector<uint32_t>& spikes) {
    auto& slot = queue[stamp % queue.size()];
    slot.assign(spikes.begin(), spikes.end());
  }
  // Presynaptic neurons whose spikes reach synapses of delay d at step `step`.
  const std::vector<uint32_t>& arrivals(uint64_t step, uint32_t d) const { return queue[(step - d) % queue.size()]; }
  // Synapses [b, e) of row `pre` with delay d and target in the thread's part.
  void row_range(uint32_t pre, uint32_t d, const TargetPart& part, uint64_t& b, uint64_t& e) const {
    b = csr.row_ptr[pre];
    e = csr.row_ptr[pre + 1];
    if (part.nthreads > 1 && split_threads == part.nthreads) {
      const uint64_t base = b, rows = csr.rows();
      if (part.tid > 0) b = base + split[(part.tid - 1) * rows + pre];
      if (part.tid + 1 < part.nthreads) e = base + split[part.tid * rows + pre];
      return;
    }
    if (!csr.delay.empty()) {
      const uint16_t* dl = csr.delay.data();
      b = std::lower_bound(dl + b, dl + e, d) - dl;
      e = std::upper_bound(dl + b, dl + e, d) - dl;
    }
    if (part.nthreads > 1) {
      const uint32_t* tgt = csr.target.data();
      b = std::lower_bound(tgt + b, tgt + e, part.lo) - tgt;
      e = std::lower_bound(tgt + b, tgt + e, part.hi) - tgt;
    }
  }
  // Calls f(pre, b, e) for each spike reaching synapses of delay d at `step`, with [b, e)
  // its synapses in the thread's part, in spike order. Out of cache a row costs two
  // dependent misses (its row pointer and split, then its synapses), so pointers are
  // prefetched kPtrs spikes ahead and synapses kRows ahead. Static and plastic delivery
  // both walk rows through here.
  template <class F>
  void for_each_row(uint64_t step, uint32_t d, const TargetPart& part, F f) const {
    constexpr size_t kRows = 4, kPtrs = 12;
    const std::vector<uint32_t>& spikes = arrivals(step, d);
    const size_t n = spikes.size();
    const bool split_rows = part.nthreads > 1 && split_threads == part.nthreads;
    const uint64_t rows = csr.rows();
    auto prefetch_row = [&](uint32_t j) {
      uint64_t nb, ne;
      row_range(j, d, part, nb, ne);
      // The whole row, up to 8 lines of each array (128 synapses).
      const uint64_t last = std::min(ne, nb + 128);
      for (uint64_t off = nb; off < last; off += 16) {
        __builtin_prefetch(csr.target.data() + off);
        if (!weights_equal) __builtin_prefetch(csr.weight.data() + off);
      }
    };
    // A step usually has only a few arrivals (COBA 4000: about 8): the first kRows rows are
    // requested together before the first is read.
    for (size_t a = 0; a < n && a < kRows; ++a) prefetch_row(spikes[a]);
    for (size_t a = 0; a < n; ++a) {
      if (a + kPtrs < n) {
        const uint32_t j = spikes[a + kPtrs];
        __builtin_prefetch(csr.row_ptr.data() + j);
        if (split_rows) {
          if (part.tid > 0) __builtin_prefetch(split.data() + (part.tid - 1) * rows + j);
          if (part.tid + 1 < part.nthreads) __builtin_prefetch(split.data() + part.tid * rows + j);
        }
      }
      if (a + kRows < n) prefetch_row(spikes[a + kRows]);
      uint64_t b, e;
      row_range(spikes[a], d, part, b, e);
      f(spikes[a], b, e);
    }
  }
  // Add the weights of all spikes arriving at step `step` into the thread's part of input.
  void deliver(uint64_t step, float* input, const TargetPart& part) const;
};

}  // namespace spikesim
