#pragma once
// Leaky integrate-and-fire neuron with exponential post-synaptic currents (NEST iaf_psc_exp).
// The sub-threshold dynamics are linear, so they are integrated exactly (Rotter & Diesmann
// 1999): over one step h the state (V, I_ex, I_in) is multiplied by a fixed propagator.
//   C_m dV/dt = -g_L (V - E_L) + I_ex + I_in + I_e,   dI_x/dt = -I_x / tau_syn_x
// Units: mV, pA, pF, nS, ms. Inhibitory weights are negative currents (NEST convention).
// As in NEST, the state holds V_m - E_L: float32 then resolves the small deviations from
// rest (a PSP of 0.1 mV) instead of rounding at the magnitude of E_L.
#include <cmath>
#include <cstdint>

#include "core/hd.hpp"
#include "neurons/lif_common.hpp"

namespace spikesim {

struct LifCurrExp {
  static constexpr int kVars = 3;  // V_m - E_L, I_syn_ex, I_syn_in
  struct Params {
    double C_m, g_L, E_L, V_th, V_reset, t_ref, I_e, tau_syn_ex, tau_syn_in;
  };
  struct Prop {
    float P22, P11_ex, P11_in, P21_ex, P21_in, P20_Ie;
    LifReset reset;
  };

  // NEST iaf_psc_exp's defaults (g_L = C_m / tau_m = 250 pF / 10 ms).
  static ModelInfo info() {
    ModelInfo m;
    m.name = "lif_curr_exp";
    m.params = {param_C_m(250.0), param_g_L(25.0), param_mV("E_L", -70.0), param_mV("V_th", -55.0),
                param_mV("V_reset", -70.0), param_t_ref(2.0), param_I_e(0.0), param_tau("tau_syn_ex", 2.0),
                param_tau("tau_syn_in", 2.0)};
    m.state = {{"V_m", "mV"}, {"I_syn_ex", "pA"}, {"I_syn_in", "pA"}};
    m.ordered = {{"V_reset", "V_th"}};
    m.v_var = 0, m.ex_var = 1, m.in_var = 2;
    m.v_offset = "E_L";
    m.has_receptors = true;
    return m;
  }

  // P21 = (1/C) * tau_s tau_m / (tau_m - tau_s) * (exp(-h/tau_m) - exp(-h/tau_s)), with the
  // limit h/C exp(-h/tau) when the two time constants coincide.
  static double p21(double h, double C, double tau_m, double tau_s) {
    if (std::fabs(tau_m - tau_s) < 1e-10 * tau_m) return h / C * std::exp(-h / tau_m);
    return tau_s * tau_m / (C * (tau_m - tau_s)) * std::exp(-h / tau_m) *
           -std::expm1(h / tau_m - h / tau_s);
  }

  static Prop make(const Params& p, double h) {
    const double tau_m = p.C_m / p.g_L;
    Prop q;
    q.P22 = static_cast<float>(std::exp(-h / tau_m));
    q.P11_ex = static_cast<float>(std::exp(-h / p.tau_syn_ex));
    q.P11_in = static_cast<float>(std::exp(-h / p.tau_syn_in));
    q.P21_ex = static_cast<float>(p21(h, p.C_m, tau_m, p.tau_syn_ex));
    q.P21_in = static_cast<float>(p21(h, p.C_m, tau_m, p.tau_syn_in));
    q.P20_Ie = static_cast<float>(-std::expm1(-h / tau_m) * p.I_e / p.g_L);
    q.reset = LifReset::make(p.V_th, p.V_reset, p.E_L, p.t_ref, h);
    return q;
  }
  static Prop make(const ParamMap& p, double h) {
    return make({p.at("C_m"), p.at("g_L"), p.at("E_L"), p.at("V_th"), p.at("V_reset"), p.at("t_ref"), p.at("I_e"),
                 p.at("tau_syn_ex"), p.at("tau_syn_in")},
                h);
  }
  static void initial(const Prop&, float*, const bool*) {}  // at rest, no current
  static bool self_driven(const PopulationSpec& s) { return lif_self_driven(s); }

  // One step from t to t+h of y = V_m - E_L. Returns true on a spike at t+h.
  SPIKESIM_HD static bool step(const Prop& q, float& y, float& I_ex, float& I_in, int32_t& ref) {
    return lif_step(q.reset, q.P11_ex, q.P11_in, y, I_ex, I_in, ref, [&](float v) {
      return q.P22 * v + q.P21_ex * I_ex + q.P21_in * I_in + q.P20_Ie;
    });
  }
  SPIKESIM_HD static bool step(const Prop& q, float* const* x, int32_t& ref, const NeuronCtx& c) {
    return step(q, x[0][c.i], x[1][c.i], x[2][c.i], ref);
  }
};

}  // namespace spikesim
