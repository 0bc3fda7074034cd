#pragma once
// The model registry: the neuron models of SPIKESIM_MODELS (neurons/model_list.hpp) with
// their parameters, defaults and state variables, then the two spike sources (poisson,
// spike_generator).
#include <string>
#include <vector>

#include "core/spec.hpp"
#include "neurons/model_info.hpp"

namespace spikesim {

const std::vector<ModelInfo>& model_registry();
// The model of that name and integration method; an empty method: the name's default.
const ModelInfo* find_model(const std::string& name, const std::string& method = "");
// The methods a model name offers, comma-separated ("" where it has only one).
std::string model_methods(const std::string& name);
const ModelInfo& model_info(Model m);
// The model names, comma-separated; with_methods: each name's methods in brackets where it has several.
std::string model_names(bool with_methods = false);
// A population's model as the summaries print it: the name, and the method where it is not the default.
std::string model_label(Model m);
// Unit of a projection's weights onto a population of model m ("nS", "pA"; "1" for a
// spike_generator, whose plastic weights deliver nothing).
std::string weight_unit(Model m);
// Parameters a model also accepts in place of one of its own: tau_m (ms) for g_L = C_m / tau_m
// where the model has both C_m and g_L (NEST's iaf_psc_exp and iaf_cond_exp take tau_m).
std::vector<ParamInfo> alternative_params(const ModelInfo& info);
// Whether a population can fire without input (a source, or a neuron model's own rule).
bool self_driven(const PopulationSpec& s);

}  // namespace spikesim
