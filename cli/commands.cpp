#include "cli/commands.hpp"

#include <hdf5.h>
#include <omp.h>
#include <unistd.h>

#include <boost/version.hpp>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "build_info.hpp"
#include "cli/args.hpp"
#include "core/isa.hpp"
#include "core/archive.hpp"
#include "cpu/mpi_comm.hpp"
#include "io/chunk_codec.hpp"
#include "io/edges_file.hpp"
#include "plasticity/network.hpp"
#include "plasticity/preflight.hpp"
#include "gpu/device.hpp"
#include "neurons/models.hpp"
#include "plasticity/registry.hpp"
#include "plasticity/taylor.hpp"
#include "protocols/fit.hpp"
#include "protocols/kinds.hpp"
#include "protocols/protocol.hpp"

namespace spikesim {

namespace cli {

namespace {

const char* kUsage =
    "usage:\n"
    "  spikesim run NET.json [options]        run a network (spikesim run --help: its options)\n"
    "  spikesim resume OUTDIR [options]       continue a run from its checkpoint\n"
    "  spikesim validate NET.json [options]   check a network, print its sizes and pre-flight estimate\n"
    "  spikesim protocol NAME|FILE.json       run a protocol (--list: the built-in ones)\n"
    "  spikesim fit FIT.json                  fit a rule to recordings\n"
    "  spikesim describe --json               models, rules, monitors, connection rules, other simulators' names\n"
    "  spikesim --version\n"
    "  spikesim COMMAND --help                a command's options\n";

// Every option, the commands that take it, and its text for --help.
struct Option {
  const char* name;
  const char* value;     // "" for a flag
  const char* commands;  // space-separated
  const char* help;
};
const Option kOptions[] = {
    {"--seed", "N", "run validate", "the run's seed (replaces /run/seed)"},
    {"--tstop", "MS", "run validate resume", "simulated time in ms (replaces /run/tstop; resume: may go past the first run's end)"},
    {"-o", "DIR", "run protocol fit", "output folder (replaces /output/dir); also --output"},
    {"--output", "DIR", "run protocol fit", "the same as -o"},
    {"--overwrite", "", "run protocol fit", "write into a folder that holds an earlier run's files (they are removed first)"},
    {"--threads", "N", "run resume fit", "OpenMP threads (default: all cores); results do not depend on it"},
    {"--device", "D", "run resume protocol", "cpu (default), cuda, or emulate (the device engine on the CPU)"},
    {"--propagation", "P", "run protocol", "device engine: auto, per_spike or per_target delivery of static projections"},
    {"--checkpoint-every", "MS", "run resume", "write OUT/checkpoint.h5 every MS of model time (0: only at a stop and at the end)"},
    {"--save-state", "FILE", "run", "save the final state (weights, traces) for another network's \"init_from\""},
    {"--network", "NET.json", "resume", "continue with this (changed) network instead of the checkpoint's"},
    {"--max-memory", "SIZE", "run validate resume protocol fit",
     "refuse networks whose pre-flight estimate exceeds SIZE (bytes, or with K, M, G, T); default: the available memory"},
    {"--strict", "", "run validate resume", "treat warnings (rounded delays, trials cut by tstop, ...) as errors"},
    {"--progress", "", "run resume", "draw the progress line even when stderr is not a terminal"},
    {"--profile", "", "run resume", "print where the run's time went"},
    {"--quiet", "", "run resume protocol fit", "print nothing but errors"},
    {"--set", "KEY=VALUE", "protocol fit", "change one value of the protocol file (a.b.0.c=value; repeatable)"},
    {"--list", "", "protocol", "list the built-in protocols"},
    {"--json", "", "describe", "print the description as JSON (required)"},
    {"--help", "", "run resume validate protocol fit describe", "this text"},
};

const char* command_line(const std::string& c) {
  if (c == "run") return "spikesim run NET.json [options]";
  if (c == "resume") return "spikesim resume OUTDIR [options]  (the network, seed and folder are the checkpoint's)";
  if (c == "validate") return "spikesim validate NET.json [options]";
  if (c == "protocol") return "spikesim protocol NAME|FILE.json [options]";
  if (c == "fit") return "spikesim fit FIT.json [options]";
  return "spikesim describe --json";
}

bool takes(const Option& o, const std::string& command) {
  const std::string list = std::string(" ") + o.commands + " ";
  return list.find(" " + command + " ") != std::string::npos;
}

void print_help(const std::string& command) {
  std::printf("usage: %s\n\noptions:\n", command_line(command));
  for (const Option& o : kOptions)
    if (takes(o, command)) {
      const std::string left = std::string(o.name) + (*o.value ? " " + std::string(o.value) : "");
      std::printf("  %-24s %s\n", left.c_str(), o.help);
    }
}

double parse_ms(const std::string& flag, const std::string& x) {
  try {
    size_t pos = 0;
    const double v = std::stod(x, &pos);
    if (pos != x.size() || !(v >= 0) || !std::isfinite(v)) throw 0;
    return v;
  } catch (...) {
    throw UsageError{flag + " expects a time in ms >= 0, found \"" + x + "\""};
  }
}

uint64_t parse_uint(const std::string& flag, const std::string& v) {
  try {
    size_t pos = 0;
    if (v.empty() || v[0] == '-') throw 0;
    const unsigned long long x = std::stoull(v, &pos);
    if (pos != v.size()) throw 0;
    return x;
  } catch (...) {
    throw UsageError{flag + " expects a non-negative integer, found \"" + v + "\""};
  }
}

// "512M", "16G", "1000000": bytes.
double parse_size(const std::string& flag, const std::string& v) {
  try {
    size_t pos = 0;
    double x = std::stod(v, &pos);
    const std::string unit = v.substr(pos);
    const std::string units = "KMGT";
    if (unit.size() > 1 || (unit.size() == 1 && units.find(static_cast<char>(std::toupper(unit[0]))) == std::string::npos)) throw 0;
    if (unit.size() == 1) x *= std::pow(1024.0, 1 + units.find(static_cast<char>(std::toupper(unit[0]))));
    if (!(x > 0) || !std::isfinite(x)) throw 0;
    return x;
  } catch (...) {
    throw UsageError{flag + " expects a size > 0 in bytes, or with K, M, G or T (\"16G\"), found \"" + v + "\""};
  }
}

Args parse_args(int argc, char** argv) {
  Args a;
  std::vector<std::string> v(argv + 1, argv + argc);
  if (v.empty()) throw UsageError{"no command given"};
  a.command = v[0];
  if (a.command != "run" && a.command != "validate" && a.command != "protocol" && a.command != "fit" && a.command != "resume" &&
      a.command != "describe")
    throw UsageError{"unknown command \"" + a.command + "\""};
  for (size_t i = 1; i < v.size(); ++i) {
    const std::string s = v[i] == "-h" ? "--help" : v[i];
    if (s.empty() || s[0] != '-') {
      if (!a.file.empty()) throw UsageError{"more than one " + std::string(a.command == "resume" ? "folder" : "file") + ": " + a.file + ", " + s};
      a.file = s;
      continue;
    }
    const Option* opt = nullptr;
    for (const Option& o : kOptions)
      if (s == o.name) opt = &o;
    if (!opt) throw UsageError{"unknown option " + s + " for " + a.command + " (spikesim " + a.command + " --help lists its options)"};
    if (!takes(*opt, a.command))
      throw UsageError{s + " does not apply to " + a.command +
                       (a.command == "resume" ? ": a resumed run keeps its network, seed and folder" : "") + " (spikesim " +
                       a.command + " --help lists its options)"};
    std::string val;
    if (*opt->value) {
      if (i + 1 >= v.size()) throw UsageError{s + " needs a value (" + opt->value + ")"};
      val = v[++i];
    }
    if (s == "--help") a.help = true;
    else if (s == "--seed") a.ov.has_seed = true, a.ov.seed = parse_uint(s, val);
    else if (s == "--tstop") a.ov.tstop = parse_ms(s, val), a.ov.has_tstop = true;
    else if (s == "-o" || s == "--output") a.ov.has_dir = true, a.ov.dir = val;
    else if (s == "--overwrite") a.ov.overwrite = true;
    else if (s == "--threads") {
      const uint64_t t = parse_uint(s, val);
      if (t < 1 || t > 4096) throw UsageError{"--threads expects 1 to 4096"};
      a.threads = static_cast<int>(t);
    } else if (s == "--device") {
      a.device = val;
      a.device_given = true;
      if (a.device != "cpu" && a.device != "cuda" && a.device != "emulate")
        throw UsageError{"--device expects cpu, cuda or emulate, found \"" + a.device + "\""};
    } else if (s == "--propagation") {
      a.propagation = val;
      if (a.propagation != "auto" && a.propagation != "per_spike" && a.propagation != "per_target")
        throw UsageError{"--propagation expects auto, per_spike or per_target, found \"" + a.propagation + "\""};
    } else if (s == "--checkpoint-every") a.checkpoint_every = parse_ms(s, val);
    else if (s == "--save-state") a.save_state = val;
    else if (s == "--network") a.network = val;
    else if (s == "--max-memory") a.max_memory = parse_size(s, val);
    else if (s == "--strict") a.strict = true;
    else if (s == "--progress") a.progress = true;
    else if (s == "--profile") a.profile = true;
    else if (s == "--quiet") a.quiet = true;
    else if (s == "--set") a.sets.push_back(val);
    else if (s == "--list") a.list = true;
    else if (s == "--json") a.json = true;
  }
  if (a.help) return a;
  if (a.command == "describe" && !a.json) throw UsageError{"describe takes --json"};
  if (a.file.empty() && !a.list && a.command != "describe")
    throw UsageError{a.command == "protocol" ? "no protocol name given" : a.command == "fit" ? "no fit file given"
                     : a.command == "resume" ? "no output folder given" : "no network file given"};
  return a;
}

void print_version() {
  unsigned maj, min, rel;
  H5get_libversion(&maj, &min, &rel);
  std::printf("spikesim %s (%s build)\n", SPIKESIM_VERSION, SPIKESIM_BUILD_TYPE);
  std::printf("  OpenMP: yes (spec %d, %d threads available)\n", _OPENMP, omp_get_max_threads());
  std::printf("  CPU paths: %s; neuron update runs %s (SPIKESIM_ISA=baseline|avx2|avx512 forces one)\n", isa_paths().c_str(),
              isa_name(selected_isa()));
  const CudaStatus cuda = cuda_status();
  if (!cuda.built) {
    std::printf("  CUDA:   not built (%s)\n", cuda.error.c_str());
  } else {
    std::printf("  CUDA:   built for architectures %s (a plain number: SASS and PTX; runtime %d.%d, driver %s); "
                "--device cuda runs the network on device 0\n", cuda.arch.c_str(),
                cuda.runtime_version / 1000, cuda.runtime_version % 1000 / 10,
                cuda.driver_version ? (std::to_string(cuda.driver_version / 1000) + "." + std::to_string(cuda.driver_version % 1000 / 10)).c_str()
                                    : "none");
    for (size_t d = 0; d < cuda.devices.size(); ++d)
      std::printf("    device %zu: %s, compute %d.%d, %.1f GiB, %d SMs\n", d, cuda.devices[d].name.c_str(), cuda.devices[d].cc_major,
                  cuda.devices[d].cc_minor, cuda.devices[d].memory / 1073741824.0, cuda.devices[d].multiprocessors);
    if (cuda.devices.empty()) std::printf("    %s\n", cuda.error.c_str());
  }
  std::printf("  MPI:    %s\n", mpi_built() ? "yes: mpirun -np R spikesim run NET.json steps the network on R ranks (docs/mpi.md)"
                                           : "not built (install libopenmpi-dev openmpi-bin and build again; docs/mpi.md)");
  std::printf("  HDF5:   %u.%u.%u (built against %s); spike chunks compressed by %s\n", maj, min, rel, SPIKESIM_HDF5_VERSION,
              chunk_codec_version());
  std::printf("  Boost:  %d.%d, nlohmann_json %d.%d.%d\n", BOOST_VERSION / 100000, BOOST_VERSION / 100 % 1000,
              NLOHMANN_JSON_VERSION_MAJOR, NLOHMANN_JSON_VERSION_MINOR, NLOHMANN_JSON_VERSION_PATCH);
  std::printf("  models: %s\n", model_names(true).c_str());
  std::string rules;
  for (const auto& r : rule_list()) rules += (rules.empty() ? "" : ", ") + r.name;
  std::printf("  plasticity rules: %s\n", rules.c_str());
}

void print_sizes(const Network& net) {
  std::printf("  %-16s %-22s %10s\n", "population", "model", "size");
  for (const auto& p : net.pops)
    std::printf("  %-16s %-22s %10s\n", p.name.c_str(), model_label(p.model).c_str(), with_commas(p.size).c_str());
  if (!net.projs.empty()) std::printf("  %-28s %-8s %14s %10s\n", "projection", "receptor", "synapses", "delays ms");
  for (const auto& p : net.projs)
    std::printf("  %-28s %-8s %14s %4.2f-%.2f\n", p.name.c_str(), p.receptor == kReceptorEx ? "ex" : "in",
                with_commas(p.csr.size()).c_str(), p.csr.delay_min * net.spec.run.dt, p.csr.delay_max * net.spec.run.dt);
}

// The pre-flight estimate (plasticity/preflight.hpp), from the spec alone.
void print_estimate(const NetworkSpec& spec, const Estimate& e) {
  std::printf("%s: pre-flight estimate (before anything is built)\n", spec.file.c_str());
  for (const auto& p : e.projections)
    std::printf("  %-28s %14.4g synapses (%s), %s\n", p.name.c_str(), p.count, p.note.c_str(), human_bytes(p.bytes).c_str());
  std::printf("  memory: about %s at the peak (state %s, synapses %s, plasticity %s, spike rings %s, while building %s); "
              "limit %s\n",
              human_bytes(e.memory()).c_str(), human_bytes(e.state).c_str(), human_bytes(e.synapses).c_str(),
              human_bytes(e.plasticity).c_str(), human_bytes(e.rings).c_str(), human_bytes(e.build_extra).c_str(),
              memory_limit() > 0 ? human_bytes(memory_limit()).c_str() : "unknown");
  for (const auto& o : e.outputs)
    std::printf("  output %-28s %12.4g values (%s), %s\n", o.name.c_str(), o.count, o.note.c_str(), human_bytes(o.bytes).c_str());
  std::printf("  output: about %s over %.6g ms, before compression\n", human_bytes(e.output).c_str(), spec.run.tstop);
}

int cmd_validate(const Args& a) {
  NetworkSpec spec = parse_network_file(a.file, a.ov);
  check_warnings(a, spec);
  print_estimate(spec, estimate(spec));
  std::fflush(stdout);
  const Network net = build_network(std::move(spec));
  std::printf("%s: valid\n", a.file.c_str());
  print_sizes(net);
  std::printf("  neurons %s, synapses %s, %s steps of %.3g ms\n", with_commas(net.neurons()).c_str(),
              with_commas(net.synapses()).c_str(), with_commas(net.steps()).c_str(), net.spec.run.dt);
  std::printf("  memory as built: %.1f MiB (state, synapse tables, spike queues, plasticity)\n", net.bytes() / 1048576.0);
  for (int p = 0; p < static_cast<int>(net.pops.size()); ++p) {  // inputs, from the population graph
    std::string in;
    for (size_t e : net.graph.incoming(p)) in += (in.empty() ? "" : ", ") + net.projs[e].name;
    for (const CurrentInputSpec& c : net.spec.current_inputs)
      if (c.target == p)
        in += (in.empty() ? "" : ", ") + ("current of " + net.spec.current_sources[c.source].name + " x " + std::to_string(c.weight));
    for (const PoissonInputSpec& c : net.spec.poisson_inputs)
      if (c.target == p)
        in += (in.empty() ? "" : ", ") + (c.name + " (a train per neuron at " + json(net.spec.poisson_generators[c.source].rate).dump() + " Hz)");
    std::printf("  %s <- %s\n", net.pops[p].name.c_str(), in.empty() ? "(no projections)" : in.c_str());
  }
  // Driven: a model that fires on its own, or a current or a Poisson generator into it.
  const auto driven = [&](const PopulationSpec& s) {
    const int p = static_cast<int>(&s - net.spec.populations.data());
    for (const PoissonInputSpec& c : net.spec.poisson_inputs)
      if (c.target == p && net.spec.poisson_generators[c.source].rate > 0) return true;
    return self_driven(s) || !current_schedule(net.spec, p).empty();
  };
  const std::vector<int> silent = net.graph.silent(net.spec, driven);
  for (size_t k = 0; k < net.spec.signals.size(); ++k) {  // global signals and what feeds them
    const SignalSpec& sig = net.spec.signals[k];
    std::string in, up;
    for (int p : net.graph.feeds(k)) in += (in.empty() ? "" : ", ") + net.pops[p].name;
    for (int p : net.graph.signal_upstream(k)) up += (up.empty() ? "" : ", ") + net.pops[p].name;
    std::printf("  signal %s (%s, tau %g ms) <- %s; upstream: %s%s\n", sig.name.c_str(), sig.type.c_str(), sig.tau,
                in.empty() ? "(no population)" : in.c_str(), up.empty() ? "(none)" : up.c_str(),
                sig.reward_times.empty() ? "" : ("; " + std::to_string(sig.reward_times.size()) + " reward events").c_str());
    for (int p : silent)
      if (p == sig.population)
        std::printf("  warning: signal \"%s\" is fed by population \"%s\", which will stay silent\n", sig.name.c_str(),
                    net.pops[p].name.c_str());
  }
  for (int p : silent)
    std::printf("  warning: population \"%s\" has no drive (I_e below threshold, nothing spiking upstream); it will stay silent\n",
                net.pops[p].name.c_str());
  return 0;
}

}  // namespace

namespace {
std::unique_ptr<Comm> g_ranks;  // MPI's, when mpirun started this process
}  // namespace

Comm& ranks() { return g_ranks ? *g_ranks : solo_comm(); }

RunOptions engine_options(const Args& a) {
  if (a.device == "cuda") {
    const CudaStatus st = cuda_status();
    if (!st.usable()) throw UsageError{"--device cuda: " + st.error};
  }
  RunOptions opt;
  opt.device = a.device == "cuda" ? Device::kCuda : a.device == "emulate" ? Device::kEmulate : Device::kCpu;
  opt.propagation = a.propagation == "per_target" ? Propagation::kPerTarget
                    : a.propagation == "per_spike" ? Propagation::kPerSpike
                                                   : Propagation::kAuto;
  return opt;
}

std::string with_commas(uint64_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

namespace {

int cmd_protocol(const Args& a) {
  namespace fs = std::filesystem;
  const RunOptions engine = engine_options(a);  // a bad --device fails before any work
  if (a.list) {
    std::map<std::string, std::string> found;  // first directory wins
    for (const auto& d : protocol_dirs()) {
      if (!fs::is_directory(d)) continue;
      for (const auto& e : fs::directory_iterator(d))
        if (e.path().extension() == ".json" && !found.count(e.path().stem().string())) {
          const json j = read_protocol_json(e.path().string());
          found[j.value("name", e.path().stem().string())] = j.value("summary", "");
        }
      if (!found.empty()) break;
    }
    for (const auto& [name, summary] : found) std::printf("  %-16s %s\n", name.c_str(), summary.c_str());
    return 0;
  }
  const std::string path = find_protocol(a.file);
  const json raw = read_protocol_json(path, a.sets);
  const ProtocolCall call{raw, path, a.sets, a.ov.has_dir ? a.ov.dir : "", a.quiet, engine, a.ov.overwrite};
  const ProtocolOutcome r = run_protocol_of_kind(protocol_kind(raw), call);
  if (a.quiet) return 0;
  for (const auto& f : r.files)  // each seed's run (DIR/seed*/) as one line
    if (f.rfind((fs::path(r.dir) / "seed").string(), 0) != 0) std::printf("  output: %s\n", f.c_str());
  bool seeds = false;
  for (const auto& e : fs::directory_iterator(r.dir)) seeds = seeds || e.path().filename().string().rfind("seed", 0) == 0;
  if (seeds) std::printf("  output: %s/seed*/ (HDF5 of each seed's run)\n", r.dir.c_str());
  return 0;
}

int cmd_fit(const Args& a) {
  namespace fs = std::filesystem;
  if (!fs::is_regular_file(a.file)) throw SpecError("", "cannot open fit file " + a.file);
  const FitSpec spec = load_fit(read_protocol_json(a.file, a.sets), a.file);
  if (a.threads > 0) omp_set_num_threads(a.threads);  // runs of a candidate's seeds in parallel
  const std::string dir = a.ov.has_dir ? a.ov.dir : "out/" + spec.name;
  claim_output_dir(dir, a.ov.overwrite);
  if (!a.quiet)
    std::printf("spikesim fit %s: %zu of the 27 taylor coefficients of %s%s, %zu seeds (%zu held out), CMA-ES %u x %u\n",
                a.file.c_str(), spec.terms.size(), spec.net.projections[spec.projections[0]].name.c_str(),
                spec.projections.size() > 1 ? " and the others" : "", spec.seeds.size(),
                spec.held_out.size(), spec.generations, spec.population);
  const FitResult r = run_fit(spec, dir, a.quiet);
  if (a.quiet) return 0;
  std::printf("  loss %.6g after %zu generations, %.1f s\n", r.loss, r.history.empty() ? size_t{0} : r.history.size() - 1, r.seconds);
  for (int k = 0; k < Taylor::kTerms; ++k)
    if (r.theta[k] != 0) std::printf("  %s = %.6g\n", Taylor::term_name(k).c_str(), r.theta[k]);
  for (size_t d = 0; d < spec.data.size(); ++d)
    std::printf("  R^2 %s: fitted runs %.4f%s\n", spec.data[d].kind == FitObservable::kRates ? "rates  " : "weights",
                r.r2_fit[d], r.r2_held_out.empty() ? "" : (", held-out runs " + std::to_string(r.r2_held_out[d])).c_str());
  for (const auto& f : r.files) std::printf("  output: %s\n", f.c_str());
  return 0;
}

}  // namespace

}  // namespace cli

int main_cli(int argc, char** argv) {
  using namespace cli;
  // Every file is closed by its owner before main returns. HDF5's own clean-up at exit would
  // close again a file whose close failed (a full disk), and HDF5 1.10 crashes there.
  H5dont_atexit();
  std::string file;
  if (launched_by_mpi()) {
    if (!mpi_built()) {
      std::fprintf(stderr, "spikesim: error: started by mpirun, but this spikesim was built without MPI (install libopenmpi-dev "
                           "openmpi-bin and build again; docs/mpi.md)\n");
      return 2;
    }
    g_ranks = make_mpi_comm(&argc, &argv);
    if (g_ranks->rank() > 0 && !std::freopen("/dev/null", "w", stdout)) return 1;  // rank 0 prints the run's summary
  }
  // A distributed run's errors: rank 0 prints those of the file and the command line (every
  // rank finds them), any rank its runtime errors; then all ranks stop (MPI_Abort), since the
  // others may be waiting in a collective.
  Comm& rk = ranks();
  auto fail = [&rk](int code) {
    if (rk.size() > 1) rk.abort(code);
    return code;
  };
  try {
    if (argc >= 2 && (std::string(argv[1]) == "--version" || std::string(argv[1]) == "version")) {
      print_version();
      return 0;
    }
    if (argc >= 2 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h")) {
      std::printf("%s", kUsage);
      return 0;
    }
    const Args a = parse_args(argc, argv);
    if (a.help) {
      print_help(a.command);
      return 0;
    }
    set_memory_limit(a.max_memory);
    file = a.file;
    if (rk.size() > 1 && a.command != "run" && a.command != "resume")
      throw UsageError{"spikesim " + a.command + " under mpirun with " + std::to_string(rk.size()) +
                       " ranks: only `spikesim run` and `resume` are distributed (docs/mpi.md)"};
    if (a.command == "protocol") return cmd_protocol(a);
    if (a.command == "fit") return cmd_fit(a);
    if (a.command == "resume") return cmd_resume(a);
    if (a.command == "describe") return cmd_describe(a);
    return a.command == "run" ? cmd_run(a) : cmd_validate(a);
  } catch (const UsageError& e) {
    if (rk.root()) std::fprintf(stderr, "spikesim: error: %s\n%s", e.msg.c_str(), kUsage);
    return fail(2);
  } catch (const SpecError& e) {
    if (!rk.root()) return fail(2);
    std::fprintf(stderr, "spikesim: error: %s: %s%s%s\n", file.c_str(), e.pointer.c_str(), e.pointer.empty() ? "" : ": ",
                 e.what());
    for (const auto& [ptr, msg] : e.more)
      std::fprintf(stderr, "spikesim: error: %s: %s%s%s\n", file.c_str(), ptr.c_str(), ptr.empty() ? "" : ": ", msg.c_str());
    if (!e.more.empty()) std::fprintf(stderr, "spikesim: %zu errors%s\n", 1 + e.more.size(), 1 + e.more.size() >= kMaxErrors ? " (stopped at the limit)" : "");
    return fail(2);
  } catch (const CheckpointError& e) {
    if (rk.root()) std::fprintf(stderr, "spikesim: error: %s\n", e.what());
    return fail(2);
  } catch (const std::exception& e) {
    if (rk.size() > 1) std::fprintf(stderr, "spikesim: runtime error (rank %d of %d): %s\n", rk.rank(), rk.size(), e.what());
    else std::fprintf(stderr, "spikesim: runtime error: %s\n", e.what());
    return fail(1);
  }
}

}  // namespace spikesim
