#pragma once
// Triplet STDP (Pfister & Gerstner 2006); docs/plasticity.md section 2.
// Pre traces r1 (tau_plus), r2 (tau_x); post traces o1 (tau_minus), o2 (tau_y).
//   on_pre:  w -= o1 * (A2_minus + A3_minus * r2(t-0))
//   on_post: w += r1 * (A2_plus  + A3_plus  * o2(t-0))
// Named parameter sets ("parameters": "visual_cortex_minimal" | "hippocampal_minimal");
// keys given beside a named set override it.
#include <cstring>

#include "plasticity/rule.hpp"

namespace spikesim {

struct TripletStdp {
  struct Params {
    double A2_plus, A3_plus, A2_minus, A3_minus;
  };
  static constexpr int kSynState = 0;

  SPIKESIM_HD static float on_pre(const Params& p, float w, float*, const double* r, const double* o, const HookCtx&) {
    return static_cast<float>(w - o[0] * (p.A2_minus + p.A3_minus * r[1]));
  }
  SPIKESIM_HD static float on_post(const Params& p, float w, float*, const double* r, const double* o, const HookCtx&) {
    return static_cast<float>(w + r[0] * (p.A2_plus + p.A3_plus * o[1]));
  }

  static Params parse(RuleReader& r) {
    // {tau_plus, tau_minus, tau_x, tau_y, A2_plus, A3_plus, A2_minus, A3_minus}
    static const double kVisual[8] = {16.8, 33.7, 101.0, 114.0, 0.0, 6.5e-3, 7.1e-3, 0.0};
    static const double kHippo[8] = {16.8, 33.7, 101.0, 40.0, 5.3e-3, 8.0e-3, 3.5e-3, 0.0};
    const double* d = kVisual;
    if (r.o.has("parameters")) {
      const std::string set = r.o.string("parameters", "a parameter set name");
      if (set == "hippocampal_minimal") d = kHippo;
      else if (set != "visual_cortex_minimal")
        r.o.reject("parameters", "\"visual_cortex_minimal\" or \"hippocampal_minimal\"");
    }
    r.pre.count = r.post.count = 2;
    r.pre.tau[0] = r.positive("tau_plus", d[0]);
    r.post.tau[0] = r.positive("tau_minus", d[1]);
    r.pre.tau[1] = r.positive("tau_x", d[2]);
    r.post.tau[1] = r.positive("tau_y", d[3]);
    return {r.number_or("A2_plus", d[4]), r.number_or("A3_plus", d[5]), r.number_or("A2_minus", d[6]),
            r.number_or("A3_minus", d[7])};
  }
};

}  // namespace spikesim
