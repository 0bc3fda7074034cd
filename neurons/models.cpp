#include "neurons/models.hpp"

namespace spikesim {

const std::vector<ModelInfo>& model_registry() {
  // Defaults are NEST's iaf_cond_exp and iaf_psc_exp defaults (g_L = C_m / tau_m).
  static const std::vector<ModelInfo> reg = {
      {"lif_cond_exp", Model::kLifCondExp,
       {{"C_m", 250.0}, {"g_L", 16.6667}, {"E_L", -70.0}, {"V_th", -55.0}, {"V_reset", -60.0},
        {"t_ref", 2.0}, {"I_e", 0.0}, {"E_ex", 0.0}, {"E_in", -85.0}, {"tau_syn_ex", 0.2},
        {"tau_syn_in", 2.0}},
       {{"V_m", "mV"}, {"g_ex", "nS"}, {"g_in", "nS"}},
       true, true},
      {"lif_curr_exp", Model::kLifCurrExp,
       {{"C_m", 250.0}, {"g_L", 25.0}, {"E_L", -70.0}, {"V_th", -55.0}, {"V_reset", -70.0},
        {"t_ref", 2.0}, {"I_e", 0.0}, {"tau_syn_ex", 2.0}, {"tau_syn_in", 2.0}},
       {{"V_m", "mV"}, {"I_syn_ex", "pA"}, {"I_syn_in", "pA"}},
       true, false},
      // Izhikevich 2003/2007; defaults: regular spiking (a, b, c, d = 0.02, 0.2, -65, 8).
      // State order as LIF models: V_m, the receptor variable (jumps of v), then u.
      {"izhikevich", Model::kIzhikevich,
       {{"a", 0.02}, {"b", 0.2}, {"c", -65.0}, {"d", 8.0}, {"I_e", 0.0}, {"I_noise", 0.0}},
       {{"V_m", "mV"}, {"I_syn", "mV"}, {"U", "mV/ms"}},
       true, false},
      {"poisson", Model::kPoisson, {}, {}, false, false},
      {"spike_generator", Model::kSpikeGenerator, {}, {}, false, false},
  };
  return reg;
}

const ModelInfo* find_model(const std::string& name) {
  for (const auto& m : model_registry())
    if (m.name == name) return &m;
  return nullptr;
}

const ModelInfo& model_info(Model m) {
  for (const auto& info : model_registry())
    if (info.model == m) return info;
  throw RunError("unregistered model");
}

std::string model_names() {
  std::string s;
  for (const auto& m : model_registry()) s += (s.empty() ? "" : ", ") + m.name;
  return s;
}

std::string weight_unit(Model m) {
  const ModelInfo& info = model_info(m);
  for (const auto& v : info.state)
    if (v.name != "V_m") return v.unit;  // the receptor variables carry the weights' unit
  return "1";
}

}  // namespace spikesim
