#pragma once
// NEST's poisson_generator at run time: every target neuron i receives its own Poisson train,
// k spikes in a step with probability lambda^k e^-lambda / k! (lambda = rate x dt, any size:
// no cap of one spike per step), each adding `weight` to its receptor `delay` steps after
// the step that emits them. The count is drawn by inversion of one 32-bit counter-based draw
// keyed by (seed, stream, neuron, emission stamp) against a table of the cumulative
// distribution in units of 2^-32, made once on the host: integer comparisons only, so the CPU
// and the device engines draw the same counts.
#include <cstdint>
#include <vector>

#include "core/hd.hpp"
#include "core/rng.hpp"
#include "core/spec.hpp"

namespace spikesim {

// floor(2^32 P(K <= k)) for k = 0, 1, ..., K Poisson with `mean`, up to the first k where it
// reaches 2^32 - 1 (a larger count has probability below 2^-32).
std::vector<uint32_t> poisson_cdf_table(double mean);

// What both engines read (device memory on the device): the count of neuron i's train in a
// step, and its input at the step that stamps `now`.
struct PoissonDrive {
  float weight = 0.0f;
  uint32_t delay = 1;            // steps
  uint32_t first = 1, last = 0;  // emission stamps: (start, stop] on dt's grid
  CounterRng rng{0, 0};
  const uint32_t* cdf = nullptr;
  uint32_t n_cdf = 0;

  // True when spikes emitted `delay` steps before `now` exist.
  SPIKESIM_HD bool active(uint32_t now) const { return now >= delay && now - delay >= first && now - delay <= last; }
  // The number of spikes of neuron i's train stamped `stamp`: the first k with u < cdf[k].
  SPIKESIM_HD uint32_t count(uint32_t i, uint32_t stamp) const {
    const uint32_t u = rng.raw(i, stamp, 0).v[0];
    if (n_cdf <= 16) {  // small means: 0 is the likely answer, a scan finds it first
      uint32_t k = 0;
      while (k < n_cdf && u >= cdf[k]) ++k;
      return k;
    }
    uint32_t lo = 0, hi = n_cdf;  // the same k by bisection
    while (lo < hi) {
      const uint32_t m = lo + (hi - lo) / 2;
      if (u >= cdf[m]) lo = m + 1;
      else hi = m;
    }
    return lo;
  }
  // Adds neuron i's input at `now` (an active step) to `input`.
  SPIKESIM_HD void add(float* input, uint32_t i, uint32_t now) const {
    const uint32_t k = count(i, now - delay);
    if (k) input[i] += weight * static_cast<float>(k);
  }
};

// One projection from a poisson_generator (core/spec.hpp: PoissonInputSpec), built.
struct PoissonInput {
  std::string name;
  int target = -1;
  Receptor receptor = kReceptorEx;
  std::vector<uint32_t> cdf;
  PoissonDrive drive;  // cdf points into `cdf` (set by view())

  PoissonDrive view() const {
    PoissonDrive d = drive;
    d.cdf = cdf.data();
    d.n_cdf = static_cast<uint32_t>(cdf.size());
    return d;
  }
};

// Input `index` of `net`, built: the table for rate x dt, the window (start, stop] in stamps,
// the stream kStreamPoissonInput | index.
PoissonInput make_poisson_input(const NetworkSpec& net, uint32_t index);

}  // namespace spikesim
