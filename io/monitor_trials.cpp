// The trials monitor: a task's trial records, written to trials.h5 and trials.csv when the
// run ends (io/trial_file.hpp).
#include "io/monitors.hpp"
#include "io/parse_monitor.hpp"
#include "io/trial_file.hpp"

namespace spikesim {

namespace {

class TrialsMonitor final : public Monitor {
 public:
  explicit TrialsMonitor(const MonitorContext& c)
      : spec_(c.net.spec.task), prov_(c.prov), h5_(c.path("trials.h5")), csv_(c.path("trials.csv")) {
    files = {h5_, csv_};
  }
  void finish(const RunEnd& end) override {
    write_trials(h5_, csv_, spec_, end.trials ? *end.trials : std::vector<TrialRecord>{}, prov_, end.status, end.t_reached_ms);
  }

 private:
  const TaskSpec& spec_;
  Provenance prov_;
  std::string h5_, csv_;
};

}  // namespace

void open_trials_monitors(const MonitorContext& c, MonitorList& out) {
  if (c.net.spec.task.active()) out.push_back(std::make_unique<TrialsMonitor>(c));
}


void parse_trials_monitor(JObj& o, NetworkSpec&, MonitorFiles&) {
  fail_msg(o.at("type"), "a task's trials are written to trials.h5 and trials.csv without a monitor, expected another monitor type");
}

}  // namespace spikesim
