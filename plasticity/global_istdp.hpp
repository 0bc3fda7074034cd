#pragma once
// Homeostatic inhibitory STDP with a global factor (Zenke, Agnes & Gerstner 2015;
// docs/plasticity.md section 4), for I->E synapses:
//   on_pre:  w += eta * G * (x_post + 1)      on_post: w += eta * G * x_pre
// G is the rule's "factor", read at each event: typically {"signal": "H", "offset": -gamma}
// with H a rate_estimate of the excitatory population, so G = H - gamma in Hz; eta is in
// weight units times seconds (nS s), so eta * G is a weight. Traces x_pre, x_post: tau (ms),
// +1 per spike. The presynaptic-only "+1" term sits on the presynaptic spike, as in the
// authors' reference code (one published demo puts it on the postsynaptic spike; for a
// pre -> post pair 1 ms apart both give dw = eta G (1 + exp(-1/20))).
// The sign of G sets the sign of every update: G < 0 depresses, G > 0 potentiates.
#include "plasticity/rule.hpp"

namespace spikesim {

struct GlobalIstdp {
  struct Params {
    double eta;
    Factor G;
  };
  static constexpr int kSynState = 0;

  SPIKESIM_HD static float on_pre(const Params& p, float w, float*, const double*, const double* xpost, const HookCtx& c) {
    return static_cast<float>(w + p.eta * p.G.value(c.signals) * (xpost[0] + 1.0));
  }
  SPIKESIM_HD static float on_post(const Params& p, float w, float*, const double* xpre, const double*, const HookCtx& c) {
    return static_cast<float>(w + p.eta * p.G.value(c.signals) * xpre[0]);
  }

  static Params parse(RuleReader& r) {
    Params p;
    r.pair_traces("tau", "tau");
    p.eta = r.number("eta", "a learning rate in weight units times seconds (nS s or pA s)");
    p.G = r.factor("factor");
    return p;
  }
};

}  // namespace spikesim
