#pragma once
// Pair-based STDP (Song, Miller & Abbott 2000); docs/plasticity.md section 1.
//   on_pre:  w -= A_minus * f_-(w) * x_post     (depression)
//   on_post: w += A_plus  * f_+(w) * x_pre      (potentiation)
// f = 1 for mu = 0 (additive, hard bounds); soft bounds (Gutig 2003):
// f_+ = (w_max - w)^mu, f_- = (w - w_min)^mu. A_plus, A_minus in weight units.
#include <cmath>

#include "plasticity/rule.hpp"

namespace spikesim {

struct Stdp {
  struct Params {
    double A_plus, A_minus, mu;
  };
  static constexpr int kSynState = 0;

  SPIKESIM_HD static double soft(double distance, double mu) {
    return mu == 0.0 ? 1.0 : pow(distance > 0.0 ? distance : 0.0, mu);
  }
  SPIKESIM_HD static float on_pre(const Params& p, float w, float*, const double*, const double* xpost, const HookCtx& c) {
    return static_cast<float>(w - p.A_minus * soft(w - c.bounds.w_min, p.mu) * xpost[0]);
  }
  SPIKESIM_HD static float on_post(const Params& p, float w, float*, const double* xpre, const double*, const HookCtx& c) {
    return static_cast<float>(w + p.A_plus * soft(c.bounds.w_max - w, p.mu) * xpre[0]);
  }

  static Params parse(RuleReader& r) {
    Params p;
    r.pair_traces("tau_plus", "tau_minus");
    p.A_plus = r.number_or("A_plus", 0.01);
    p.A_minus = r.number_or("A_minus", 0.0105);
    p.mu = r.nonnegative("mu", 0.0);
    if (p.mu > 0 && !std::isfinite(r.bounds.w_max))
      r.o.reject("mu", "mu = 0 unless \"w_max\" is finite (soft bounds need it)");
    return p;
  }
};

}  // namespace spikesim
