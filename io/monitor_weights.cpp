// Weights monitors: chosen synapses of one projection every `dt` ms (a SONATA synapse report).
#include "io/monitors.hpp"
#include "io/report_monitor.hpp"
#include "neurons/models.hpp"
#include "plasticity/plasticity.hpp"

namespace spikesim {

void open_weights_monitors(const MonitorContext& c, MonitorList& out) {
  const NetworkSpec& s = c.net.spec;
  for (const auto& mon : s.weights) {
    const Projection& proj = c.net.projs[mon.projection];
    const std::string path = c.path(mon.file_name());
    auto file = std::make_unique<StateReport>(path, proj.name, weight_unit(c.net.pops[proj.target].model),
                                              ReportMapping::synapses(mon.synapses, proj.csr.target), mon.dt, s.run.tstop, c.prov);
    const int lazy = proj.plastic && proj.plastic->lazy() ? mon.projection : -1;
    out.push_back(std::make_unique<ReportMonitor>(std::move(file), path, proj.csr.weight.data(), 0.0f, c.stride(mon.dt), lazy));
  }
}

}  // namespace spikesim
