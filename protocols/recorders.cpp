#include "protocols/recorders.hpp"

#include <cmath>

#include "io/state_report.hpp"
#include "plasticity/plasticity.hpp"

namespace spikesim {

WeightRecorder::WeightRecorder(const Network& net, const WeightMonitorSpec& mon) {
  const Projection& proj = net.projs[mon.projection];
  synapses = ReportMapping::synapses(mon.synapses, proj.csr.target).gather;  // the report's column order
  weight_ = proj.csr.weight.data();
  stride_ = static_cast<uint64_t>(std::llround(mon.dt / net.spec.run.dt));
  lazy_ = proj.plastic && proj.plastic->lazy() ? mon.projection : -1;
}

}  // namespace spikesim
