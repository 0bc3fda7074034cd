#include "core/neuron_params.hpp"

namespace spikesim {

NeuronParams::NeuronParams(const PopulationSpec& s, uint64_t seed, uint32_t pop_index)
    : s_(s), rng_{seed, kStreamParams | pop_index}, m_(s.params) {}

const std::map<std::string, double>& NeuronParams::of(uint32_t i) {
  bool tau_m = false;
  for (size_t k = 0; k < s_.varied.size(); ++k) {
    const VariedParam& v = s_.varied[k];
    m_[v.name] = v.values.empty() ? v.dist.sample(rng_, i, static_cast<uint32_t>(k)) : v.values[i];
    tau_m = tau_m || v.name == "tau_m";
  }
  if (tau_m) m_["g_L"] = m_.at("C_m") / m_.at("tau_m");
  return m_;
}

double NeuronParams::value(const std::string& name, uint32_t i) { return of(i).at(name); }

}  // namespace spikesim
