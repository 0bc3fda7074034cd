#pragma once
// What every LIF model does around its sub-threshold step: the refractory clamp, the exact
// decay of the two synaptic variables, and threshold and reset. `integrate(y)` advances the
// membrane (y = V_m - E_L) by one step when the neuron is not refractory.
#include <cstdint>

#include "core/hd.hpp"

namespace spikesim {

struct LifReset {
  float theta, V_reset;  // relative to E_L
  int32_t ref_steps;
};

template <class Integrate>
SPIKESIM_HD bool lif_step(const LifReset& r, float P_ex, float P_in, float& y, float& s_ex, float& s_in,
                          int32_t& ref, Integrate integrate) {
  if (ref > 0) --ref;
  else integrate(y);
  s_ex *= P_ex;
  s_in *= P_in;
  if (y >= r.theta) {
    y = r.V_reset;
    ref = r.ref_steps;
    return true;
  }
  return false;
}

}  // namespace spikesim
