#pragma once
// A projection at run time: its CSR table and a ring of spike queues, one slot per step
// of delay. Spikes emitted with stamp s go to slot s % L; at step m the synapses of delay d
// receive the spikes of slot (m - d) % L. Delivery adds weights into the target's receptor
// array; each thread delivers to its own range of targets, so sums need no locks and are
// added in the same order for any thread count.
#include <string>
#include <vector>

#include "core/spec.hpp"
#include "synapses/csr.hpp"

namespace spikesim {

struct Projection {
  std::string name;
  int source = -1, target = -1;
  Receptor receptor = kReceptorEx;
  Csr csr;
  std::vector<std::vector<uint32_t>> queue;  // delay_max + 1 slots of presynaptic indices

  void init_queue() { queue.assign(csr.delay_max + 1u, {}); }
  // Spikes stamped `stamp` (a step index) enter the queue; the slot they reuse is stale.
  void push(uint64_t stamp, const std::vector<uint32_t>& spikes) {
    auto& slot = queue[stamp % queue.size()];
    slot.assign(spikes.begin(), spikes.end());
  }
  // Add the weights of all spikes arriving at step `step` into input[lo, hi).
  void deliver(uint64_t step, float* input, uint32_t lo, uint32_t hi, bool whole_range) const;
};

}  // namespace spikesim
