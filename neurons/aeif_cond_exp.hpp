#pragma once
// Adaptive exponential integrate-and-fire neuron with exponential synaptic conductances
// (Brette & Gerstner 2005; NEST aeif_cond_exp, its parameter names and defaults):
//   C_m dV/dt = -g_L (V - E_L) + g_L Delta_T exp((V - V_th) / Delta_T)
//               - g_ex (V - E_ex) - g_in (V - E_in) - w + I_e
//   tau_w dw/dt = a (V - E_L) - w,      dg_x/dt = -g_x / tau_syn_x
// At V >= V_peak: a spike, V = V_reset, w += b, and V is held at V_reset for t_ref (w goes
// on). As in NEST, V is clamped to V_peak inside the right-hand side (the exponential cannot
// overflow) and, with Delta_T = 0, the threshold is V_th (a LIF neuron with adaptation).
// Integration: classical Runge-Kutta (4th order) for (V, w) over each step, with the
// conductances at the stage times taken from their exact decay; then the conductances decay
// exactly. NEST integrates the same equations with an adaptive RKF45 solver; the accuracy
// against a fine-step reference: docs/network-file.md (aeif_cond_exp), tests/test_aeif.cpp. Units: mV, pA, nS, pF, ms. The state
// holds y = V_m - E_L (as the LIF models).
#include <cmath>
#include <cstdint>

#include "core/fast_exp.hpp"
#include "core/hd.hpp"
#include "neurons/lif_common.hpp"

namespace spikesim {

struct AeifCondExp {
  static constexpr int kVars = 4;  // V_m - E_L, w, g_ex, g_in
  struct Prop {
    float h, inv_C, g_L, Delta_T, inv_Delta_T, theta, y_peak, y_reset, E_ex, E_in, I_e, a, b, inv_tau_w;
    float P_ex, P_in, Ph_ex, Ph_in;  // conductance decay over a step and half a step
    int32_t ref_steps;
    bool exp_on;  // Delta_T > 0
  };

  static ModelInfo info() {
    ModelInfo m;
    m.name = "aeif_cond_exp";
    m.params = {param_C_m(281.0), param_g_L(30.0), param_mV("E_L", -70.6), param_mV("V_th", -50.4),
                {"Delta_T", 2.0, "mV", "a slope factor", ParamInfo::kNonNegative}, param_tau("tau_w", 144.0),
                {"a", 4.0, "nS", "a subthreshold adaptation"}, {"b", 80.5, "pA", "a spike-triggered adaptation"},
                param_mV("V_reset", -60.0), param_t_ref(0.0), param_mV("V_peak", 0.0), param_I_e(0.0),
                param_mV("E_ex", 0.0), param_mV("E_in", -85.0), param_tau("tau_syn_ex", 0.2),
                param_tau("tau_syn_in", 2.0)};
    m.state = {{"V_m", "mV"}, {"w", "pA"}, {"g_ex", "nS"}, {"g_in", "nS"}};
    m.ordered = {{"V_reset", "V_peak"}, {"V_th", "V_peak"}};
    m.v_var = 0, m.ex_var = 2, m.in_var = 3;
    m.v_offset = "E_L";
    m.has_receptors = m.conductance = true;
    return m;
  }

