// State monitors: chosen state variables of chosen neurons every `dt` ms, one file per variable.
#include "io/monitors.hpp"
#include "io/parse_monitor.hpp"
#include "io/report_monitor.hpp"
#include "neurons/models.hpp"

namespace spikesim {

void open_states_monitors(const MonitorContext& c, MonitorList& out) {
  const NetworkSpec& s = c.net.spec;
  for (const auto& mon : s.states) {
    const Population& pop = c.net.pops[mon.population];
    for (const auto& var : mon.variables) {
      std::string unit;
      for (const auto& v : model_info(pop.model).state)
        if (v.name == var) unit = v.unit;
      const std::string path = c.path(mon.file_name(var));
      auto file = std::make_unique<StateReport>(path, pop.name, unit, ReportMapping::neurons(mon.neurons), mon.dt,
                                                s.run.tstop, c.prov, c.mode);
      out.push_back(std::make_unique<ReportMonitor>(std::move(file), path, pop.variable(var), pop.offset(var), c.stride(mon.dt), -1,
                                                    pop.offsets(var)));
    }
  }
}


// {"type": "state", "population", "variables": [names], "neurons": [indices] | "all", "dt", "name"}
void parse_states_monitor(JObj& o, NetworkSpec& net, MonitorFiles& files) {
  StateMonitorSpec m;
  m.ptr = o.ptr();
  m.population = population_index(o.need("population", "a population name"), o.at("population"), net);
  const PopulationSpec& pop = net.populations[m.population];
  const ModelInfo& info = model_info(pop.model);
  std::string names;
  for (const auto& v : info.state) names += (names.empty() ? "" : ", ") + v.name;
  const json& vars = o.need("variables", "an array of state variable names");
  if (!vars.is_array() || vars.empty()) fail(o.at("variables"), vars, "a non-empty array of state variable names");
  for (size_t i = 0; i < vars.size(); ++i) {
    const std::string pv = o.at("variables") + "/" + std::to_string(i);
    bool ok = vars[i].is_string();
    if (ok) {
      ok = false;
      for (const auto& v : info.state) ok = ok || v.name == vars[i].get<std::string>();
    }
    if (!ok) fail(pv, vars[i], names.empty() ? "nothing: model " + info.name + " has no state variables"
                                               : "a state variable of " + info.name + " (one of: " + names + ")");
    m.variables.push_back(vars[i].get<std::string>());
  }
  const json& neurons = o.need("neurons", "an array of neuron indices or \"all\"");
  if (neurons.is_string() && neurons.get<std::string>() == "all") {
    for (uint32_t i = 0; i < pop.size; ++i) m.neurons.push_back(i);
  } else {
    if (!neurons.is_array() || neurons.empty()) fail(o.at("neurons"), neurons, "a non-empty array of neuron indices or \"all\"");
    for (size_t i = 0; i < neurons.size(); ++i) {
      const std::string pn = o.at("neurons") + "/" + std::to_string(i);
      const int64_t id = as_integer(neurons[i], pn, "a neuron index");
      if (id < 0 || id >= pop.size) fail(pn, neurons[i], "a neuron index from 0 to " + std::to_string(pop.size - 1));
      m.neurons.push_back(static_cast<uint32_t>(id));
    }
  }
  m.dt = recording_dt(o, net.run.dt);
  m.name = monitor_name(o, pop.name);
  for (const auto& v : m.variables) claim_file(files, m.file_name(v), o.ptr());
  o.finish("type, population, variables, neurons, dt, name");
  net.states.push_back(std::move(m));
}

}  // namespace spikesim
