// Weights monitors: chosen synapses of one projection every `dt` ms (a SONATA synapse report).
#include "io/monitors.hpp"
#include "io/parse_monitor.hpp"
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
                                              ReportMapping::synapses(mon.synapses, proj.csr.target), mon.dt, s.run.tstop, c.prov, c.resume);
    const int lazy = proj.plastic && proj.plastic->lazy() ? mon.projection : -1;
    out.push_back(std::make_unique<ReportMonitor>(std::move(file), path, proj.csr.weight.data(), 0.0f, c.stride(mon.dt), lazy));
  }
}


// {"type": "weights", "projection": NAME, "synapses": [k, ...] | "all" | {"sample": N}, "dt", "name"}
void parse_weights_monitor(JObj& o, NetworkSpec& net, MonitorFiles& files) {
  WeightMonitorSpec m;
  m.ptr = o.ptr();
  std::string names;
  for (const auto& p : net.projections) names += (names.empty() ? "" : ", ") + p.name;
  const std::string expected = "a projection name (one of: " + names + ")";
  const json& pj = o.need("projection", expected);
  m.projection = pj.is_string() ? net.find_projection(pj.get<std::string>()) : -1;
  if (m.projection < 0) fail(o.at("projection"), pj, expected);
  const std::string syn_expected = "an array of synapse indices, \"all\", or {\"sample\": N}";
  const json& s = o.need("synapses", syn_expected);
  if (s.is_string() && s.get<std::string>() == "all") {
    m.all = true;
  } else if (s.is_object()) {
    JObj so(s, o.at("synapses"));
    const int64_t n = so.integer("sample", "a number of synapses >= 1");
    if (n < 1) fail(so.at("sample"), s["sample"], "a number of synapses >= 1");
    m.sample = static_cast<uint64_t>(n);
    so.finish("sample");
  } else if (s.is_array() && !s.empty()) {
    for (size_t i = 0; i < s.size(); ++i) {
      const int64_t k = as_integer(s[i], o.at("synapses") + "/" + std::to_string(i), "a synapse index >= 0");
      if (k < 0) fail(o.at("synapses") + "/" + std::to_string(i), s[i], "a synapse index >= 0");
      m.synapses.push_back(static_cast<uint64_t>(k));
    }
  } else {
    fail(o.at("synapses"), s, syn_expected);
  }
  m.dt = recording_dt(o, net.run.dt);
  m.name = monitor_name(o, net.projections[m.projection].name);
  claim_file(files, m.file_name(), o.ptr());
  o.finish("type, projection, synapses, dt, name");
  net.weights.push_back(std::move(m));
}

}  // namespace spikesim
