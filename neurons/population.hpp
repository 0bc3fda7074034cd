#pragma once
// A population at run time: state as structure of arrays, propagators precomputed once,
// dispatch on the model once per population and step (never per neuron).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/rng.hpp"
#include "core/spec.hpp"
#include "neurons/lif_cond_exp.hpp"
#include "neurons/izhikevich.hpp"
#include "neurons/lif_curr_exp.hpp"

namespace spikesim {

struct Population {
  std::string name;
  Model model = Model::kLifCondExp;
  uint32_t size = 0;
  // State (neuron models): V = V_m - E_L, the two receptor variables (g_ex/g_in in nS or
  // I_syn_ex/I_syn_in in pA), and the remaining refractory steps.
  std::vector<float> V, ex, in;
  float E_L = 0.0f;
  std::vector<int32_t> ref;
  std::vector<uint8_t> fired;  // scratch: spike flags of the last update
  LifCurrExp::Prop curr{};
  LifCondExp::Prop cond{};
  Izhikevich::Params izh{};  // izhikevich: V holds v, ex the jumps of v (both receptors), in holds u
  // poisson: per-step spike probability as a 32-bit threshold (changed by scheduled events)
  CounterRng rng{0, 0};
  uint32_t threshold = 0;
  std::vector<uint32_t> thresholds;  // per neuron, when set (a task's stimulus patterns); else `threshold`
  // spike_generator: (step stamp, neuron) sorted by stamp
  std::vector<std::pair<uint32_t, uint32_t>> generator_events;

  // The receptor array that synapses add into; null for sources (no receptors).
  float* receptor(Receptor r) {
    std::vector<float>& a = r == kReceptorEx || model == Model::kIzhikevich ? ex : in;
    return a.empty() ? nullptr : a.data();
  }
  // State variable by model name: value = array[i] + offset (offset = E_L for V_m).
  // The registry lists a LIF model's state as (V_m, ex receptor, in receptor).
  float* variable(const std::string& name);
  const float* variable(const std::string& name) const { return const_cast<Population*>(this)->variable(name); }
  float offset(const std::string& name) const { return name == "V_m" ? E_L : 0.0f; }
  uint64_t state_bytes() const;

  // Advance neurons [lo, hi) from step `step` to step+1; append the indices that spike
  // (stamped step+1) in ascending order.
  void update(uint32_t lo, uint32_t hi, uint32_t step, std::vector<uint32_t>& spikes);
};

Population make_population(const PopulationSpec& spec, const RunSpec& run, uint32_t index);

}  // namespace spikesim
