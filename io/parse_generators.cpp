// NEST's generators in the network file, as NEST writes them: a "population" of model
// dc_generator, step_current_generator or poisson_generator, and projections from it onto
// neuron populations.
//   "stim": {"model": "dc_generator", "params": {"amplitude": 300, "start": 100, "stop": 600}}
//   "steps": {"model": "step_current_generator",
//             "params": {"amplitude_times": [100, 300], "amplitude_values": [200, -50]}}
//   {"source": "stim", "target": "exc", "weight": 1, "delay": 1}
// Every neuron of the target receives weight x amplitude (pA) from `delay` ms later, added to
// its I_e (docs/network-file.md, "Current generators").
//   "noise": {"model": "poisson_generator", "params": {"rate": 8000}}
//   {"source": "noise", "target": "exc", "weight": 20, "delay": 1.5}
// Every neuron of the target receives its own Poisson train: weight x (its spikes in a step),
// `delay` ms after they are emitted (docs/network-file.md, "Poisson generators").
#include <cmath>
#include <limits>
#include <tuple>
#include <utility>

#include "core/spec.hpp"
#include "neurons/models.hpp"

namespace spikesim {

int population_index(const json& j, const std::string& ptr, const NetworkSpec& net);
void warn_off_grid_delay(const std::string& ptr, double delay, double dt);  // io/parse_projection.cpp
struct WeightRange {
  double lo, hi;
  std::string expected;
};
WeightRange weight_range(const ModelInfo& target, Receptor r);  // io/parse_projection.cpp
Receptor parse_receptor(JObj& o);                              // io/parse_projection.cpp

bool is_current_model(const std::string& model) { return model == "dc_generator" || model == "step_current_generator"; }
bool is_generator_model(const std::string& model) { return is_current_model(model) || model == "poisson_generator"; }

int NetworkSpec::find_poisson_generator(const std::string& name) const {
  for (size_t i = 0; i < poisson_generators.size(); ++i)
    if (poisson_generators[i].name == name) return static_cast<int>(i);
  return -1;
}

namespace {

// What a generator's projection has in common, whatever the generator: the target, the rule
// (all_to_all: every neuron of the target), a delay of at least one step. The generator
// drives every target neuron alike, so "size" is 1.
struct GeneratorLink {
  int target = -1;
  double delay = 1.0;
};

GeneratorLink parse_link(JObj& o, const NetworkSpec& net, const char* what) {
  GeneratorLink l;
  l.target = population_index(o.need("target", "a population name"), o.at("target"), net);
  if (const json* c = o.get("connectivity")) {
    JObj co(*c, o.at("connectivity"));
    if (co.string("rule", "\"all_to_all\"") != "all_to_all")
      co.reject("rule", std::string("\"all_to_all\": ") + what + " drives every neuron of its target (for a subset, make it a population of its own)");
    co.finish("rule");
  }
  l.delay = o.number_or("delay", 1.0, "a delay in ms >= dt");
  const double dt = net.run.dt;
  if (std::llround(l.delay / dt) < 1) o.reject("delay", "a delay of at least one step (dt = " + std::to_string(dt) + " ms)");
  warn_off_grid_delay(o.at("delay"), l.delay, dt);
  return l;
}

// A generator's "params" (empty when absent), once its "size" is checked to be 1 (`why`).
JObj generator_params(JObj& o, const char* why) {
  if (o.integer_or("size", 1, "1") != 1) o.reject("size", std::string("1: ") + why);
  static const json empty = json::object();
  const json* pj = o.get("params");
  return JObj(pj ? *pj : empty, o.at("params"));
}

// "start" (default 0) and "stop" (default never) in ms.
std::pair<double, double> parse_window(JObj& p) {
  const double start = p.number_or("start", 0.0, "a time in ms >= 0");
  const double stop = p.number_or("stop", std::numeric_limits<double>::infinity(), "a time in ms after start");
  if (!(start >= 0)) p.reject("start", "a time in ms >= 0");
  if (!(stop > start)) p.reject("stop", "a time in ms after start (" + std::to_string(start) + " ms)");
  return {start, stop};
}

}  // namespace

int NetworkSpec::find_current_source(const std::string& name) const {
  for (size_t i = 0; i < current_sources.size(); ++i)
    if (current_sources[i].name == name) return static_cast<int>(i);
  return -1;
}

CurrentSourceSpec parse_current_source(const json& j, const std::string& ptr, const std::string& name) {
  JObj o(j, ptr);
  CurrentSourceSpec s;
  s.name = name;
  s.ptr = ptr;
  s.model = o.string("model", "dc_generator or step_current_generator");
  JObj p = generator_params(o, "a current generator gives every neuron it is connected to the same current (use one generator per current)");
  const auto [start, stop] = parse_window(p);
  std::vector<double> times, values;
  if (s.model == "dc_generator") {
    times = {0.0};
    values = {p.number_or("amplitude", 0.0, "a current in pA")};
    p.finish("amplitude, start, stop");
  } else {
    times = p.numbers("amplitude_times", "the times (ms, increasing) at which the amplitude changes");
    values = p.numbers("amplitude_values", "one amplitude (pA) per time");
    if (values.size() != times.size()) p.reject("amplitude_values", std::to_string(times.size()) + " amplitudes, one per time");
    for (size_t k = 0; k < times.size(); ++k)
      if (!(times[k] >= 0) || (k > 0 && !(times[k] > times[k - 1])))
        fail(p.at("amplitude_times") + "/" + std::to_string(k), times[k], "increasing times in ms >= 0");
    p.finish("amplitude_times, amplitude_values, start, stop");
  }
  for (size_t k = 0; k < values.size(); ++k)
    if (!(std::fabs(values[k]) < 1e12)) fail(p.ptr() + "/amplitude", values[k], "a current in pA, |I| < 1e12");
  // The amplitude within [start, stop), 0 outside.
  double at_start = 0.0;
  for (size_t k = 0; k < times.size() && times[k] <= start; ++k) at_start = values[k];
  s.times = {start};
  s.amplitudes = {at_start};
  for (size_t k = 0; k < times.size(); ++k)
    if (times[k] > start && times[k] < stop) s.times.push_back(times[k]), s.amplitudes.push_back(values[k]);
  if (std::isfinite(stop)) s.times.push_back(stop), s.amplitudes.push_back(0.0);
  o.finish("model, size, params");
  return s;
}

CurrentInputSpec parse_current_input(const json& j, const std::string& ptr, const NetworkSpec& net) {
  JObj o(j, ptr);
  CurrentInputSpec in;
  in.ptr = ptr;
  in.source = net.find_current_source(o.string("source", "a current generator"));
  const GeneratorLink l = parse_link(o, net, "a current generator");
  in.target = l.target, in.delay = l.delay;
  const ModelInfo& info = model_info(net.populations[in.target].model);
  bool takes_current = false;
  for (const ParamInfo& q : info.params) takes_current = takes_current || (q.name == "I_e" && q.unit == "pA");
  if (!takes_current)
    o.reject("target", "a population whose model takes a current I_e in pA (model " + info.name + " does not)");
  in.weight = o.number_or("weight", 1.0, "a number, the factor of the amplitude (one for all neurons)");
  o.string_or("name", "");
  o.finish("name, source, target, connectivity, weight, delay");
  return in;
}

// The largest mean count per step a poisson_generator may have (rate x dt): its table of
// counts (synapses/poisson_input.hpp) then holds about 11,000 entries.
constexpr double kMaxPoissonMean = 1e4;

PoissonGeneratorSpec parse_poisson_generator(const json& j, const std::string& ptr, const std::string& name, double dt) {
  JObj o(j, ptr);
  PoissonGeneratorSpec g;
  g.name = name;
  g.ptr = ptr;
  o.string("model", "poisson_generator");
  JObj p = generator_params(o, "a poisson_generator gives each neuron it is connected to a train of its own (NEST's semantics); "
                               "for a population of trains, each with its own targets, use the model \"poisson\"");
  const std::string rate_expected = "a rate in Hz >= 0, at most " + std::to_string(kMaxPoissonMean * 1000.0 / dt) +
                                    " (a mean of 10,000 spikes per step at dt = " + std::to_string(dt) + " ms)";
  g.rate = p.number_or("rate", 0.0, rate_expected);
  if (!(g.rate >= 0) || g.rate * dt / 1000.0 > kMaxPoissonMean) p.reject("rate", rate_expected);
  std::tie(g.start, g.stop) = parse_window(p);
  p.finish("rate, start, stop");
  o.finish("model, size, params");
  return g;
}

PoissonInputSpec parse_poisson_input(const json& j, const std::string& ptr, const NetworkSpec& net) {
  JObj o(j, ptr);
  PoissonInputSpec in;
  in.ptr = ptr;
  in.source = net.find_poisson_generator(o.string("source", "a poisson_generator"));
  const PoissonGeneratorSpec& g = net.poisson_generators[in.source];
  const GeneratorLink l = parse_link(o, net, "a poisson_generator");
  in.target = l.target, in.delay = l.delay;
  const ModelInfo& info = model_info(net.populations[in.target].model);
  if (!info.has_receptors) o.reject("target", "a population of neurons that receives synapses (model " + info.name + " has none)");
  in.receptor = parse_receptor(o);
  in.weight = o.number("weight", "a number in the receptor's unit: one weight for every target neuron");
  const WeightRange r = weight_range(info, in.receptor);
  if (!(in.weight >= r.lo && in.weight <= r.hi)) o.reject("weight", r.expected);
  in.name = o.string_or("name", g.name + "_to_" + net.populations[in.target].name);
  o.finish("name, source, target, connectivity, receptor, weight, delay");
  return in;
}

}  // namespace spikesim
