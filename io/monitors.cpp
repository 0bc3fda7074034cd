#include "io/monitors.hpp"

#include <cmath>
#include <filesystem>

namespace spikesim {

std::string MonitorContext::path(const std::string& file) const {
  return (std::filesystem::path(net.spec.output.dir) / file).string();
}

uint64_t MonitorContext::stride(double ms) const { return static_cast<uint64_t>(std::llround(ms / net.spec.run.dt)); }

MonitorList open_monitors(const Network& net, int nthreads, const FileMode& mode) {
  std::filesystem::create_directories(net.spec.output.dir);
  const MonitorContext c{net, Provenance{net.spec.resolved.dump(), net.spec.run.seed}, nthreads, mode};
  MonitorList out;
#define SPIKESIM_OPEN_MONITOR_KIND(kind, type) open_##kind##_monitors(c, out);
  SPIKESIM_MONITOR_KINDS(SPIKESIM_OPEN_MONITOR_KIND)
#undef SPIKESIM_OPEN_MONITOR_KIND
  return out;
}

}  // namespace spikesim
