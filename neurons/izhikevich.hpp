#pragma once
// Izhikevich (2003) simple model, as in Izhikevich 2007's dopamine network:
//   dv/dt = 0.04 v^2 + 5 v + 140 - u + I,   du/dt = a (b v - u);   v >= 30 mV: v = c, u += d
// with v in mV, t in ms, I in mV/ms. As in the paper's code, v takes two half steps of dt/2
// and u one step of dt (forward Euler); a spike is v >= 30 at the end of the step.
// Input: arriving synaptic weights are jumps of v (mV), added at the start of the next step
// (the paper adds them as I over one 1 ms step, which is the same jump to first order).
// I = I_e + I_noise * (U - 1/2), U uniform in [0, 1) drawn per neuron and step from the
// counter-based generator: the paper's random "thalamic" input is I_noise = 13 at dt = 1 ms
// (for another dt the noise's effect scales with it).
#include <cstdint>

#include "core/hd.hpp"
#include "neurons/model_info.hpp"

namespace spikesim {

struct Izhikevich {
  static constexpr int kVars = 3;  // v, the jumps of v from both receptors, u
  struct Params {
    float a, b, c, d, I_e, I_noise, h;  // h = dt (ms)
  };
  using Prop = Params;

  // Defaults: regular spiking (a, b, c, d = 0.02, 0.2, -65, 8). State order as the LIF
  // models: V_m, the receptor variable (jumps of v), then u.
  static ModelInfo info() {
    ModelInfo m;
    m.name = "izhikevich";
    m.params = {{"a", 0.02, "1/ms", "a rate"}, {"b", 0.2, "1/ms", "a sensitivity"}, {"c", -65.0, "mV", "a reset"},
                {"d", 8.0, "mV/ms", "a jump of u"}, {"I_e", 0.0, "mV/ms", "an input"}, {"I_noise", 0.0, "mV/ms", "a noise amplitude"}};
    m.state = {{"V_m", "mV"}, {"I_syn", "mV"}, {"U", "mV/ms"}};
    m.v_var = 0, m.ex_var = 1, m.in_var = 1;
    m.has_receptors = true;
    return m;
  }
  static Prop make(const ParamMap& p, double h) {
    auto f = [&](const char* name) { return static_cast<float>(p.at(name)); };
    return {f("a"), f("b"), f("c"), f("d"), f("I_e"), f("I_noise"), static_cast<float>(h)};
  }
  // Starts at v = c and u = b v, as the paper's code (also when only v is given).
  static void initial(const Prop& p, float* x, const bool* given) {
    if (!given[0]) x[0] = p.c;
    if (!given[2]) x[2] = p.b * x[0];
  }
  static bool self_driven(const PopulationSpec& s) {
    return s.params.at("I_noise") != 0.0 || s.params.at("I_e") > 0.0 || !s.init.empty();
  }

  // One step of neuron state (v, u) with synaptic jump `jump` and noise draw u01 in [0, 1).
  SPIKESIM_HD static bool step(const Params& p, float& v, float& u, float& jump, float u01) {
    v += jump;
    jump = 0.0f;
    const float I = p.I_e + p.I_noise * (u01 - 0.5f), h2 = 0.5f * p.h;
    v += h2 * (0.04f * v * v + 5.0f * v + 140.0f - u + I);
    v += h2 * (0.04f * v * v + 5.0f * v + 140.0f - u + I);
    u += p.h * p.a * (p.b * v - u);
    const bool spike = v >= 30.0f;
    v = spike ? p.c : v;
    u = spike ? u + p.d : u;
    return spike;
  }
  SPIKESIM_HD static bool step(const Prop& p, float* const* x, int32_t&, const NeuronCtx& c) {
    const float u01 = p.I_noise != 0.0f ? static_cast<float>(c.rng.uniform(c.i, c.n)) : 0.5f;
    return step(p, x[0][c.i], x[2][c.i], x[1][c.i], u01);
  }
};

}  // namespace spikesim
