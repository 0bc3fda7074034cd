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

namespace spikesim {

struct Izhikevich {
  struct Params {
    float a, b, c, d, I_e, I_noise, h;  // h = dt (ms)
  };

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
};

}  // namespace spikesim
