#include "neurons/models.hpp"

#include "neurons/model_list.hpp"

namespace spikesim {

const std::vector<ModelInfo>& model_registry() {
  static const std::vector<ModelInfo> reg = [] {
    std::vector<ModelInfo> r;
#define SPIKESIM_MODEL_INFO(M) \
  r.push_back(M::info());      \
  r.back().model = model_id<M>();
    SPIKESIM_MODELS(SPIKESIM_MODEL_INFO)
#undef SPIKESIM_MODEL_INFO
    ModelInfo poisson, generator;
    poisson.name = "poisson";
    poisson.model = Model::kPoisson;
    generator.name = "spike_generator";
    generator.model = Model::kSpikeGenerator;
    r.push_back(poisson);
    r.push_back(generator);
    return r;
  }();
  return reg;
}

const ModelInfo* find_model(const std::string& name, const std::string& method) {
  for (const auto& m : model_registry())
    if (m.name == name && (method.empty() || m.method == method)) return &m;
  return nullptr;
}

std::string model_methods(const std::string& name) {
  std::string s;
  for (const auto& m : model_registry())
    if (m.name == name && !m.method.empty()) s += (s.empty() ? "" : ", ") + m.method;
  return s;
}

const ModelInfo& model_info(Model m) {
  for (const auto& info : model_registry())
    if (info.model == m) return info;
  throw RunError("unregistered model");
}

std::string model_names(bool with_methods) {
  std::string s;
  for (const auto& m : model_registry()) {
    if (find_model(m.name) != &m) continue;  // once per name
    const std::string methods = model_methods(m.name);
    const bool several = with_methods && methods.find(',') != std::string::npos;
    s += (s.empty() ? "" : ", ") + m.name + (several ? " (" + methods + ")" : "");
  }
  return s;
}

std::string model_label(Model m) {
  const ModelInfo& info = model_info(m);
  return find_model(info.name) == &info ? info.name : info.name + " (" + info.method + ")";
}

std::string weight_unit(Model m) {
  const ModelInfo& info = model_info(m);
  return info.ex_var >= 0 ? info.state[info.ex_var].unit : "1";  // the receptor variables carry the weights' unit
}

bool self_driven(const PopulationSpec& s) {
  bool driven = true;  // the sources; and (not worked out) a population with parameters per neuron
  if (!s.varied.empty()) return driven;
  with_model(s.model, [&](auto m) { driven = decltype(m)::self_driven(s); });
  return driven;
}

std::vector<ParamInfo> alternative_params(const ModelInfo& info) {
  bool C_m = false, g_L = false;
  for (const ParamInfo& q : info.params) C_m = C_m || q.name == "C_m", g_L = g_L || q.name == "g_L";
  if (C_m && g_L) return {{"tau_m", 0.0, "ms", "a membrane time constant, in place of g_L (g_L = C_m / tau_m)", ParamInfo::kPositive}};
  return {};
}

}  // namespace spikesim
