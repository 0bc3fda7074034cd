// The spike monitor: every spike of the chosen populations, streamed to spikes.h5 (io/spike_file.hpp).
#include <omp.h>

#include "io/monitors.hpp"
#include "io/parse_monitor.hpp"
#include "io/spike_file.hpp"

namespace spikesim {

namespace {

class SpikeMonitor final : public Monitor {
 public:
  SpikeMonitor(const MonitorContext& c, const std::string& path) : pops_(c.net.spec.spikes.populations) {
    std::vector<std::string> names;
    for (int p : pops_) names.push_back(c.net.pops[p].name);
    // Spike chunks are compressed on a helper thread only when a core is left for it.
    file_ = std::make_unique<SpikeFile>(path, names, c.prov, c.nthreads < omp_get_num_procs(), c.mode);
    files.push_back(path);
  }
  std::vector<int> spike_populations() const override { return pops_; }
  void step(const StepSample& s) override {
    for (size_t slot = 0; slot < pops_.size(); ++slot) {
      const std::vector<uint32_t>& ids = (*s.spikes)[pops_[slot]];
      if (!ids.empty()) file_->add(slot, s.t, ids);
    }
  }
  void flush() override { file_->flush(); }
  void checkpoint(Archive& a) override { file_->checkpoint(a, checkpoint_key()); }
  void finish(const RunEnd& end) override { file_->finish(end.status, end.t_reached_ms); }

 private:
  std::vector<int> pops_;
  std::unique_ptr<SpikeFile> file_;
};

}  // namespace

void open_spikes_monitors(const MonitorContext& c, MonitorList& out) {
  const NetworkSpec& s = c.net.spec;
  if (s.record_spikes) out.push_back(std::make_unique<SpikeMonitor>(c, c.path(s.output.spikes_file)));
}


// {"type": "spikes", "populations": [names] (default all)}: each population in one spikes monitor at most.
void parse_spikes_monitor(JObj& o, NetworkSpec& net, MonitorFiles&) {
  std::vector<int> pops;
  if (const json* pl = o.get("populations")) {
    if (!pl->is_array()) fail(o.at("populations"), *pl, "an array of population names");
    for (size_t i = 0; i < pl->size(); ++i) pops.push_back(population_index((*pl)[i], o.at("populations") + "/" + std::to_string(i), net));
  } else {
    for (size_t i = 0; i < net.populations.size(); ++i) pops.push_back(static_cast<int>(i));
  }
  for (size_t i = 0; i < pops.size(); ++i) {
    for (int q : net.spikes.populations)
      if (q == pops[i]) fail_msg(o.has("populations") ? o.at("populations") + "/" + std::to_string(i) : o.ptr(),
                                 "population \"" + net.populations[q].name + "\" is already recorded by another spikes monitor, expected each population in one spikes monitor at most");
    net.spikes.populations.push_back(pops[i]);
  }
  net.record_spikes = true;
  o.finish("type, populations");
}

}  // namespace spikesim
