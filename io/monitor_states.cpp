// State monitors: chosen state variables of chosen neurons every `dt` ms, one file per variable.
#include "io/monitors.hpp"
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
                                                s.run.tstop, c.prov);
      out.push_back(std::make_unique<ReportMonitor>(std::move(file), path, pop.variable(var), pop.offset(var), c.stride(mon.dt), -1));
    }
  }
}

}  // namespace spikesim
