#include "protocols/simulate.hpp"

#include <omp.h>

#include <chrono>
#include <filesystem>

#include "core/run_loop.hpp"
#include "core/comm.hpp"
#include "cpu/engine.hpp"
#include "cpu/rank_view.hpp"
#include "cpu/thread_count.hpp"
#include "gpu/engine.hpp"
#include "io/checkpoint.hpp"
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
  std::unique_ptr<CheckpointReader> from;
  if (!opt.resume_from.empty()) from = std::make_unique<CheckpointReader>(opt.resume_from);
  // A distributed run (docs/mpi.md): rank 0's monitors read the whole network, gathered from
  // the ranks into a view; the other ranks open none.
  Comm& comm = comm_or_solo(opt.comm);
  std::unique_ptr<RankView> view;
  uint64_t whole_synapses = 0;
  if (comm.size() > 1) {
    const std::vector<uint64_t> sizes = whole_sizes(net, comm);
    for (uint64_t n : sizes) whole_synapses += n;
    resolve_weight_monitors(net, sizes);
    view = std::make_unique<RankView>(net, comm, opt.checkpoint);  // a checkpoint holds every table
  }
  Network& watched = view && comm.root() ? view->network() : net;
  const bool files = opt.file_monitors && comm.root();
  MonitorList monitors = files ? open_monitors(watched, opt.threads, FileMode{from != nullptr, opt.checkpoint}) : MonitorList{};
  const size_t n_file = monitors.size();
  if (extra)
    for (auto& m : *extra) monitors.push_back(std::move(m));
  const std::vector<int> recorded = recorded_populations(monitors, net.pops.size());
  std::unique_ptr<Backend> backend =
      opt.device == Device::kCpu ? make_cpu_backend(net, opt, view.get()) : make_device_backend(net, opt, recorded, launcher);
  Checkpointing cp;
  std::unique_ptr<CheckpointWriter> writer;
  if (from) {
    from->check(net, backend->engine(), !opt.resume_changed);
    cp.from = &from->archive();
    cp.start = from->header().step;
  }
  NullCheckpointSink no_file;  // ranks other than 0 take part in the gathers, rank 0 writes
  if (opt.checkpoint) {
    if (comm.root()) {
      writer = std::make_unique<CheckpointWriter>((std::filesystem::path(net.spec.output.dir) / "checkpoint.h5").string(),
                                                  checkpoint_header(net, backend->engine(), opt));
      cp.sink = writer.get();
    } else {
      cp.sink = &no_file;
    }
    cp.every = opt.checkpoint_every_ms > 0 ? std::max<uint64_t>(1, std::llround(opt.checkpoint_every_ms / net.spec.run.dt)) : 0;
  }
  RunLoop loop(net.spec, net.steps(), *backend, monitors, net.signals, opt, cp);
  RunResult res;
  try {
    res = loop.run(wall0);
  } catch (const CheckpointError&) {  // a checkpoint that does not fit: refused before any file was changed
    throw;
  } catch (const std::exception& e) {  // the files say so, with the reason, instead of "running"
    std::vector<std::string> paths;
    for (size_t i = 0; i < n_file; ++i) paths.insert(paths.end(), monitors[i]->files.begin(), monitors[i]->files.end());
    monitors.clear();  // closes them
    for (const std::string& p : paths) mark_failed(p, e.what());
    throw;
  }
  if (writer) res.checkpoint_bytes = writer->last_bytes;
  res.synapses = whole_synapses;
  if (extra)
    for (size_t i = 0; i < extra->size(); ++i) (*extra)[i] = std::move(monitors[n_file + i]);
  return res;
}

}  // namespace

RunResult simulate(Network& net, const RunOptions& opt) { return run(net, opt, nullptr, nullptr); }

RunResult simulate(Network& net, const RunOptions& opt, MonitorList& extra) { return run(net, opt, nullptr, &extra); }

RunResult simulate(Network& net, const RunOptions& opt, Launcher& launcher) { return run(net, opt, &launcher, nullptr); }

}  // namespace spikesim
