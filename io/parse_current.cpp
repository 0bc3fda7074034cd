// Current generators in the network file, as NEST writes them: a "population" of model
// dc_generator or step_current_generator, and projections from it onto neuron populations.
//   "stim": {"model": "dc_generator", "params": {"amplitude": 300, "start": 100, "stop": 600}}
//   "steps": {"model": "step_current_generator",
//             "params": {"amplitude_times": [100, 300], "amplitude_values": [200, -50]}}
//   {"source": "stim", "target": "exc", "weight": 1, "delay": 1}
// Every neuron of the target receives weight x amplitude (pA) from `delay` ms later, added to
// its I_e (docs/network-file.md, "Current generators").
#include <cmath>
#include <limits>

#include "core/spec.hpp"
#include "neurons/models.hpp"

namespace spikesim {

int population_index(const json& j, const std::string& ptr, const NetworkSpec& net);
void warn_off_grid_delay(const std::string& ptr, double delay, double dt);  // io/parse_projection.cpp

bool is_current_model(const std::string& model) { return model == "dc_generator" || model == "step_current_generator"; }

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
  const int64_t size = o.integer_or("size", 1, "1");
  if (size != 1)
    o.reject("size", "1: a current generator gives every neuron it is connected to the same current (use one generator per current)");
  const json empty = json::object();
  const json* pj = o.get("params");
  JObj p(pj ? *pj : empty, o.at("params"));
  const double inf = std::numeric_limits<double>::infinity();
  const double start = p.number_or("start", 0.0, "a time in ms >= 0");
  const double stop = p.number_or("stop", inf, "a time in ms after start");
  if (!(start >= 0)) p.reject("start", "a time in ms >= 0");
  if (!(stop > start)) p.reject("stop", "a time in ms after start (" + std::to_string(start) + " ms)");
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
  in.target = population_index(o.need("target", "a population name"), o.at("target"), net);
  const ModelInfo& info = model_info(net.populations[in.target].model);
  bool takes_current = false;
  for (const ParamInfo& q : info.params) takes_current = takes_current || (q.name == "I_e" && q.unit == "pA");
  if (!takes_current)
    o.reject("target", "a population whose model takes a current I_e in pA (model " + info.name + " does not)");
  if (const json* c = o.get("connectivity")) {
    JObj co(*c, o.at("connectivity"));
    if (co.string("rule", "\"all_to_all\"") != "all_to_all")
      co.reject("rule", "\"all_to_all\": a current generator drives every neuron of its target (for a subset, make it a population of its own)");
    co.finish("rule");
  }
  in.weight = o.number_or("weight", 1.0, "a number, the factor of the amplitude (one for all neurons)");
  in.delay = o.number_or("delay", 1.0, "a delay in ms >= dt");
  const double dt = net.run.dt;
  if (std::llround(in.delay / dt) < 1) o.reject("delay", "a delay of at least one step (dt = " + std::to_string(dt) + " ms)");
  warn_off_grid_delay(o.at("delay"), in.delay, dt);
  o.string_or("name", "");
  o.finish("name, source, target, connectivity, weight, delay");
  return in;
}

}  // namespace spikesim
