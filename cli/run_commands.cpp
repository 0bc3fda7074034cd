// spikesim run and spikesim resume: a network run from its file, or continued from the
// checkpoint in its output folder; the summary printed after either.
#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "build_info.hpp"
#include "cli/args.hpp"
#include "core/isa.hpp"
#include "core/stop_signal.hpp"
#include "gpu/engine.hpp"
#include "io/checkpoint.hpp"
#include "io/edges_file.hpp"
#include "plasticity/network_state.hpp"
#include "plasticity/preflight.hpp"
#include "protocols/simulate.hpp"

namespace spikesim::cli {

namespace {

// The files a run of `s` writes into its output folder.
std::vector<std::string> output_files(const NetworkSpec& s) {
  std::vector<std::string> files;
  if (s.record_spikes) files.push_back(s.output.spikes_file);
  for (const auto& m : s.states)
    for (const auto& v : m.variables) files.push_back(m.file_name(v));
  for (const auto& m : s.weights) files.push_back(m.file_name());
  for (const auto& m : s.signal_monitors) files.push_back(m.file_name());
  for (const auto& m : s.rate_monitors) files.push_back(m.file_name());
  if (s.task.active()) files.insert(files.end(), {"trials.h5", "trials.csv"});
  if (s.any_plastic()) files.push_back(s.output.edges_file);
  if (s.output.circuit)
    files.insert(files.end(), {"simulation_config.json", "circuit/nodes.h5", "circuit/edges.h5", "circuit/node_types.csv",
                               "circuit/edge_types.csv", "circuit/circuit_config.json"});
  files.push_back("checkpoint.h5");  // an earlier run's: replaced below, or resume would mix the runs
  return files;
}

void check_outputs(const NetworkSpec& s) {
  if (s.output.overwrite) return;
  namespace fs = std::filesystem;
  for (const auto& f : output_files(s)) {
    const fs::path p = fs::path(s.output.dir) / f;
    if (fs::exists(p))
      throw SpecError("/output/overwrite", "output file " + p.string() +
                                               " exists; pass --overwrite or set \"overwrite\": true");
  }
}

// Where the run's wall time went (--profile); printed even with --quiet.
void print_profile(const RunResult& r) {
  double loop = 0.0;
  for (double x : r.phase_s) loop += x;
  std::printf("  profile (wall s)       seconds   %% of loop\n");
  for (int p = 0; p < kPhaseCount; ++p)
    std::printf("    %-18s %10.3f %10.1f\n", kPhaseNames[p], r.phase_s[p], loop > 0 ? 100.0 * r.phase_s[p] / loop : 0.0);
  std::printf("    %-18s %10.3f\n", "step loop", loop);
  std::printf("    %-18s %10.3f\n", "open outputs", r.setup_s);
  std::printf("    %-18s %10.3f\n", "close outputs", r.finish_s);
}

// The summary of a run (run, resume) and its exit code.
int report_run(const Args& a, const Network& net, const RunResult& r) {
  if (a.profile) print_profile(r);
  if (!a.quiet) {
    const double t_s = r.t_reached_ms * 1e-3;
    std::printf("spikesim %s: %s\n", SPIKESIM_VERSION, a.file.c_str());
    if (r.checkpoints)
      std::printf("  checkpoints: %llu written (last %.1f MiB), %.3f s in all\n", static_cast<unsigned long long>(r.checkpoints),
                  r.checkpoint_bytes / 1048576.0, r.checkpoint_s);
    std::printf("  neurons %s, synapses %s, seed %llu, %d threads, CPU path %s\n", with_commas(net.neurons()).c_str(),
                with_commas(r.synapses ? r.synapses : net.synapses()).c_str(), static_cast<unsigned long long>(net.spec.run.seed),
                r.threads > 0 ? r.threads : (a.threads > 0 ? a.threads : omp_get_max_threads()), isa_name(selected_isa()));
    if (r.ranks > 1)
      std::printf("  ranks %d (MPI), communication interval %u steps (%.3g ms): %s exchanges, %.2f MiB sent by rank 0, "
                  "%.3f s in them\n",
                  r.ranks, r.interval_steps, r.interval_steps * net.spec.run.dt, with_commas(r.exchanges).c_str(),
                  r.exchange_words * 4.0 / 1048576.0, r.exchange_s);
    if (a.device != "cpu")
      std::printf("  device %s: %.1f MiB of device memory, %.2f bytes per synapse for synapses\n", a.device.c_str(),
                  r.device_bytes / 1048576.0,
                  net.synapses() ? static_cast<double>(r.device_synapse_bytes) / net.synapses() : 0.0);
    std::printf("  simulated %.1f ms in %.3f s wall, step loop %.3f s (real-time factor %.3f)\n", r.t_reached_ms, r.wall_s,
                r.loop_s, r.wall_s > 0 ? t_s / r.wall_s : 0.0);
    std::printf("  %-16s %10s %12s %12s\n", "population", "size", "spikes", "rate (Hz)");
    for (size_t p = 0; p < net.pops.size(); ++p)
      std::printf("  %-16s %10s %12s %12.3f\n", net.pops[p].name.c_str(), with_commas(net.pops[p].size).c_str(),
                  with_commas(r.spike_counts[p]).c_str(),
                  t_s > 0 ? static_cast<double>(r.spike_counts[p]) / (net.pops[p].size * t_s) : 0.0);
    for (const auto& f : r.files) std::printf("  output: %s\n", f.c_str());
  }
  if (r.interrupted) {
    if (!ranks().root()) return 128 + stop_signal();  // rank 0 says so
    std::fprintf(stderr, "spikesim: interrupted by signal %d at t = %.1f ms; output files are closed and marked \"interrupted\"\n",
                 stop_signal(), r.t_reached_ms);
    return 128 + stop_signal();
  }
  return 0;
}

// The options run and resume share: engine, threads (network construction too), progress,
// checkpoints; and the stop handlers.
RunOptions run_options(const Args& a) {
  RunOptions opt = engine_options(a);
  if (a.threads > 0) omp_set_num_threads(a.threads);
  install_stop_handlers();
  opt.threads = a.threads;
  opt.progress = !a.quiet && (a.progress || isatty(STDERR_FILENO));
  opt.progress_plain = !a.quiet && !opt.progress;
  opt.profile = a.profile;
  opt.log_trials = !a.quiet;
  opt.checkpoint = a.checkpoint_every >= 0;
  opt.checkpoint_every_ms = std::max(a.checkpoint_every, 0.0);
  return opt;
}

// Files in the output folder a new run will not write, left by an earlier one (--overwrite
// replaces only what this run writes): reported, never removed.
void report_stale(const NetworkSpec& s, const std::vector<std::string>& written) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(s.output.dir, ec)) return;
  for (const auto& e : fs::directory_iterator(s.output.dir, ec)) {
    const std::string name = e.path().filename().string();
    const std::string ext = e.path().extension().string();
    if ((ext == ".h5" || ext == ".csv" || ext == ".json") && std::find(written.begin(), written.end(), name) == written.end())
      std::fprintf(stderr, "spikesim: warning: %s is from an earlier run; this run does not write it (remove it by hand)\n",
                   e.path().string().c_str());
  }
}

