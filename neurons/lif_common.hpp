#pragma once
// What every LIF model does around its sub-threshold step: the refractory clamp, the exact
// decay of the two synaptic variables, and threshold and reset. `integrate(y)` returns the
// membrane (y = V_m - E_L) one step later; it is computed for every neuron and discarded
// while the neuron is refractory, so the loop has no branches and vectorises.
// Also the parameters the LIF models share (NEST's names and units) and when one fires on
// its own (rheobase).
#include <cmath>
#include <cstdint>

#include "core/hd.hpp"
#include "neurons/model_info.hpp"

namespace spikesim {

struct LifReset {
  float theta, V_reset;  // relative to E_L
  int32_t ref_steps;

  static LifReset make(double V_th, double V_reset, double E_L, double t_ref, double h) {
    return {static_cast<float>(V_th - E_L), static_cast<float>(V_reset - E_L),
            static_cast<int32_t>(std::lround(t_ref / h))};
  }
};

template <class Integrate>
SPIKESIM_HD bool lif_step(const LifReset& r, float P_ex, float P_in, float& y, float& s_ex, float& s_in,
                          int32_t& ref, Integrate integrate) {
  const bool active = ref <= 0;
  const float y_new = integrate(y);
  float v = active ? y_new : y;
  int32_t k = active ? ref : ref - 1;
  s_ex *= P_ex;
  s_in *= P_in;
  const bool spike = v >= r.theta;
  y = spike ? r.V_reset : v;
  ref = spike ? r.ref_steps : k;
  return spike;
}

// Parameters with checks, in NEST's names: membrane, threshold and reset, refractoriness.
inline ParamInfo param_C_m(double def) { return {"C_m", def, "pF", "a capacitance", ParamInfo::kPositive}; }
inline ParamInfo param_g_L(double def) { return {"g_L", def, "nS", "a leak conductance", ParamInfo::kPositive}; }
inline ParamInfo param_mV(const char* name, double def) { return {name, def, "mV", "a potential", ParamInfo::kAny}; }
inline ParamInfo param_t_ref(double def) { return {"t_ref", def, "ms", "a refractory period", ParamInfo::kNonNegative}; }
inline ParamInfo param_I_e(double def) { return {"I_e", def, "pA", "a current", ParamInfo::kAny}; }
inline ParamInfo param_tau(const char* name, double def) { return {name, def, "ms", "a time constant", ParamInfo::kPositive}; }

// Whether an integrate-and-fire population's initial state may fire it: V_m starting at or
// above V_th, or any other variable initialised (synaptic input, adaptation).
inline bool init_may_fire(const PopulationSpec& s) {
  const auto v0 = s.init.find("V_m");
  const bool starts_above = v0 != s.init.end() && v0->second.max_value() >= s.params.at("V_th");
  return starts_above || s.init.size() > (v0 != s.init.end() ? 1u : 0u);
}

// A LIF population fires without input if its rheobase E_L + I_e/g_L reaches V_th, or if its
// initial state may fire it.
inline bool lif_self_driven(const PopulationSpec& s) {
  return s.params.at("E_L") + s.params.at("I_e") / s.params.at("g_L") >= s.params.at("V_th") || init_may_fire(s);
}

}  // namespace spikesim