  static Prop make(const ParamMap& p, double h) {
    auto f = [](double x) { return static_cast<float>(x); };
    const double E_L = p.at("E_L"), Delta_T = p.at("Delta_T");
    Prop q;
    q.h = f(h);
    q.inv_C = f(1.0 / p.at("C_m"));
    q.g_L = f(p.at("g_L"));
    q.Delta_T = f(Delta_T);
    q.exp_on = Delta_T > 0.0;
    q.inv_Delta_T = f(q.exp_on ? 1.0 / Delta_T : 0.0);
    q.theta = f(p.at("V_th") - E_L);
    q.y_peak = f((q.exp_on ? p.at("V_peak") : p.at("V_th")) - E_L);
    q.y_reset = f(p.at("V_reset") - E_L);
    q.E_ex = f(p.at("E_ex") - E_L);
    q.E_in = f(p.at("E_in") - E_L);
    q.I_e = f(p.at("I_e"));
    q.a = f(p.at("a"));
    q.b = f(p.at("b"));
    q.inv_tau_w = f(1.0 / p.at("tau_w"));
    q.P_ex = f(std::exp(-h / p.at("tau_syn_ex")));
    q.P_in = f(std::exp(-h / p.at("tau_syn_in")));
    q.Ph_ex = f(std::exp(-0.5 * h / p.at("tau_syn_ex")));
    q.Ph_in = f(std::exp(-0.5 * h / p.at("tau_syn_in")));
    q.ref_steps = static_cast<int32_t>(std::lround(p.at("t_ref") / h));
    return q;
  }
  static void initial(const Prop&, float*, const bool*) {}  // V_m = E_L, w = 0, no conductance

  // Fires without input if I_e exceeds the rheobase: the maximum of the steady-state current
  // (g_L + a) y - g_L Delta_T exp((y - theta) / Delta_T), at y* = theta + Delta_T ln(1 + a/g_L);
  // or if its initial state may fire it.
  static bool self_driven(const PopulationSpec& s) {
    const auto& p = s.params;
    const double g = p.at("g_L") + p.at("a"), theta = p.at("V_th") - p.at("E_L"), D = p.at("Delta_T");
    const double rheobase = D > 0 ? g * (theta + D * std::log(g / p.at("g_L")) - D) : g * theta;
    return g <= 0 || p.at("I_e") >= rheobase || init_may_fire(s);
  }

  // dy/dt and dw/dt at (y, w) with conductances (ge, gi); `on`: not refractory.
  SPIKESIM_HD static void rhs(const Prop& q, bool on, float y, float w, float ge, float gi, float& dy, float& dw) {
    const float v = on ? (y < q.y_peak ? y : q.y_peak) : q.y_reset;
    const float spike_current = q.exp_on ? q.g_L * q.Delta_T * fast_exp((v - q.theta) * q.inv_Delta_T) : 0.0f;
    const float I = -q.g_L * v + spike_current - ge * (v - q.E_ex) - gi * (v - q.E_in) - w + q.I_e;
    dy = on ? I * q.inv_C : 0.0f;
    dw = (q.a * v - w) * q.inv_tau_w;
  }

  SPIKESIM_HD static bool step(const Prop& q, float* const* x, int32_t& ref, const NeuronCtx& c) {
    const uint32_t i = c.i;
    const bool on = ref <= 0;
    const float y = x[0][i], w = x[1][i], ge = x[2][i], gi = x[3][i];
    const float ge_h = ge * q.Ph_ex, gi_h = gi * q.Ph_in, ge_1 = ge * q.P_ex, gi_1 = gi * q.P_in;
    const float h2 = 0.5f * q.h;
    float k1y, k1w, k2y, k2w, k3y, k3w, k4y, k4w;
    rhs(q, on, y, w, ge, gi, k1y, k1w);
    rhs(q, on, y + h2 * k1y, w + h2 * k1w, ge_h, gi_h, k2y, k2w);
    rhs(q, on, y + h2 * k2y, w + h2 * k2w, ge_h, gi_h, k3y, k3w);
    rhs(q, on, y + q.h * k3y, w + q.h * k3w, ge_1, gi_1, k4y, k4w);
    const float h6 = q.h / 6.0f;
    const float y_new = y + h6 * (k1y + 2.0f * k2y + 2.0f * k3y + k4y);
    const float w_new = w + h6 * (k1w + 2.0f * k2w + 2.0f * k3w + k4w);
    const bool spike = on && y_new >= q.y_peak;
    x[0][i] = spike || !on ? q.y_reset : y_new;
    x[1][i] = spike ? w_new + q.b : w_new;
    x[2][i] = ge_1;
    x[3][i] = gi_1;
    ref = spike ? q.ref_steps : (on ? ref : ref - 1);
    return spike;
  }
};

}  // namespace spikesim