// The header before a run (a log of a batch job shows what ran before its progress lines).
void print_header(const Args& a, const Network& net, const char* what) {
  if (a.quiet) return;
  const int threads = a.threads > 0 ? a.threads : omp_get_max_threads();
  const std::string ranks_note = net.part.whole() ? "" : " (rank 0's, of " + std::to_string(net.part.ranks) + " ranks)";
  std::printf("spikesim: %s %s: %s neurons, %s synapses%s, %.6g ms in %s steps of %.3g ms, %d thread%s, %s\n", what,
              a.file.c_str(), with_commas(net.neurons()).c_str(), with_commas(net.synapses()).c_str(), ranks_note.c_str(),
              net.spec.run.tstop, with_commas(net.steps()).c_str(), net.spec.run.dt, threads, threads == 1 ? "" : "s" ,
              a.device.c_str());
  std::fflush(stdout);
}

}  // namespace

void check_warnings(const Args& a, const NetworkSpec& spec) {
  std::vector<SpecWarning> w = spec.warnings;
  const int cores = omp_get_num_procs();
  if (a.threads > cores)
    w.push_back({"", "--threads " + std::to_string(a.threads) + " is above the " + std::to_string(cores) +
                         " cores of this machine; the run will be slower, not faster"});
  const Estimate e = estimate(spec);
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path dir = fs::absolute(spec.output.dir, ec);
  while (!dir.empty() && !fs::exists(dir, ec) && dir != dir.parent_path()) dir = dir.parent_path();
  const fs::space_info sp = fs::space(dir, ec);
  if (!ec && a.command != "validate" && e.output > static_cast<double>(sp.available))
    w.push_back({"/output/dir", "the output may reach " + human_bytes(e.output) + " (before compression; spikes at an assumed 10 Hz), "
                                "more than the " + human_bytes(static_cast<double>(sp.available)) + " free on " + dir.string()});
  if (!ranks().root()) w.clear();  // a distributed run's warnings: rank 0 prints them
  if (a.strict && !w.empty()) {
    SpecError err(w[0].ptr, w[0].msg + " (a warning; --strict makes it an error)");
    for (size_t k = 1; k < w.size(); ++k) err.more.emplace_back(w[k].ptr, w[k].msg);
    throw err;
  }
  for (const SpecWarning& x : w)
    std::fprintf(stderr, "spikesim: warning: %s: %s%s%s\n", spec.file.c_str(), x.ptr.c_str(), x.ptr.empty() ? "" : ": ", x.msg.c_str());
}

