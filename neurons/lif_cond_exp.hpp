#pragma once
// Leaky integrate-and-fire neuron with exponential synaptic conductances (NEST iaf_cond_exp,
// the COBA benchmark neuron).
//   C_m dV/dt = g_L (E_L - V) + g_ex (E_ex - V) + g_in (E_in - V) + I_e,  dg_x/dt = -g_x / tau_syn_x
// V is not linear with constant coefficients, so there is no exact propagator. Over a step
// the conductances are held at their start-of-step values and V relaxes exactly towards the
// resulting V_inf (exponential Euler, as Brian2's method='exponential_euler'); the
// conductances decay exactly. Units: mV, nS, pF, pA, ms. The state holds y = V_m - E_L
// (as in NEST), and reversal potentials, threshold and reset are stored relative to E_L.
#include <cmath>
#include <cstdint>

#include "core/fast_exp.hpp"
#include "core/hd.hpp"
#include "neurons/lif_common.hpp"

namespace spikesim {

struct LifCondExp {
  struct Params {
    double C_m, g_L, E_L, V_th, V_reset, t_ref, I_e, E_ex, E_in, tau_syn_ex, tau_syn_in;
  };
  struct Prop {
    float h_over_C, g_L, I_e, E_ex, E_in, P_ex, P_in;  // potentials relative to E_L
    LifReset reset;
  };

  static Prop make(const Params& p, double h) {
    Prop q;
    q.h_over_C = static_cast<float>(h / p.C_m);
    q.g_L = static_cast<float>(p.g_L);
    q.I_e = static_cast<float>(p.I_e);
    q.E_ex = static_cast<float>(p.E_ex - p.E_L);
    q.E_in = static_cast<float>(p.E_in - p.E_L);
    q.P_ex = static_cast<float>(std::exp(-h / p.tau_syn_ex));
    q.P_in = static_cast<float>(std::exp(-h / p.tau_syn_in));
    q.reset = LifReset::make(p.V_th, p.V_reset, p.E_L, p.t_ref, h);
    return q;
  }

  SPIKESIM_HD static bool step(const Prop& q, float& y, float& g_ex, float& g_in, int32_t& ref) {
    return lif_step(q.reset, q.P_ex, q.P_in, y, g_ex, g_in, ref, [&](float v) {
      const float g_tot = q.g_L + g_ex + g_in;
      const float drive = q.I_e + g_ex * q.E_ex + g_in * q.E_in;
      // Euler where the total conductance vanishes (V_inf undefined); both are computed.
      const bool tiny = std::fabs(g_tot) <= 1e-6f;
      const float y_inf = drive / (tiny ? 1.0f : g_tot);
      const float relaxed = y_inf + (v - y_inf) * fast_exp(-q.h_over_C * g_tot);
      return tiny ? v + q.h_over_C * (drive - g_tot * v) : relaxed;
    });
  }
};

}  // namespace spikesim
