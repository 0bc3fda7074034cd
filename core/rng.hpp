#pragma once
// Counter-based random numbers (Philox4x32-10, Salmon et al. 2011). A draw is a pure
// function of (seed, stream, index, step, draw), so results do not depend on the thread
// count, on the order of evaluation, or on whether the CPU or the GPU computes them.
#include <cmath>
#include <cstdint>

#include "core/hd.hpp"

namespace spikesim {

// Stream purposes; the low 24 bits of a stream hold the population or projection index.
enum StreamKind : uint32_t {
  kStreamPoisson = 1u << 24,
  kStreamInit = 2u << 24,
  kStreamConnect = 3u << 24,
  kStreamWeight = 4u << 24,
  kStreamDelay = 5u << 24,
  kStreamSample = 6u << 24,  // synapses sampled by weights monitors
  kStreamReward = 7u << 24,  // delays of pair-triggered rewards
  kStreamTask = 8u << 24,    // a task's categories and tie breaks, by trial
  kStreamProtocol = 9u << 24,  // draws of a protocol runner (patterns, teacher weights)
  kStreamParams = 10u << 24,   // per-neuron parameters drawn from a distribution
  kStreamPoissonInput = 11u << 24,  // poisson_generator trains, by input (synapses/poisson_input.hpp)
};

struct Philox4 {
  uint32_t v[4];
};

SPIKESIM_HD void philox_mulhilo(uint32_t a, uint32_t b, uint32_t& hi, uint32_t& lo) {
  const uint64_t p = static_cast<uint64_t>(a) * b;
  hi = static_cast<uint32_t>(p >> 32);
  lo = static_cast<uint32_t>(p);
}

SPIKESIM_HD Philox4 philox4x32_10(Philox4 ctr, uint32_t k0, uint32_t k1) {
  for (int round = 0; round < 10; ++round) {
    uint32_t hi0, lo0, hi1, lo1;
    philox_mulhilo(0xD2511F53u, ctr.v[0], hi0, lo0);
    philox_mulhilo(0xCD9E8D57u, ctr.v[2], hi1, lo1);
    ctr = Philox4{{hi1 ^ ctr.v[1] ^ k0, lo1, hi0 ^ ctr.v[3] ^ k1, lo0}};
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  return ctr;
}

// Keyed generator: seed is the key; (stream, index, step, draw) is the counter.
struct CounterRng {
  uint64_t seed;
  uint32_t stream;

  SPIKESIM_HD Philox4 raw(uint32_t index, uint32_t step, uint32_t draw) const {
    return philox4x32_10(Philox4{{index, step, stream, draw}}, static_cast<uint32_t>(seed),
                         static_cast<uint32_t>(seed >> 32));
  }
  // Uniform in [0, 1) with 53 random bits.
  SPIKESIM_HD double uniform(uint32_t index, uint32_t step, uint32_t draw = 0) const {
    const Philox4 r = raw(index, step, draw);
    return to_unit(r.v[0], r.v[1]);
  }
  // Standard normal by Box-Muller from one Philox block.
  SPIKESIM_HD double normal(uint32_t index, uint32_t step, uint32_t draw = 0) const {
    const Philox4 r = raw(index, step, draw);
    const double u1 = 1.0 - to_unit(r.v[0], r.v[1]);  // (0, 1]
    const double u2 = to_unit(r.v[2], r.v[3]);
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  SPIKESIM_HD static double to_unit(uint32_t a, uint32_t b) {
    const uint64_t x = (static_cast<uint64_t>(a) << 21) ^ (b >> 11);
    return static_cast<double>(x & ((1ull << 53) - 1)) * (1.0 / 9007199254740992.0);
  }
};

}  // namespace spikesim
