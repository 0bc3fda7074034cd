#pragma once
// A population at run time: state as structure of arrays, propagators precomputed once,
// dispatch on the model once per population and step (never per neuron).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/rng.hpp"
#include "core/spec.hpp"
#include "neurons/model_list.hpp"

namespace spikesim {

struct Population {
  std::string name;
  Model model = Model::kPoisson;
  uint32_t size = 0;
  // State (neuron models): one array per state variable, in the order of the model's
  // ModelInfo::state (V_m is stored as V_m - v_offset, as NEST stores V_m - E_L), and the
  // remaining refractory steps. Empty for the sources.
  std::vector<std::vector<float>> x;
  int v_var = -1, ex_var = -1, in_var = -1;  // which arrays are V_m and the two receptor inputs
  float v_offset = 0.0f;         // E_L (its mean where it differs between neurons: then per neuron in v_offsets)
  std::vector<float> v_offsets;
  std::vector<int32_t> ref;
  std::vector<uint8_t> fired;  // scratch: spike flags of the last update
  ModelProp prop{};            // the model's step constants
  std::vector<ModelProp> props;  // per neuron, when the file gives parameters per neuron (else empty)
  uint32_t index = 0;            // in the network (the stream of its draws)
  // poisson: per-step spike probability as a 32-bit threshold (changed by scheduled events)
  CounterRng rng{0, 0};
  uint32_t threshold = 0;
  std::vector<uint32_t> thresholds;  // per neuron, when set (a task's stimulus patterns); else `threshold`
  // spike_generator: (step stamp, neuron) sorted by stamp
  std::vector<std::pair<uint32_t, uint32_t>> generator_events;

  // The array of state variable k, or null.
  float* var(int k) { return k < 0 || k >= static_cast<int>(x.size()) || x[k].empty() ? nullptr : x[k].data(); }
  const float* var(int k) const { return const_cast<Population*>(this)->var(k); }
  // The receptor array that synapses add into; null for sources (no receptors).
  float* receptor(Receptor r) { return var(r == kReceptorEx ? ex_var : in_var); }
  const float* receptor(Receptor r) const { return var(r == kReceptorEx ? ex_var : in_var); }
  // State variable by model name: value = array[i] + offset (offset = E_L for V_m).
  float* variable(const std::string& name);
  const float* variable(const std::string& name) const { return const_cast<Population*>(this)->variable(name); }
  // The offset of neuron i: offsets(name)[i] where E_L differs between neurons, else offset(name).
  float offset(const std::string& name) const { return name == "V_m" ? v_offset : 0.0f; }
  const float* offsets(const std::string& name) const { return name == "V_m" && !v_offsets.empty() ? v_offsets.data() : nullptr; }
  uint64_t state_bytes() const;

  // Advance neurons [lo, hi) from step `step` to step+1; append the indices that spike
  // (stamped step+1) in ascending order.
  void update(uint32_t lo, uint32_t hi, uint32_t step, std::vector<uint32_t>& spikes);
};

Population make_population(const PopulationSpec& spec, const RunSpec& run, uint32_t index);

// Current generators' input (core/spec.hpp, current_schedule): the step constants of
// population `p` made again with I_e + pA (pA = 0: the file's I_e), per neuron where its
// parameters are given per neuron.
void apply_input_current(Population& p, const PopulationSpec& spec, double pA, double dt);

}  // namespace spikesim
