#pragma once
// The parameters of each neuron of a population whose file gives some of them per neuron
// (PopulationSpec::varied): the population's parameters with the varied ones replaced by
// neuron i's values. A draw is a pure function of (seed, population, neuron, parameter), so
// every engine, thread count and output file gets the same values.
#include <cstdint>
#include <map>
#include <string>

#include "core/rng.hpp"
#include "core/spec.hpp"

namespace spikesim {

class NeuronParams {
 public:
  NeuronParams(const PopulationSpec& s, uint64_t seed, uint32_t pop_index);
  // Every parameter of neuron i (valid until the next call); with "tau_m" varied, or C_m
  // varied beside a given tau_m, g_L = C_m / tau_m.
  const std::map<std::string, double>& of(uint32_t i);
  // Parameter `name` of neuron i.
  double value(const std::string& name, uint32_t i);

 private:
  const PopulationSpec& s_;
  CounterRng rng_;
  std::map<std::string, double> m_;
};

}  // namespace spikesim
