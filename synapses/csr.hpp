#pragma once
// Synapses of one projection in compressed sparse rows by presynaptic neuron: 8 bytes per
// static synapse (target index + weight). Within a row, synapses are sorted by (delay,
// target); the per-synapse delay array exists only when delays differ within a projection.
#include <cstdint>
#include <vector>

namespace spikesim {

struct Csr {
  std::vector<uint64_t> row_ptr;  // n_pre + 1
  std::vector<uint32_t> target;
  std::vector<float> weight;
  std::vector<uint16_t> delay;  // steps, per synapse; empty when all equal delay_min
  uint16_t delay_min = 1, delay_max = 1;

  uint64_t size() const { return target.size(); }
  uint32_t rows() const { return row_ptr.empty() ? 0 : static_cast<uint32_t>(row_ptr.size() - 1); }
  uint64_t bytes() const {
    return row_ptr.size() * 8 + target.size() * 4 + weight.size() * 4 + delay.size() * 2;
  }
};

}  // namespace spikesim
