#pragma once
// What a neuron model says about itself: its name, parameters (defaults, units, allowed
// range), state variables (units, which one is V_m and which take the two receptors' input)
// and weight convention. Each model header returns one from `info()`; the registry
// (neurons/models.hpp) lists them in the order of SPIKESIM_MODELS (neurons/model_list.hpp).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/hd.hpp"
#include "core/rng.hpp"
#include "core/spec.hpp"

namespace spikesim {

using ParamMap = std::map<std::string, double>;  // every parameter, defaults filled (PopulationSpec::params)

struct StateVarInfo {
  std::string name, unit;
};

// A parameter: the file may set it, else `def`; the parser checks `range` and names `what`
// and `unit` when it fails ("a capacitance in pF > 0").
struct ParamInfo {
  enum Range { kAny, kPositive, kNonNegative };
  std::string name;
  double def = 0.0;
  std::string unit, what;
  Range range = kAny;
};

// Two parameters that must be strictly ordered (V_reset < V_th); the message names `upper`'s value.
struct ParamOrder {
  std::string lower, upper;
};

struct ModelInfo {
  std::string name;
  // The integration method, where a model offers more than one: models of the same name
  // differ only in it, and the first registered is the default ("method" in docs/network-file.md).
  std::string method;
  Model model = Model::kPoisson;
  std::vector<ParamInfo> params;
  std::vector<StateVarInfo> state;  // recordable, initialisable; in the order of the model's state array
  std::vector<ParamOrder> ordered;
  int v_var = -1, ex_var = -1, in_var = -1;  // indices into `state`: V_m and the receptor inputs
  std::string v_offset;  // the parameter V_m is stored relative to (E_L), or empty
  bool has_receptors = false;
  bool conductance = false;  // weights are nS (>= 0) rather than pA (ex >= 0, in <= 0)
};

// What a model's step reads besides its state and constants: neuron i, from step n to n + 1,
// and the population's counter-based stream (for models with noise).
struct NeuronCtx {
  CounterRng rng;
  uint32_t i, n;
};

}  // namespace spikesim