int cmd_run(const Args& given) {
  Comm& comm = ranks();
  Args a = given;
  if (comm.size() > 1) {  // a distributed run (docs/mpi.md)
    if (a.device != "cpu") throw UsageError{"--device " + a.device + " with more than one rank: a distributed run is the CPU engine's"};
    if (!a.save_state.empty()) throw UsageError{"--save-state with more than one rank: not yet built (docs/mpi.md)"};
    a.quiet = a.quiet || !comm.root();
  }
  RunOptions opt = run_options(a);
  opt.comm = &comm;
  NetworkSpec spec = parse_network_file(a.file, a.ov);
  check_warnings(a, spec);
  if (a.device != "cpu") check_device_support(spec);
  check_outputs(spec);
  if (comm.root()) {
    if (spec.output.overwrite) report_stale(spec, output_files(spec));
    std::filesystem::remove(std::filesystem::path(spec.output.dir) / "checkpoint.h5");  // (only with --overwrite)
  }
  const RankPart part = rank_part(spec, comm.rank(), comm.size());
  Network net = build_network(std::move(spec), &part);
  print_header(a, net, "running");
  const RunResult r = simulate(net, opt);
  if (!a.save_state.empty() && !r.interrupted) save_state(a.save_state, net, r.steps);
  return report_run(a, net, r);
}

// spikesim resume OUTDIR: the run whose checkpoint.h5 is in OUTDIR, continued from it with
// its own network (docs/checkpoints.md); its output files are cut back to the checkpoint.
int cmd_resume(const Args& a) {
  namespace fs = std::filesystem;
  const std::string path = (fs::path(a.file) / "checkpoint.h5").string();
  CheckpointHeader h;
  try {
    h = CheckpointReader(path).header();
  } catch (const CheckpointError& e) {
    throw SpecError("", e.what());
  }
  if (h.engine == "saved-state") throw SpecError("", path + " is a saved state (--save-state), not a checkpoint: start a run from it with \"init_from\"");
  Overrides ov = a.ov;
  ov.has_dir = true;
  ov.dir = a.file;
  ov.overwrite = true;
  // --network: the run continues with a changed file (parameters, rates, monitors' sampling);
  // the checkpoint's arrays must still fit it (sizes, connections, rules are checked).
  NetworkSpec spec = a.network.empty() ? parse_network(read_json_text(h.network_json), path, ov)
                                       : parse_network_file(a.network, ov);
  if (spec.run.tstop < h.t_ms) {
    throw SpecError("/run/tstop", "the checkpoint is at t = " + std::to_string(h.t_ms) + " ms, --tstop " + std::to_string(spec.run.tstop) +
                                      " ms is before it");
  }
  // The checkpoint holds every weight and state: the files the network started from
  // ("init_from", "weights_from") are not needed any more.
  spec.init_from.clear();
  for (ProjectionSpec& p : spec.projections) p.weights_from.clear();
  Args b = a;
  if (!a.device_given) b.device = h.device;
  Comm& comm = ranks();
  if (comm.size() > 1) {  // resumed on R ranks, whatever R wrote the checkpoint (docs/mpi.md)
    if (a.device_given && a.device != "cpu") throw UsageError{"--device " + a.device + " with more than one rank: a distributed run is the CPU engine's"};
    b.device = "cpu";
    b.quiet = b.quiet || !comm.root();
  }
  if (a.checkpoint_every < 0) b.checkpoint_every = h.every_ms;  // the interval of the run it continues
  RunOptions opt = run_options(b);
  opt.comm = &comm;
  if (b.device != "cpu") check_device_support(spec);
  check_warnings(a, spec);
  Network net = build_network(std::move(spec));
  if (comm.size() > 1) {
    // A checkpoint holds the whole network: each rank builds it whole, loads it, and keeps its
    // part (the peak memory of a resume is the whole network's on every rank).
    CheckpointReader r(path);
    r.check(net, "cpu", a.network.empty());
    network_state(net, r.archive(), true);
    const RankPart part = rank_part(net.spec, comm.rank(), comm.size());
    net = restrict_network(std::move(net), part);
  }
  opt.resume_from = path;
  opt.resume_changed = !a.network.empty();
  if (!b.quiet) std::printf("spikesim: resuming %s from t = %.1f ms\n", a.file.c_str(), h.t_ms);
  print_header(b, net, "resuming");
  const RunResult r = simulate(net, opt);
  return report_run(b, net, r);
}

}  // namespace spikesim::cli
