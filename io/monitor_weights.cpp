// Weights monitors: chosen synapses of one projection every `dt` ms (a SONATA synapse report),
// or every synapse at given times (snapshots, SONATA edges).
#include <algorithm>
#include <cmath>
#include <limits>

#include "io/edges_file.hpp"
#include "io/monitors.hpp"
#include "io/parse_monitor.hpp"
#include "io/report_monitor.hpp"
#include "neurons/models.hpp"
#include "plasticity/plasticity.hpp"

namespace spikesim {

namespace {

// Snapshots: every synapse of a projection at given steps, each snapshot one edge group
// ("0", "1", ...) of a SONATA edges file beside the edge columns, its time in attribute
// "time" (ms). The last step's snapshot is taken when the run ends (weights settled).
class SnapshotMonitor final : public Monitor {
 public:
  SnapshotMonitor(const MonitorContext& c, const WeightMonitorSpec& mon, int lazy)
      : net_(c.net), proj_(c.net.projs[mon.projection]), steps_(mon.snapshot_steps), lazy_(lazy) {
    const std::string path = c.path(mon.file_name());
    files.push_back(path);
    file_ = h5_open_output(path, c.mode);
    if (c.mode.resume) {
      group_ = h5_group(file_, "/edges/" + proj_.name, true);
      return;
    }
    write_provenance(file_, c.prov);
    group_ = h5_create_group(file_, "/edges/" + proj_.name);
    write_edge_columns(group_, net_, proj_);
    std::vector<double> times;
    for (uint64_t s : steps_) times.push_back(static_cast<double>(s) * net_.spec.run.dt);
    attr_f64(group_, "snapshot_times", times);
    h5_check(H5Fflush(file_, H5F_SCOPE_GLOBAL), "flush");
  }
  void start(const double*) override {
    if (!steps_.empty() && steps_[0] == 0) take();
  }
  bool samples() const override { return true; }
  bool due(uint64_t n) const override { return next_ < steps_.size() && steps_[next_] == n; }
  uint64_t next_due(uint64_t n) const override {
    const auto it = std::upper_bound(steps_.begin(), steps_.end(), n);
    return it == steps_.end() ? std::numeric_limits<uint64_t>::max() : *it;
  }
  int lazy_projection() const override { return lazy_; }
  void sample_state() override { take(); }
  void finish(const RunEnd& end) override {
    const auto last = static_cast<uint64_t>(std::llround(end.t_reached_ms / net_.spec.run.dt));
    if (due(last)) take();
    write_status(file_, end.status, end.t_reached_ms);
    group_.reset();
    file_.reset();
  }
  void checkpoint(Archive& a) override {
    uint64_t taken = next_;
    if (!a.loading()) h5_sync(file_);
    a.value(checkpoint_key() + "/snapshots", taken);
    if (!a.loading()) return;
    for (uint64_t k = taken; k < steps_.size(); ++k)  // snapshots after the checkpoint go
      if (H5Lexists(group_, std::to_string(k).c_str(), H5P_DEFAULT) > 0)
        h5_check(H5Ldelete(group_, std::to_string(k).c_str(), H5P_DEFAULT), "remove a later snapshot");
    next_ = taken;
    write_status(file_, "running", 0.0);
  }

 private:
  void take() {
    write_edge_weights(group_, std::to_string(next_), net_, proj_, next_ == 0);
    H5Id g(H5Gopen2(group_, std::to_string(next_).c_str(), H5P_DEFAULT), H5Gclose);
    attr_f64(g, "time", {static_cast<double>(steps_[next_]) * net_.spec.run.dt});
    ++next_;
    h5_check(H5Fflush(file_, H5F_SCOPE_GLOBAL), "flush");
  }
  const Network& net_;
  const Projection& proj_;
  std::vector<uint64_t> steps_;
  size_t next_ = 0;
  int lazy_;
  H5Id file_, group_;
};

}  // namespace

void open_weights_monitors(const MonitorContext& c, MonitorList& out) {
  const NetworkSpec& s = c.net.spec;
  for (const auto& mon : s.weights) {
    const Projection& proj = c.net.projs[mon.projection];
    const int lazy = proj.plastic && proj.plastic->lazy() ? mon.projection : -1;
    if (!mon.snapshot_steps.empty()) {
      out.push_back(std::make_unique<SnapshotMonitor>(c, mon, lazy));
      continue;
    }
    const std::string path = c.path(mon.file_name());
    auto file = std::make_unique<StateReport>(path, proj.name, weight_unit(c.net.pops[proj.target].model),
                                              ReportMapping::synapses(mon.synapses, proj.csr.target), mon.dt, s.run.tstop, c.prov, c.mode);
    if (!c.mode.resume) {  // node_ids are the synapses' targets: name their population, and the edges'
      file->label("node_population", c.net.pops[proj.target].name);
      file->label("source_population", c.net.pops[proj.source].name);
      file->label("edge_population", proj.name);
    }
    out.push_back(std::make_unique<ReportMonitor>(std::move(file), path, proj.csr.weight.data(), 0.0f, c.stride(mon.dt), lazy));
  }
}

// {"type": "weights", "projection": NAME, "synapses": [k, ...] | "all" | {"sample": N}, "dt", "name"}
// {"type": "weights", "projection": NAME, "all": true, "times": [ms, ...], "name"}: snapshots
void parse_weights_monitor(JObj& o, NetworkSpec& net, MonitorFiles& files) {
  WeightMonitorSpec m;
  m.ptr = o.ptr();
  std::string names;
  for (const auto& p : net.projections) names += (names.empty() ? "" : ", ") + p.name;
  const std::string expected = "a projection name (one of: " + names + ")";
  const json& pj = o.need("projection", expected);
  m.projection = pj.is_string() ? net.find_projection(pj.get<std::string>()) : -1;
  if (m.projection < 0) fail(o.at("projection"), pj, expected);
  if (const json* times = o.get("times")) {
    const json* all = o.get("all");
    if (!all || !all->is_boolean() || !all->get<bool>())
      fail(o.at("all"), all ? *all : json(nullptr), "true: snapshots (\"times\") hold every synapse of the projection");
    if (!times->is_array() || times->empty()) fail(o.at("times"), *times, "a non-empty array of times in ms, ascending");
    for (size_t i = 0; i < times->size(); ++i) {
      const std::string pt = o.at("times") + "/" + std::to_string(i);
      const json& t = (*times)[i];
      // (times after tstop are allowed: a run resumed with a later --tstop reaches them)
      if (!t.is_number() || !(t.get<double>() >= 0) || !std::isfinite(t.get<double>())) fail(pt, t, "a time in ms >= 0");
      const auto step = static_cast<uint64_t>(std::llround(t.get<double>() / net.run.dt));
      if (!m.snapshot_steps.empty() && step <= m.snapshot_steps.back())
        fail(pt, t, "a time after the one before it (at least one step of dt later)");
      m.snapshot_steps.push_back(step);
    }
    m.all = true;
    m.name = monitor_name(o, net.projections[m.projection].name);
    claim_file(files, m.file_name(), o.ptr());
    o.finish("type, projection, all, times, name");
    net.weights.push_back(std::move(m));
    return;
  }
  const std::string syn_expected = "an array of synapse indices, \"all\", or {\"sample\": N} (or \"all\": true with \"times\": snapshots)";
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
