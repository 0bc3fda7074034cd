#pragma once
// lif_cond_exp with "method": "euler": the membrane takes one forward Euler step from the
// start-of-step conductances, y += dt/C_m (drive - g_tot y), as Brian2's method='euler'
// does; the conductances still decay exactly. It needs no exponential and no division: a
// third of the default's instructions, about 60% of its update time where the state streams
// from L2 (bench/NOTES.md section 16). Its error is first order in dt, and it is stable
// while dt g_tot / C_m < 2. Same parameters, state,
// defaults and units as lif_cond_exp (neurons/lif_cond_exp.hpp).
#include "neurons/lif_cond_exp.hpp"

namespace spikesim {

struct LifCondExpEuler : LifCondExp {
  static ModelInfo info() {
    ModelInfo m = LifCondExp::info();
    m.method = "euler";
    return m;
  }

  SPIKESIM_HD static bool step(const Prop& q, float& y, float& g_ex, float& g_in, int32_t& ref) {
    return lif_step(q.reset, q.P_ex, q.P_in, y, g_ex, g_in, ref,
                    [&](float v) { return euler(q, v, total(q, g_ex, g_in), drive(q, g_ex, g_in)); });
  }
  SPIKESIM_HD static bool step(const Prop& q, float* const* x, int32_t& ref, const NeuronCtx& c) {
    return step(q, x[0][c.i], x[1][c.i], x[2][c.i], ref);
  }
};

}  // namespace spikesim
