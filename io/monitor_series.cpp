// Series monitors (io/series_file.hpp): global signals every `step` ms (row 0: t = 0), and
// population rates in bins of `step` ms (complete bins only).
#include "io/monitors.hpp"
#include "io/parse_monitor.hpp"
#include "io/series_file.hpp"

namespace spikesim {

namespace {

class SignalsMonitor final : public Monitor {
 public:
  SignalsMonitor(const MonitorContext& c, const SeriesMonitorSpec& mon) : which_(mon.items), stride_(c.stride(mon.step)) {
    const NetworkSpec& s = c.net.spec;
    std::vector<std::string> names, units;
    for (int k : mon.items) names.push_back(s.signals[k].name), units.push_back(s.signals[k].unit);
    const std::string path = c.path(mon.file_name());
    file_ = std::make_unique<SeriesFile>(path, "signals", names, units, mon.step,
                                         "row k: each signal's value at t = k * step (row 0: t = 0)", c.prov, c.mode);
    files.push_back(path);
  }
  void start(const double* signals) override { record(signals); }
  void resume_at(const StepSample& s) override {
    if (s.stamp % stride_ == 0) record(s.signals);
  }
  void checkpoint(Archive& a) override { file_->checkpoint(a, checkpoint_key()); }
  void step(const StepSample& s) override {
    if (!s.last && s.stamp % stride_ == 0) record(s.signals);
  }
  void finish(const RunEnd& end) override { file_->finish(end.status, end.t_reached_ms); }

 private:
  void record(const double* values) {
    row_.clear();
    for (int k : which_) row_.push_back(values[k]);
    file_->record(row_.data());
  }
  std::vector<int> which_;
  uint64_t stride_;
  std::unique_ptr<SeriesFile> file_;
  std::vector<double> row_;
};

class RatesMonitor final : public Monitor {
 public:
  RatesMonitor(const MonitorContext& c, const SeriesMonitorSpec& mon)
      : pops_(mon.items), bin_(c.stride(mon.step)), bin_s_(mon.step * 1e-3), count0_(mon.items.size(), 0) {
    std::vector<std::string> names, units(mon.items.size(), "Hz");
    for (int p : mon.items) names.push_back(c.net.pops[p].name), sizes_.push_back(c.net.pops[p].size);
    const std::string path = c.path(mon.file_name());
    file_ = std::make_unique<SeriesFile>(path, "rates", names, units, mon.step,
                                         "row k: spikes stamped in (k * step, (k + 1) * step] per neuron per second (complete bins only)",
                                         c.prov, c.mode);
    files.push_back(path);
  }
  void step(const StepSample& s) override {
    if (s.stamp % bin_ != 0) return;
    row_.clear();
    for (size_t i = 0; i < pops_.size(); ++i) {
      const uint64_t n = (*s.counts)[pops_[i]];
      row_.push_back(static_cast<double>(n - count0_[i]) / (sizes_[i] * bin_s_));
      count0_[i] = n;
    }
    file_->record(row_.data());
  }
  void finish(const RunEnd& end) override { file_->finish(end.status, end.t_reached_ms); }
  void checkpoint(Archive& a) override {
    file_->checkpoint(a, checkpoint_key());
    a.fixed(checkpoint_key() + "/bin_start_counts", count0_);
  }

 private:
  std::vector<int> pops_;
  std::vector<uint32_t> sizes_;
  uint64_t bin_;
  double bin_s_;
  std::vector<uint64_t> count0_;  // spike counts at the start of the bin
  std::unique_ptr<SeriesFile> file_;
  std::vector<double> row_;
};

// The file's entries: signals and rates share their form.
// {"type": "signals", "signals": [names] (default all), "dt": ms, "name": "signals"}
// {"type": "rates", "populations": [names] (default all), "bin": ms (default dt), "name": "rates"}
void parse_series(JObj& o, NetworkSpec& net, MonitorFiles& files, bool signals) {
  SeriesMonitorSpec m;
  m.ptr = o.ptr();
  m.name = signals ? "signals" : "rates";
  const char* key = signals ? "signals" : "populations";
  const char* step = signals ? "dt" : "bin";
  if (signals && net.signals.empty())
    fail_msg(o.at("type"), "a signals monitor, but the file declares no \"globals\", expected at least one signal");
  if (signals)
    m.items = name_list(o, key, net.signals.size(), "global signal (in \"globals\")", [&](const std::string& n) { return net.find_signal(n); });
  else
    m.items = name_list(o, key, net.populations.size(), "population", [&](const std::string& n) { return net.find_population(n); });
  m.step = recording_dt(o, net.run.dt, step);
  m.name = monitor_name(o, m.name);
  claim_file(files, m.file_name(), o.ptr());
  o.finish(std::string("type, ") + key + ", " + step + ", name");
  (signals ? net.signal_monitors : net.rate_monitors).push_back(std::move(m));
}

}  // namespace

void open_signals_monitors(const MonitorContext& c, MonitorList& out) {
  for (const auto& mon : c.net.spec.signal_monitors) out.push_back(std::make_unique<SignalsMonitor>(c, mon));
}

void open_rates_monitors(const MonitorContext& c, MonitorList& out) {
  for (const auto& mon : c.net.spec.rate_monitors) out.push_back(std::make_unique<RatesMonitor>(c, mon));
}

void parse_signals_monitor(JObj& o, NetworkSpec& net, MonitorFiles& files) { parse_series(o, net, files, true); }

void parse_rates_monitor(JObj& o, NetworkSpec& net, MonitorFiles& files) { parse_series(o, net, files, false); }

}  // namespace spikesim
