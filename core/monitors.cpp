#include "core/monitors.hpp"

#include <omp.h>

#include <cmath>
#include <filesystem>

#include "core/task.hpp"
#include "io/edges_file.hpp"
#include "io/trial_file.hpp"
#include "neurons/models.hpp"
#include "plasticity/plasticity.hpp"

namespace spikesim {

Monitors open_monitors(const Network& net, RunResult& res, int nthreads) {
  const NetworkSpec& s = net.spec;
  namespace fs = std::filesystem;
  fs::create_directories(s.output.dir);
  const Provenance prov{s.resolved.dump(), s.run.seed};
  Monitors m;
  m.spike_slot.assign(net.pops.size(), -1);
  if (s.record_spikes) {
    std::vector<std::string> names;
    for (int p : s.spikes.populations) {
      m.spike_slot[p] = static_cast<int>(names.size());
      names.push_back(net.pops[p].name);
    }
    const std::string path = (fs::path(s.output.dir) / s.output.spikes_file).string();
    // Spike chunks are compressed on a helper thread only when a core is left for it.
    m.spikes = std::make_unique<SpikeFile>(path, names, prov, nthreads < omp_get_num_procs());
    res.files.push_back(path);
  }
  for (const auto& mon : s.states) {
    const Population& pop = net.pops[mon.population];
    for (const auto& var : mon.variables) {
      std::string unit;
      for (const auto& v : model_info(pop.model).state)
        if (v.name == var) unit = v.unit;
      const std::string path = (fs::path(s.output.dir) / mon.file_name(var)).string();
      const auto stride = static_cast<uint64_t>(std::llround(mon.dt / s.run.dt));
      m.reports.push_back({std::make_unique<StateReport>(path, pop.name, unit, ReportMapping::neurons(mon.neurons), mon.dt,
                                                         s.run.tstop, prov),
                           pop.variable(var), pop.offset(var), stride});
      res.files.push_back(path);
    }
  }
  for (const auto& mon : s.weights) {
    const Projection& proj = net.projs[mon.projection];
    const std::string path = (fs::path(s.output.dir) / mon.file_name()).string();
    const auto stride = static_cast<uint64_t>(std::llround(mon.dt / s.run.dt));
    m.reports.push_back({std::make_unique<StateReport>(path, proj.name, weight_unit(net.pops[proj.target].model), ReportMapping::synapses(mon.synapses, proj.csr.target),
                                                       mon.dt, s.run.tstop, prov),
                         proj.csr.weight.data(), 0.0f, stride,
                         proj.plastic && proj.plastic->lazy() ? mon.projection : -1});
    res.files.push_back(path);
  }
  for (const auto& mon : s.signal_monitors) {
    const std::string path = (fs::path(s.output.dir) / mon.file_name()).string();
    std::vector<std::string> names, units;
    for (int k : mon.items) names.push_back(s.signals[k].name), units.push_back(s.signals[k].unit);
    m.signals.push_back({std::make_unique<SeriesFile>(path, "signals", names, units, mon.step,
                                                      "row k: each signal's value at t = k * step (row 0: t = 0)", prov),
                         mon.items, static_cast<uint64_t>(std::llround(mon.step / s.run.dt))});
    res.files.push_back(path);
  }
  for (const auto& mon : s.rate_monitors) {
    const std::string path = (fs::path(s.output.dir) / mon.file_name()).string();
    std::vector<std::string> names, units(mon.items.size(), "Hz");
    for (int p : mon.items) names.push_back(net.pops[p].name);
    m.rates.push_back({std::make_unique<SeriesFile>(path, "rates", names, units, mon.step,
                                                    "row k: spikes stamped in (k * step, (k + 1) * step] per neuron per second (complete bins only)", prov),
                       mon.items, static_cast<uint64_t>(std::llround(mon.step / s.run.dt)), mon.step * 1e-3,
                       std::vector<uint64_t>(mon.items.size(), 0)});
    res.files.push_back(path);
  }
  for (size_t i = 0; i < net.projs.size(); ++i)
    if (net.projs[i].plastic) m.plastic.push_back(i);
  if (!m.plastic.empty()) {
    m.edges_path = (fs::path(s.output.dir) / s.output.edges_file).string();
    res.files.push_back(m.edges_path);
  }
  return m;
}

void record_signals(Monitors& m, const double* values, uint64_t step) {
  for (auto& mon : m.signals)
    if (step % mon.stride == 0) {
      m.row.clear();
      for (int k : mon.which) m.row.push_back(values[k]);
      mon.file->record(m.row.data());
    }
}

void record_rates(Monitors& m, const Network& net, const std::vector<uint64_t>& counts, uint64_t step) {
  for (auto& mon : m.rates)
    if (step % mon.bin == 0) {
      m.row.clear();
      for (size_t i = 0; i < mon.pops.size(); ++i) {
        const int p = mon.pops[i];
        m.row.push_back(static_cast<double>(counts[p] - mon.count0[i]) / (net.pops[p].size * mon.bin_s));
        mon.count0[i] = counts[p];
      }
      mon.file->record(m.row.data());
    }
}

void finish_monitors(Monitors& m, const std::string& status, double t_reached_ms) {
  if (m.spikes) m.spikes->finish(status, t_reached_ms);
  for (auto& r : m.reports) r.file->finish(status, t_reached_ms);
  for (auto& sm : m.signals) sm.file->finish(status, t_reached_ms);
  for (auto& rm : m.rates) rm.file->finish(status, t_reached_ms);
}

void finish_outputs(const Network& net, Monitors& mon, RunResult& res, const TaskRunner* task) {
  res.t_reached_ms = static_cast<double>(res.steps) * net.spec.run.dt;
  const std::string status = res.interrupted ? "interrupted" : "complete";
  finish_monitors(mon, status, res.t_reached_ms);
  const Provenance prov{net.spec.resolved.dump(), net.spec.run.seed};
  if (task) {
    res.trials = task->records();
    const std::filesystem::path dir = net.spec.output.dir;
    write_trials((dir / "trials.h5").string(), (dir / "trials.csv").string(), net.spec.task, res.trials, prov, status,
                 res.t_reached_ms);
    res.files.push_back((dir / "trials.h5").string());
    res.files.push_back((dir / "trials.csv").string());
  }
  if (!mon.edges_path.empty()) write_edges(mon.edges_path, net, mon.plastic, prov, status, res.t_reached_ms);
}

std::vector<size_t> trial_projections(const Network& net) {
  std::vector<size_t> out;
  if (net.spec.task.active())
    for (size_t i = 0; i < net.projs.size(); ++i)
      if (net.projs[i].plastic && net.projs[i].plastic->trial_rule()) out.push_back(i);
  return out;
}

}  // namespace spikesim
