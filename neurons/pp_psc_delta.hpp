#pragma once
// Point-process neuron with delta synapses (NEST pp_psc_delta, without spike-frequency
// adaptation): a leaky membrane that input spikes kick by their weight,
//   tau_m dV/dt = -V + tau_m I_e / C_m,   V += w at each arriving spike (w in mV),
// and spikes drawn in each step with probability 1 - exp(-rho dt), where the rate is
//   rho = max(0, c_1 V + c_2 exp(c_3 V))   (Hz; V relative to rest, in mV),
// then no spike for dead_time; with_reset = 1 sets V to 0 after a spike. With c_2 = 0,
// with_reset = 0 and dead_time = 0 it is a linear Poisson neuron: its mean rate is c_1
// times the mean of V, sum_j w_j nu_j tau_m (inputs j at rates nu_j), the setting of
// rate-based rules such as Oja's (plasticity/taylor.hpp). The membrane is integrated
// exactly; draws are keyed by (seed, population, neuron, step).
#include <cmath>
#include <cstdint>

#include "core/hd.hpp"
#include "neurons/lif_common.hpp"

namespace spikesim {

struct PpPscDelta {
  static constexpr int kVars = 1;  // V_m (relative to rest)
  struct Prop {
    float P_V, P_Ie;  // V <- P_V V + P_Ie over one step
    double c_1, c_2, c_3, h_s;
    int32_t dead_steps;
    bool reset;
  };

  // NEST pp_psc_delta's defaults (c_2, c_3 fitted by Jolivet et al. 2006).
  static ModelInfo info() {
    ModelInfo m;
    m.name = "pp_psc_delta";
    m.params = {param_tau("tau_m", 10.0), param_C_m(250.0), param_I_e(0.0),
                {"c_1", 0.0, "Hz/mV", "a slope of the rate"}, {"c_2", 1.238, "Hz", "a rate prefactor"},
                {"c_3", 0.25, "1/mV", "an exponent coefficient"},
                {"dead_time", 1.0, "ms", "a dead time", ParamInfo::kNonNegative},
                {"with_reset", 1.0, "", "0 or 1", ParamInfo::kNonNegative}};
    m.state = {{"V_m", "mV"}};
    m.v_var = 0, m.ex_var = 0, m.in_var = 0;  // delta synapses: input jumps V
    m.has_receptors = true;
    return m;
  }

  static Prop make(const ParamMap& p, double h) {
    Prop q;
    const double tau = p.at("tau_m");
    q.P_V = static_cast<float>(std::exp(-h / tau));
    q.P_Ie = static_cast<float>(-std::expm1(-h / tau) * p.at("I_e") * tau / p.at("C_m"));
    q.c_1 = p.at("c_1"), q.c_2 = p.at("c_2"), q.c_3 = p.at("c_3");
    q.h_s = h / 1000.0;
    q.dead_steps = static_cast<int32_t>(std::llround(p.at("dead_time") / h));
    q.reset = p.at("with_reset") != 0.0;
    return q;
  }
  static void initial(const Prop&, float*, const bool*) {}  // at rest
  static bool self_driven(const PopulationSpec& s) {
    return s.params.at("c_2") > 0.0 || s.params.at("I_e") != 0.0 || init_may_fire(s);
  }

  // One step from t to t+h; true on a spike at t+h. u01 uniform in [0, 1).
  SPIKESIM_HD static bool step(const Prop& q, float& V, int32_t& ref, double u01) {
    V = q.P_V * V + q.P_Ie;
    if (ref > 0) {
      --ref;
      return false;
    }
    double rho = q.c_1 * V + (q.c_2 != 0.0 ? q.c_2 * exp(q.c_3 * V) : 0.0);
    rho = rho > 0.0 ? rho : 0.0;
    const bool spike = u01 < -expm1(-rho * q.h_s);
    if (spike) {
      ref = q.dead_steps;
      if (q.reset) V = 0.0f;
    }
    return spike;
  }
  SPIKESIM_HD static bool step(const Prop& q, float* const* x, int32_t& ref, const NeuronCtx& c) {
    return step(q, x[0][c.i], ref, c.rng.uniform(c.i, c.n));
  }
};

}  // namespace spikesim
