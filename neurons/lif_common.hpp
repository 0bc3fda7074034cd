#pragma once
// What every LIF model does around its sub-threshold step: the refractory clamp, the exact
// decay of the two synaptic variables, and threshold and reset. `integrate(y)` returns the
// membrane (y = V_m - E_L) one step later; it is computed for every neuron and discarded
// while the neuron is refractory, so the loop has no branches and vectorises.
#include <cmath>
#include <cstdint>

#include "core/hd.hpp"

namespace spikesim {

struct LifReset {
  float theta, V_reset;  // relative to E_L
  int32_t ref_steps;

  static LifReset make(double V_th, double V_reset, double E_L, double t_ref, double h) {
    return {static_cast<float>(V_th - E_L), static_cast<float>(V_reset - E_L),
            static_cast<int32_t>(std::lround(t_ref / h))};
  }
};

template <class Integrate>
SPIKESIM_HD bool lif_step(const LifReset& r, float P_ex, float P_in, float& y, float& s_ex, float& s_in,
                          int32_t& ref, Integrate integrate) {
  const bool active = ref <= 0;
  const float y_new = integrate(y);
  float v = active ? y_new : y;
  int32_t k = active ? ref : ref - 1;
  s_ex *= P_ex;
  s_in *= P_in;
  const bool spike = v >= r.theta;
  y = spike ? r.V_reset : v;
  ref = spike ? r.ref_steps : k;
  return spike;
}

}  // namespace spikesim
