#include "protocols/simulate.hpp"

#include <omp.h>

#include <chrono>

#include "core/run_loop.hpp"
#include "cpu/engine.hpp"
#include "gpu/engine.hpp"
#include "io/monitors.hpp"

namespace spikesim {

namespace {

RunResult run(Network& net, const RunOptions& opt, Launcher* launcher) {
  const auto wall0 = std::chrono::steady_clock::now();
  if (opt.device != Device::kCpu) check_device_support(net.spec);  // a refusal (exit 2) before any file is opened
  MonitorList monitors = open_monitors(net, opt.threads > 0 ? opt.threads : omp_get_max_threads());
  const std::vector<int> recorded = recorded_populations(monitors, net.pops.size());
  std::unique_ptr<Backend> backend =
      opt.device == Device::kCpu ? make_cpu_backend(net, opt) : make_device_backend(net, opt, recorded, launcher);
  RunLoop loop(net.spec, net.steps(), *backend, monitors, net.signals, opt);
  return loop.run(wall0);
}

}  // namespace

RunResult simulate(Network& net, const RunOptions& opt) { return run(net, opt, nullptr); }

RunResult simulate(Network& net, const RunOptions& opt, Launcher& launcher) { return run(net, opt, &launcher); }

}  // namespace spikesim
