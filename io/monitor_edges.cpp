// The edges monitor: the final weights of every plastic projection, written to edges.h5 when
// the run ends (io/edges_file.hpp), after the backend brought every weight up to that time.
#include "io/edges_file.hpp"
#include "io/monitors.hpp"
#include "io/parse_monitor.hpp"
#include "plasticity/plasticity.hpp"

namespace spikesim {

namespace {

class EdgesMonitor final : public Monitor {
 public:
  EdgesMonitor(const MonitorContext& c, std::vector<size_t> plastic)
      : net_(c.net), prov_(c.prov), path_(c.path(c.net.spec.output.edges_file)), plastic_(std::move(plastic)) {
    files.push_back(path_);
  }
  void finish(const RunEnd& end) override { write_edges(path_, net_, plastic_, prov_, end.status, end.t_reached_ms); }

 private:
  const Network& net_;
  Provenance prov_;
  std::string path_;
  std::vector<size_t> plastic_;
};

}  // namespace

void open_edges_monitors(const MonitorContext& c, MonitorList& out) {
  std::vector<size_t> plastic;
  for (size_t i = 0; i < c.net.projs.size(); ++i)
    if (c.net.projs[i].plastic) plastic.push_back(i);
  if (!plastic.empty()) out.push_back(std::make_unique<EdgesMonitor>(c, std::move(plastic)));
}


void parse_edges_monitor(JObj& o, NetworkSpec&, MonitorFiles&) {
  fail_msg(o.at("type"), "the final weights of every plastic projection are written to output.edges_file without a monitor, expected another monitor type");
}

}  // namespace spikesim
