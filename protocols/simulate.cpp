#include "protocols/simulate.hpp"

#include <omp.h>

#include <chrono>

#include "core/run_loop.hpp"
#include "cpu/engine.hpp"
#include "cpu/thread_count.hpp"
#include "gpu/engine.hpp"
#include "io/monitors.hpp"

namespace spikesim {

namespace {

RunResult run(Network& net, const RunOptions& given, Launcher* launcher, MonitorList* extra) {
  const auto wall0 = std::chrono::steady_clock::now();
  if (given.device != Device::kCpu) check_device_support(net.spec);  // a refusal (exit 2) before any file is opened
  RunOptions opt = given;  // the CPU engine's thread count, chosen once (cpu/thread_count.hpp)
  opt.threads = opt.device == Device::kCpu ? cpu_threads(net, opt, omp_get_max_threads())
                                           : (opt.threads > 0 ? opt.threads : omp_get_max_threads());
  opt.measure_threads = opt.device == Device::kCpu && given.threads <= 0 && opt.threads > 1;
  MonitorList monitors = opt.file_monitors ? open_monitors(net, opt.threads) : MonitorList{};
  const size_t n_file = monitors.size();
  if (extra)
    for (auto& m : *extra) monitors.push_back(std::move(m));
  const std::vector<int> recorded = recorded_populations(monitors, net.pops.size());
  std::unique_ptr<Backend> backend =
      opt.device == Device::kCpu ? make_cpu_backend(net, opt) : make_device_backend(net, opt, recorded, launcher);
  RunLoop loop(net.spec, net.steps(), *backend, monitors, net.signals, opt);
  RunResult res = loop.run(wall0);
  if (extra)
    for (size_t i = 0; i < extra->size(); ++i) (*extra)[i] = std::move(monitors[n_file + i]);
  return res;
}

}  // namespace

RunResult simulate(Network& net, const RunOptions& opt) { return run(net, opt, nullptr, nullptr); }

RunResult simulate(Network& net, const RunOptions& opt, MonitorList& extra) { return run(net, opt, nullptr, &extra); }

RunResult simulate(Network& net, const RunOptions& opt, Launcher& launcher) { return run(net, opt, &launcher, nullptr); }

}  // namespace spikesim
