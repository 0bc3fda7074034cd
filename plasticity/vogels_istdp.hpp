#pragma once
// Inhibitory STDP of Vogels et al. 2011 (docs/plasticity.md section 3), for I->E synapses:
//   on_pre:  w += eta * (x_post - alpha)      on_post: w += eta * x_pre
// with traces x_pre, x_post of time constant tau (+1 per spike) and alpha = 2 rho0 tau.
// For Poisson spikes the mean drift is eta rho_pre (2 tau rho_post - alpha): zero at
// rho_post = rho0, so the postsynaptic rate is driven to the target rate rho0.
// eta in weight units (nS) per unit trace; tau in ms; rho0 in Hz.
#include "plasticity/rule.hpp"

namespace spikesim {

struct VogelsIstdp {
  struct Params {
    double eta, alpha;
  };
  static constexpr int kSynState = 0;

  SPIKESIM_HD static float on_pre(const Params& p, float w, float*, const double*, const double* xpost, const HookCtx&) {
    return static_cast<float>(w + p.eta * (xpost[0] - p.alpha));
  }
  SPIKESIM_HD static float on_post(const Params& p, float w, float*, const double* xpre, const double*, const HookCtx&) {
    return static_cast<float>(w + p.eta * xpre[0]);
  }

  static Params parse(RuleReader& r) {
    Params p;
    r.pair_traces("tau", "tau");
    const double tau = r.pre.tau[0];
    p.eta = r.number_or("eta", 1e-2);
    const double rho0 = r.nonnegative("rho0", 3.0);
    p.alpha = 2.0 * rho0 * tau * 1e-3;  // Hz * ms
    return p;
  }
};

}  // namespace spikesim
