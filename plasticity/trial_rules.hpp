#pragma once
// Trial rules (docs/plasticity.md section 6, Neuroblox): applied once at the end of each trial
// of a task (core/task.hpp) to every synapse, from the activities x of the trial:
// x = x_scale * (spikes of the neuron in the trial). No spike-time hooks.
//   hebbian_trial:      dw = K x_pre x_post (W_lim - w) feedback
//   hebbian_modulated:  eps = feedback - (kappa - DA),
//                       dw = max(K x_pre x_post eps (eps + theta_m) s'(alpha (eps + theta_m)) - decay w, -w)
//                       with s' the derivative of the logistic function, DA a neuromodulator
//                       ("dopamine": {"signal": NAME}) at the end of the trial.
// feedback is the task's outcome value of the trial (correct, wrong or none).
#include <cmath>

#include "plasticity/rule.hpp"

namespace spikesim {

struct HebbianTrial {
  struct Params {
    double K, W_lim, x_scale;
  };
  static constexpr int kSynState = 0;
  static constexpr bool kTrial = true;
  SPIKESIM_HD static float on_pre(const Params&, float w, float*, const double*, const double*, const HookCtx&) { return w; }
  SPIKESIM_HD static float on_post(const Params&, float w, float*, const double*, const double*, const HookCtx&) { return w; }
  SPIKESIM_HD static float on_trial(const Params& p, float w, double n_pre, double n_post, const TrialCtx& t) {
    return static_cast<float>(w + p.K * (p.x_scale * n_pre) * (p.x_scale * n_post) * (p.W_lim - w) * t.feedback);
  }
  static Params parse(RuleReader& r) {
    Params p;
    p.K = r.number_or("K", 5e-4);
    p.W_lim = r.number_or("W_lim", 7.0);
    p.x_scale = r.number_or("x_scale", 1.0);
    return p;
  }
};

struct HebbianModulated {
  struct Params {
    double K, decay, alpha, theta_m, kappa, x_scale;
    Factor DA;
  };
  static constexpr int kSynState = 0;
  static constexpr bool kTrial = true;
  SPIKESIM_HD static float on_pre(const Params&, float w, float*, const double*, const double*, const HookCtx&) { return w; }
  SPIKESIM_HD static float on_post(const Params&, float w, float*, const double*, const double*, const HookCtx&) { return w; }
  SPIKESIM_HD static float on_trial(const Params& p, float w, double n_pre, double n_post, const TrialCtx& t) {
    const double eps = t.feedback - (p.kappa - p.DA.value(t.signals)), z = eps + p.theta_m;
    const double s = 1.0 / (1.0 + exp(-p.alpha * z));
    const double dw = p.K * (p.x_scale * n_pre) * (p.x_scale * n_post) * eps * z * s * (1.0 - s) - p.decay * w;
    return static_cast<float>(w + (dw > -w ? dw : -w));
  }
  static Params parse(RuleReader& r) {
    Params p;
    p.K = r.number_or("K", 0.06);
    p.decay = r.nonnegative("decay", 0.01);
    p.alpha = r.number_or("alpha", 2.5);
    p.theta_m = r.number_or("theta_m", 1.0);
    p.kappa = r.number_or("kappa", 0.0);
    p.x_scale = r.number_or("x_scale", 1.0);
    p.DA = r.o.has("dopamine") ? r.factor("dopamine") : Factor{};
    return p;
  }
};

}  // namespace spikesim
