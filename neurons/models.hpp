#pragma once
// The model registry: names, parameters with NEST defaults, state variables with units and
// receptor conventions. Adding a neuron model: one header with its math, one entry here,
// one case in population.cpp.
#include <string>
#include <utility>
#include <vector>

#include "core/spec.hpp"

namespace spikesim {

struct StateVarInfo {
  std::string name, unit;
};

struct ModelInfo {
  std::string name;
  Model model;
  std::vector<std::pair<std::string, double>> params;  // name, default
  std::vector<StateVarInfo> state;                     // recordable, initialisable
  bool has_receptors = false;
  bool conductance = false;  // weights are nS (>= 0) rather than pA (ex >= 0, in <= 0)
};

const std::vector<ModelInfo>& model_registry();
const ModelInfo* find_model(const std::string& name);
const ModelInfo& model_info(Model m);
std::string model_names();
// Unit of a projection's weights onto a population of model m ("nS", "pA"; "1" for a
// spike_generator, whose plastic weights deliver nothing).
std::string weight_unit(Model m);

}  // namespace spikesim
