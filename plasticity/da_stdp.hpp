#pragma once
// Dopamine-modulated STDP (Izhikevich 2007; docs/plasticity.md section 6). Each synapse holds an
// eligibility trace c (tau_c) bumped by pair STDP at spike events,
//   on_pre:  c -= A_minus x_post      on_post: c += A_plus x_pre      (traces tau_plus, tau_minus)
// and its weight follows dw/dt = c(t) g(t), g = d + offset, with d a neuromodulator signal
// ("modulator": {"signal": "DA", "offset": -baseline}) and t in seconds. Between events c
// decays, c(s) = c0 e^(-(s - t0)/tau_c), and d relaxes exponentially between grid points
// (core/signals.hpp), so the weight change since a synapse's last event is the closed form
//   w += c0 * I,  I = integral_t0^t1 e^(-(s - t0)/tau_c) g(s) ds.
// I comes from one running integral per projection, J(t) = integral e^(-(s - T_E)/tau_c) g(s) ds
// from the start T_E of the current epoch (epochs of 10 tau_c keep the factors in range),
// advanced once per step (advance) and kept per finished epoch; a synapse stores c, the step
// of its last event and J there. So nothing is done per synapse per step: a synapse is
// brought up to date at its own events, and all of them at the end of the run and before a
// weights monitor records (settle). Bounds are applied at those updates.
#include <cmath>
#include <cstring>
#include <vector>

#include "plasticity/rule.hpp"

namespace spikesim {

struct DaStdp {
  struct Params {
    double A_plus, A_minus, tau_c;  // tau_c in ms
    Factor g;                       // the modulator: d + offset
  };
  // Per synapse: c (float), the step of its last update (uint32), J at that step (double).
  static constexpr int kSynState = 4;
  static constexpr bool kLazy = true;
  static constexpr double kEpochTaus = 10.0;

  struct Syn {
    float c;
    uint32_t stamp;
    double J0;
  };
  SPIKESIM_HD static Syn load(const float* s) {
    Syn x;
    memcpy(&x, s, sizeof x);
    return x;
  }
  SPIKESIM_HD static void store(float* s, const Syn& x) { memcpy(s, &x, sizeof x); }
  SPIKESIM_HD static uint32_t epoch_steps(const Params& p, double dt) {
    return static_cast<uint32_t>(llround(kEpochTaus * p.tau_c / dt));
  }

  // Brings a synapse from its last update to step `now`: the weight integral, then c decays.
  // J: [0] = J now, [1 + E] = J at the end of finished epoch E (HookCtx::rule_state).
  SPIKESIM_HD static float catch_up(const Params& p, float w, Syn& s, const HookCtx& c) {
    if (s.stamp == c.step) return w;
    const uint32_t L = epoch_steps(p, c.dt);
    const double k = c.dt / p.tau_c;  // per step
    const uint32_t E0 = s.stamp / L, E1 = c.step / L;
    const double* J = c.rule_state;
    double I;
    if (E0 == E1) {
      I = exp((s.stamp - double(E0) * L) * k) * (J[0] - s.J0);
    } else {
      I = exp((s.stamp - double(E0) * L) * k) * (J[1 + E0] - s.J0);
      for (uint32_t E = E0 + 1; E < E1; ++E) {
        const double f = exp(-(double(E) * L - s.stamp) * k);
        if (f < 1e-30) break;
        I += f * J[1 + E];
      }
      I += exp(-(double(E1) * L - s.stamp) * k) * J[0];
    }
    w = static_cast<float>(w + s.c * I * 1e-3);  // g integrated over ms; dw/dt per second
    s.c = static_cast<float>(s.c * exp(-(c.step - double(s.stamp)) * k));
    s.stamp = c.step;
    s.J0 = J[0];
    return c.bounds.clip(w);
  }

  SPIKESIM_HD static float on_pre(const Params& p, float w, float* syn, const double*, const double* xpost, const HookCtx& c) {
    Syn s = load(syn);
    w = catch_up(p, w, s, c);
    s.c = static_cast<float>(s.c - p.A_minus * xpost[0]);
    store(syn, s);
    return w;
  }
  SPIKESIM_HD static float on_post(const Params& p, float w, float* syn, const double* xpre, const double*, const HookCtx& c) {
    Syn s = load(syn);
    w = catch_up(p, w, s, c);
    s.c = static_cast<float>(s.c + p.A_plus * xpre[0]);
    store(syn, s);
    return w;
  }
  SPIKESIM_HD static float settle(const Params& p, float w, float* syn, const HookCtx& c) {
    Syn s = load(syn);
    w = catch_up(p, w, s, c);
    store(syn, s);
    return w;
  }

  // Once per step n, after the signals reached t_{n+1} (now = n + 1): J += the integral over
  // (t_n, t_{n+1}] of e^(-(s - T_E)/tau_c) g(s), with g(s) = B + offset + (d(t_n) - B) e^(-(s - t_n)/tau_d).
  // When an epoch ends at `now`, J is kept in J[now / L] (the engine gives J state_size
  // doubles) and restarts. Both engines call this (the device's AdvanceKernel).
  SPIKESIM_HD static void advance_step(const Params& p, double* J, double& a, const SignalView& sig, uint32_t now, double dt) {
    const int k = p.g.signal;
    const double B = sig.baseline[k], d0 = sig.prev[k], tau_d = sig.tau[k];
    const double tau_e = 1.0 / (1.0 / p.tau_c + 1.0 / tau_d);
    J[0] += a * ((B + p.g.offset) * p.tau_c * -expm1(-dt / p.tau_c) + (d0 - B) * tau_e * -expm1(-dt / tau_e));
    a *= exp(-dt / p.tau_c);
    const uint32_t L = epoch_steps(p, dt);
    if (now % L == 0) {  // an epoch ends at t_{n+1}
      J[now / L] = J[0];
      J[0] = 0.0;
      a = 1.0;
    }
  }
  // Doubles of per-projection state for a run of `steps` steps: J now and per epoch.
  static size_t state_size(const Params& p, uint64_t steps, double dt) { return 1 + steps / epoch_steps(p, dt); }
  // The CPU engine's call: J grows by an epoch at a time (a starts at 1).
  static void advance(const Params& p, std::vector<double>& J, double& a, const Signals& sig, uint32_t now, double dt) {
    if (J.empty()) a = 1.0;
    if (J.size() < state_size(p, now, dt)) J.resize(state_size(p, now, dt), 0.0);
    advance_step(p, J.data(), a, sig.view(), now, dt);
  }

  static Params parse(RuleReader& r) {
    Params p;
    r.pair_traces("tau_plus", "tau_minus");
    p.A_plus = r.number_or("A_plus", 1.0);
    p.A_minus = r.number_or("A_minus", 1.5);
    p.tau_c = r.positive("tau_c", 1000.0);
    p.g = r.factor("modulator");
    if (p.g.signal < 0) r.o.reject("modulator", "{\"signal\": NAME, \"offset\": -baseline} with NAME a neuromodulator");
    return p;
  }
};

}  // namespace spikesim
