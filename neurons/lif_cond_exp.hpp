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
  static constexpr int kVars = 3;  // V_m - E_L, g_ex, g_in
  struct Params {
    double C_m, g_L, E_L, V_th, V_reset, t_ref, I_e, E_ex, E_in, tau_syn_ex, tau_syn_in;
  };
  struct Prop {
    float h_over_C, g_L, I_e, E_ex, E_in, P_ex, P_in;  // potentials relative to E_L
    LifReset reset;
  };

  // NEST iaf_cond_exp's defaults (g_L = C_m / tau_m = 250 pF / 15 ms).
  static ModelInfo info() {
    ModelInfo m;
    m.name = "lif_cond_exp";
    m.method = "exponential_euler";
    m.params = {param_C_m(250.0), param_g_L(16.6667), param_mV("E_L", -70.0), param_mV("V_th", -55.0),
                param_mV("V_reset", -60.0), param_t_ref(2.0), param_I_e(0.0), param_mV("E_ex", 0.0),
                param_mV("E_in", -85.0), param_tau("tau_syn_ex", 0.2), param_tau("tau_syn_in", 2.0)};
    m.state = {{"V_m", "mV"}, {"g_ex", "nS"}, {"g_in", "nS"}};
    m.ordered = {{"V_reset", "V_th"}};
    m.v_var = 0, m.ex_var = 1, m.in_var = 2;
    m.v_offset = "E_L";
    m.has_receptors = m.conductance = true;
    return m;
  }

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

  static Prop make(const ParamMap& p, double h) {
    return make({p.at("C_m"), p.at("g_L"), p.at("E_L"), p.at("V_th"), p.at("V_reset"), p.at("t_ref"), p.at("I_e"),
                 p.at("E_ex"), p.at("E_in"), p.at("tau_syn_ex"), p.at("tau_syn_in")},
                h);
  }
  static void initial(const Prop&, float*, const bool*) {}  // at rest, no conductance
  static bool self_driven(const PopulationSpec& s) { return lif_self_driven(s); }

  // The membrane's right-hand side at the start of the step: C_m dy/dt = drive - g_tot y.
  SPIKESIM_HD static float total(const Prop& q, float g_ex, float g_in) { return q.g_L + g_ex + g_in; }
  SPIKESIM_HD static float drive(const Prop& q, float g_ex, float g_in) { return q.I_e + g_ex * q.E_ex + g_in * q.E_in; }
  // One forward Euler step of the membrane (Brian2's method='euler').
  SPIKESIM_HD static float euler(const Prop& q, float v, float g_tot, float drive) {
    return v + q.h_over_C * (drive - g_tot * v);
  }

  SPIKESIM_HD static bool step(const Prop& q, float& y, float& g_ex, float& g_in, int32_t& ref) {
    return lif_step(q.reset, q.P_ex, q.P_in, y, g_ex, g_in, ref, [&](float v) {
      const float g_tot = total(q, g_ex, g_in);
      const float d = drive(q, g_ex, g_in);
      // Euler where the total conductance vanishes (V_inf undefined); both are computed.
      const bool tiny = std::fabs(g_tot) <= 1e-6f;
      const float y_inf = d / (tiny ? 1.0f : g_tot);
      const float relaxed = y_inf + (v - y_inf) * fast_exp(-q.h_over_C * g_tot);
      return tiny ? euler(q, v, g_tot, d) : relaxed;
    });
  }
  SPIKESIM_HD static bool step(const Prop& q, float* const* x, int32_t& ref, const NeuronCtx& c) {
    return step(q, x[0][c.i], x[1][c.i], x[2][c.i], ref);
  }
};

}  // namespace spikesim
