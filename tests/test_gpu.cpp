// The device engine (gpu/) against the CPU engine, which is the reference: the same network
// file must give the same outputs. The engine's kernels run here emulated on the CPU
// (--device emulate), so its logic is checked without a GPU; the "GPU:" cases need a CUDA
// device. Without one (CI, or a build without nvcc) each prints "GPU test skipped: REASON"
// and returns; ctest reports it as skipped (SKIP_REGULAR_EXPRESSION in tests/CMakeLists.txt).
//
// Tolerances: per-target propagation adds each target's inputs in the CPU engine's order and
// the CUDA code is built without fused multiply-add, so with the same float operations in
// the same order the outputs are equal bit for bit. Per-spike propagation (atomics) adds in
// another order; sums of equal weights are still exact, other sums differ in the last bits.
// On a GPU, exp and pow in double (plasticity traces) may differ from glibc's by an ulp, so
// plastic weights there are compared to 1e-5 relative (issue #8).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/rng.hpp"
#include "gpu/device.hpp"
#include "gpu/device_network.hpp"
#include "gpu/engine.hpp"
#include "helpers.hpp"

using namespace spikesim;
using namespace spikesim::test;

namespace {

bool gpu_or_skip() {
  const CudaStatus st = cuda_status();
  if (st.usable()) return true;
  std::printf("GPU test skipped: %s\n", st.error.c_str());
  MESSAGE("GPU test skipped: " << st.error);
  return false;
}

const std::string kMixed = source_dir() + "/tests/data/device_mixed.json";
const std::string kCoba = source_dir() + "/examples/coba.json";
const std::string kReward = source_dir() + "/tests/data/device_reward.json";
const std::string kTask = source_dir() + "/examples/category_learning.json";

struct EngineRun {
  Network net;
  RunResult res;
  fs::path dir;
};

// `order`: the emulating launcher's thread order (Device::kEmulate only).
EngineRun run_on(const std::string& file, Device device, Propagation prop, double tstop = 0.0,
                 ThreadOrder order = ThreadOrder::kAscending) {
  Overrides ov;
  ov.has_dir = true;
  ov.overwrite = true;
  EngineRun r;
  r.dir = temp_dir("engine");
  ov.dir = r.dir.string();
  if (tstop > 0) ov.has_tstop = true, ov.tstop = tstop;
  r.net = build_network(parse_network_file(file, ov));
  RunOptions opt;
  opt.threads = 2;
  opt.device = device;
  opt.propagation = prop;
  if (order != ThreadOrder::kAscending) {
    REQUIRE(device == Device::kEmulate);
    r.res = simulate(r.net, opt, *make_host_launcher(order));
  } else {
    r.res = simulate(r.net, opt);
  }
  return r;
}

// Every dataset's path in an HDF5 file (all numeric in spikesim's outputs).
std::vector<std::string> datasets(hid_t f) {
  std::vector<std::string> out;
  H5Lvisit(f, H5_INDEX_NAME, H5_ITER_NATIVE,
           [](hid_t g, const char* name, const H5L_info_t*, void* op) -> herr_t {
             H5Id o(H5Oopen(g, name, H5P_DEFAULT), H5Oclose);
             if (H5Iget_type(o) == H5I_DATASET) static_cast<std::vector<std::string>*>(op)->push_back(std::string("/") + name);
             return 0;
           },
           &out);
  return out;
}

// Largest relative difference of two arrays (0 when equal, inf when sizes differ).
template <class T>
double rel_diff(const std::vector<T>& a, const std::vector<T>& b) {
  if (a.size() != b.size()) return INFINITY;
  double m = 0.0;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i]) m = std::max(m, std::fabs(static_cast<double>(a[i]) - b[i]) / std::max(std::fabs(static_cast<double>(a[i])), 1e-30));
  return m;
}

// Every output of run b against run a: spike trains, state, weights, signals, rates and
// edges files, the final state and weights in memory.
void compare_runs(const EngineRun& a, const EngineRun& b, double weight_tol) {
  REQUIRE(a.res.steps == b.res.steps);
  CHECK_FALSE(b.res.interrupted);
  for (size_t p = 0; p < a.net.pops.size(); ++p) {
    const Population& x = a.net.pops[p];
    const Population& y = b.net.pops[p];
    CAPTURE(x.name);
    CHECK(a.res.spike_counts[p] == b.res.spike_counts[p]);
    REQUIRE(x.x.size() == y.x.size());
    for (size_t k = 0; k < x.x.size(); ++k) CHECK(rel_diff(x.x[k], y.x[k]) == 0.0);
    CHECK(x.ref == y.ref);
    const auto sa = read_spikes(a.dir / "spikes.h5", x.name), sb = read_spikes(b.dir / "spikes.h5", x.name);
    CHECK(sa.first == sb.first);
    CHECK(sa.second == sb.second);
  }
  for (size_t i = 0; i < a.net.projs.size(); ++i) {
    CAPTURE(a.net.projs[i].name);
    CHECK(rel_diff(a.net.projs[i].csr.weight, b.net.projs[i].csr.weight) <= weight_tol);
  }
  for (const auto& f : a.res.files) {
    const fs::path name = fs::path(f).filename();
    CAPTURE(name);
    if (name == "spikes.h5" || name.extension() != ".h5") continue;  // spikes: per population above
    bool weights_report = false;
    for (const auto& m : a.net.spec.weights) weights_report = weights_report || m.file_name() == name.string();
    H5Id fa = open_file(f), fb = open_file(b.dir / name);
    const std::vector<std::string> sets = datasets(fa);
    CHECK(sets.size() > 0);
    CHECK(datasets(fb) == sets);
    for (const auto& d : sets) {
      CAPTURE(d);
      const bool weight = weights_report || d.find("syn_weight") != std::string::npos;
      CHECK(rel_diff(read_f64(fa, d), read_f64(fb, d)) <= (weight ? weight_tol : 0.0));
    }
  }
}

// Every plastic projection's weights changed (by more than 1e-3 relative) from the file's
// initial ones, so a comparison covers the rules.
void check_learning(const EngineRun& r, const std::string& file) {
  Network fresh = build_network(parse_network_file(file, Overrides{}));
  for (size_t i = 0; i < r.net.projs.size(); ++i) {
    if (!r.net.projs[i].plastic) continue;
    CAPTURE(r.net.projs[i].name);
    CHECK(rel_diff(fresh.projs[i].csr.weight, r.net.projs[i].csr.weight) > 1e-3);
  }
}

// The mixed network without plasticity (and its weights monitors), as a file.
std::string static_mixed() {
  json j = json::parse(slurp(kMixed));
  for (auto& pr : j["projections"]) pr.erase("plasticity");
  json mons = json::array();
  for (auto& m : j["monitors"])
    if (m["type"] != "weights") mons.push_back(m);
  j["monitors"] = mons;
  return write_file(temp_dir("static_mixed"), "net.json", j.dump()).string();
}

// examples/category_learning.json for 20 trials with spikes and a weights report recorded,
// its rules learning from 5 s on; with `trial_rule`, cortex_right learns by hebbian_trial
// from the first trial.
std::string task_file(bool trial_rule) {
  json j = json::parse(slurp(kTask));
  j["run"]["tstop"] = 20000.0;
  j["monitors"].push_back({{"type", "spikes"}, {"populations", {"stim", "cortex", "noise", "left", "right"}}});
  j["monitors"].push_back({{"type", "weights"}, {"name", "cl"}, {"projection", "cortex_left"}, {"synapses", {{"sample", 40}}}, {"dt", 2000.0}});
  for (auto& pr : j["projections"]) {
    if (pr.contains("plasticity")) pr["plasticity"]["start"] = 5000.0;
    if (trial_rule && pr["name"] == "cortex_right")
      pr["plasticity"] = {{"rule", "hebbian_trial"}, {"K", 5e-5}, {"W_lim", 20.0}, {"w_max", 100.0}};
  }
  return write_file(temp_dir("device_task"), "net.json", j.dump()).string();
}

}  // namespace

TEST_CASE("device engine, emulated: per-target propagation gives every output of the CPU engine bit for bit") {
  const EngineRun cpu = run_on(kMixed, Device::kCpu, Propagation::kAuto);
  const EngineRun emu = run_on(kMixed, Device::kEmulate, Propagation::kPerTarget);
  for (size_t p = 0; p < cpu.net.pops.size(); ++p) CHECK(cpu.res.spike_counts[p] > 0);
  check_learning(cpu, kMixed);
  compare_runs(cpu, emu, 0.0);
  CHECK(emu.res.files.size() == cpu.res.files.size());
  // The same chosen per projection in the file ("propagation"), with the command line's auto.
  json j = json::parse(slurp(kMixed));
  for (auto& pr : j["projections"])
    if (!pr.contains("plasticity")) pr["propagation"] = "per_target";
  const auto dir = temp_dir("per_target_file");
  compare_runs(cpu, run_on(write_file(dir, "net.json", j.dump()).string(), Device::kEmulate, Propagation::kAuto), 0.0);
  // Without plasticity (the GPU case below runs the same file).
  const std::string file = static_mixed();
  compare_runs(run_on(file, Device::kCpu, Propagation::kAuto), run_on(file, Device::kEmulate, Propagation::kPerTarget), 0.0);
}

TEST_CASE("device engine, emulated: per-spike propagation with atomics") {
  // Equal weights sum exactly in any order: COBA's spike trains and state are the CPU's.
  compare_runs(run_on(kCoba, Device::kCpu, Propagation::kAuto, 200.0), run_on(kCoba, Device::kEmulate, Propagation::kAuto, 200.0), 0.0);
  // The same with lif_cond_exp's euler method: the device runs the one step function too.
  json j = json::parse(slurp(kCoba));
  for (auto& [name, pop] : j["populations"].items())
    if (pop["model"] == "lif_cond_exp") pop["method"] = "euler";
  const std::string euler = write_file(temp_dir("coba_euler"), "net.json", j.dump()).string();
  const EngineRun eu = run_on(euler, Device::kCpu, Propagation::kAuto, 200.0);
  CHECK(eu.res.spike_counts[0] > 0);
  compare_runs(eu, run_on(euler, Device::kEmulate, Propagation::kAuto, 200.0), 0.0);
  // Drawn weights: the sums differ in the last bits, so single spikes may move; population
  // counts stay within 5% over 300 ms (their Poisson error alone is 3% for exc).
  const EngineRun cpu = run_on(kMixed, Device::kCpu, Propagation::kAuto);
  const EngineRun emu = run_on(kMixed, Device::kEmulate, Propagation::kAuto);
  for (size_t p = 0; p < cpu.net.pops.size(); ++p) {
    CAPTURE(cpu.net.pops[p].name);
    CHECK(std::fabs(static_cast<double>(emu.res.spike_counts[p]) - cpu.res.spike_counts[p]) <= 0.05 * cpu.res.spike_counts[p]);
  }
  CHECK(emu.res.device_synapse_bytes <= 12.0 * emu.net.synapses());
}

// da_stdp (lazy: its per-step integral across two epochs, settled before each weights
// report and at the end, one projection learning from 2 s on) with dopamine from scheduled
// rewards, from a population's spikes and from two spike pairs (one with a drawn delay, one
// with none): 20 s of tests/data/device_reward.json.
TEST_CASE("device engine, emulated: da_stdp and rewards from schedules, spikes and spike pairs give the CPU's outputs bit for bit") {
  const EngineRun cpu = run_on(kReward, Device::kCpu, Propagation::kAuto);
  const EngineRun emu = run_on(kReward, Device::kEmulate, Propagation::kPerTarget);
  for (size_t p = 0; p < cpu.net.pops.size(); ++p) CHECK(cpu.res.spike_counts[p] > 0);
  check_learning(cpu, kReward);
  CHECK(cpu.res.pair_rewards >= 10);  // 25 + 3 counted from the spike file when the test was written
  CHECK(emu.res.pair_rewards == cpu.res.pair_rewards);
  compare_runs(cpu, emu, 0.0);
}

// Jumps into one signal at one step join in the CPU scheduler's order: the file's scheduled
// rewards, then the pair-triggered ones in the order triggered. Two scheduled rewards (0.5,
// 0.45) and two pair rewards (0.66, 0.79, triggered by the pair at 5 and 7 ms, 13 ms later)
// land at 20 ms: ((0.5 + 0.45) + 0.66) + 0.79 = 2.4 in double, while the pair rewards first
// give 2.4000000000000004 (the device's order before the scheduled rewards went into its ring).
TEST_CASE("device engine, emulated: jumps landing on one step are summed in the CPU's order") {
  CHECK((((0.66 + 0.79) + 0.5) + 0.45) != (((0.5 + 0.45) + 0.66) + 0.79));  // the order matters for these amounts
  const std::string pair = R"({"pre": {"population": "g", "neuron": 0}, "post": {"population": "g", "neuron": 1}, "window": 5.0, "delay": 13.0, "amount": )";
  const std::string text = R"({"run": {"tstop": 30.0, "dt": 1.0, "seed": 3},
    "populations": {"g": {"model": "spike_generator", "params": {"spike_times": [[5.0], [7.0]]}}},
    "globals": {"DA": {"type": "neuromodulator", "tau": 100.0,
      "rewards": {"times": [20.0, 20.0], "amounts": [0.5, 0.45], "on_pair": [)" + pair + "0.66}, " + pair + R"(0.79}]}}},
    "monitors": [{"type": "spikes", "populations": ["g"]}, {"type": "signals", "signals": ["DA"], "dt": 1.0}]})";
  const std::string file = write_file(temp_dir("jump_order"), "net.json", text).string();
  const EngineRun cpu = run_on(file, Device::kCpu, Propagation::kAuto);
  const EngineRun emu = run_on(file, Device::kEmulate, Propagation::kAuto);
  CHECK(cpu.res.pair_rewards == 2);
  H5Id f = open_file(cpu.dir / "signals.h5");
  const std::vector<double> da = read_f64(f, "/signals/DA/data");
  REQUIRE(da.size() == 30);
  CHECK(da[19] == 0.0);
  CHECK(da[20] == (((0.5 + 0.45) + 0.66) + 0.79));  // all four at 20 ms, from a signal at rest
  compare_runs(cpu, emu, 0.0);
}

// A task (examples/category_learning.json, 20 trials of 1 s): trial events run on the host
// between device chunks, stimulus patterns are uploaded, the choice is read from the
// device's spike counts, and the trial rules run on the device from per-neuron trial counts.
// Once with the file's hebbian_modulated on both action projections, once with
// hebbian_trial on one of them from the first trial.
TEST_CASE("device engine, emulated: a task with trial rules gives the CPU's trials, spikes and weights bit for bit") {
  for (bool trial_rule : {false, true}) {
    CAPTURE(trial_rule);
    const std::string file = task_file(trial_rule);
    const EngineRun cpu = run_on(file, Device::kCpu, Propagation::kAuto);
    const EngineRun emu = run_on(file, Device::kEmulate, Propagation::kPerTarget);
    REQUIRE(cpu.res.trials.size() == 20);
    REQUIRE(emu.res.trials.size() == 20);
    int correct = 0;
    for (size_t t = 0; t < 20; ++t) {
      correct += cpu.res.trials[t].correct;
      CHECK(emu.res.trials[t].category == cpu.res.trials[t].category);
      CHECK(emu.res.trials[t].action == cpu.res.trials[t].action);
      CHECK(emu.res.trials[t].counts == cpu.res.trials[t].counts);
    }
    CHECK(correct > 0);
    check_learning(cpu, file);
    compare_runs(cpu, emu, 0.0);  // includes trials.h5
  }
}

TEST_CASE("device engine, emulated: taylor rules every period (Oja) and every trial (reward term) give the CPU's outputs bit for bit") {
  json o = json::parse(slurp(source_dir() + "/examples/oja.json"));
  o["monitors"][2]["populations"] = {"A", "B", "out"};  // compare_runs reads every population's spikes
  const std::string oja = write_file(temp_dir("device_oja"), "net.json", o.dump()).string();
  const EngineRun cpu = run_on(oja, Device::kCpu, Propagation::kAuto, 20000.0);
  const EngineRun emu = run_on(oja, Device::kEmulate, Propagation::kPerTarget, 20000.0);
  check_learning(cpu, oja);
  compare_runs(cpu, emu, 0.0);
  json j = json::parse(slurp(task_file(false)));
  for (auto& pr : j["projections"])
    if (pr["name"] == "cortex_right")
      pr["plasticity"] = {{"rule", "taylor"}, {"eta", 0.05}, {"w_max", 100.0}, {"y", {{"reward", "DA"}, {"baseline_trials", 5}}},
                          {"coefficients", {{"x1y1w0", 1.0}, {"x0y0w1", -0.01}}}};
  const std::string task = write_file(temp_dir("device_taylor"), "net.json", j.dump()).string();
  const EngineRun tc = run_on(task, Device::kCpu, Propagation::kAuto);
  const EngineRun te = run_on(task, Device::kEmulate, Propagation::kPerTarget);
  check_learning(tc, task);
  compare_runs(tc, te, 0.0);
  // Rewards by chance per block and a rule that learns on accepted trials only (with forgetting).
  json r = json::parse(slurp(source_dir() + "/examples/reward_rule_teacher.json"));
  r["projections"][0]["plasticity"]["coefficients"]["x0y0w1"] = -5.0;
  r["monitors"].push_back({{"type", "spikes"}, {"populations", {"odor", "accept", "reject"}}});
  const std::string reward = write_file(temp_dir("device_reward_rule"), "net.json", r.dump()).string();
  const EngineRun rc = run_on(reward, Device::kCpu, Propagation::kAuto);
  const EngineRun re = run_on(reward, Device::kEmulate, Propagation::kPerTarget);
  check_learning(rc, reward);
  compare_runs(rc, re, 0.0);
}

// A GPU runs a kernel's threads in no fixed order, and the engine must not depend on it (a
// thread reading what another thread of the same kernel writes, or two threads writing one
// value, would). The emulating launcher runs every kernel's threads backwards, then strided
// from a drawn start: outputs stay the CPU's bit for bit (per target: each target's sums in
// the CPU's order; COBA per spike: equal weights, so any order of atomics sums exactly).
// Such an order change finds a kernel whose threads depend on one another's writes (thread
// 0 of the update kernel clearing the slot's spike count, in place of the clear kernel,
// made this test fail); it cannot find a lost update of two simultaneous writes, which a
// serial run never loses.
TEST_CASE("device engine, emulated: kernels' threads run in any order give the CPU's outputs bit for bit") {
  const EngineRun mixed = run_on(kMixed, Device::kCpu, Propagation::kAuto);
  const EngineRun reward = run_on(kReward, Device::kCpu, Propagation::kAuto);
  const EngineRun coba = run_on(kCoba, Device::kCpu, Propagation::kAuto, 100.0);
  const std::string task = task_file(true);
  const EngineRun trials = run_on(task, Device::kCpu, Propagation::kAuto);
  for (ThreadOrder order : {ThreadOrder::kDescending, ThreadOrder::kStrided}) {
    CAPTURE(static_cast<int>(order));
    compare_runs(mixed, run_on(kMixed, Device::kEmulate, Propagation::kPerTarget, 0.0, order), 0.0);
    const EngineRun r = run_on(kReward, Device::kEmulate, Propagation::kPerTarget, 0.0, order);
    CHECK(r.res.pair_rewards == reward.res.pair_rewards);
    compare_runs(reward, r, 0.0);
    compare_runs(coba, run_on(kCoba, Device::kEmulate, Propagation::kPerSpike, 100.0, order), 0.0);
    compare_runs(trials, run_on(task, Device::kEmulate, Propagation::kPerTarget, 0.0, order), 0.0);
  }
}

// "auto" propagation: per target where at least kPerTargetShare of the sources fire in a
// step. At dt = 0.1 ms a Poisson neuron fires in a step with probability rate * 1e-4: 20 Hz
// gives 0.002, 2400 Hz 0.24, 2600 Hz 0.26, and a rate step to 5 kHz 0.5; a generator with a
// spike in each of the 2 steps of its 0.2 ms run gives 1; an LIF source is unknown.
TEST_CASE("device engine: auto propagation picks per target for dense Poisson or generator sources only") {
  const Network net = network_from(R"({"run": {"tstop": 0.2, "dt": 0.1},
    "populations": {"slow": {"model": "poisson", "size": 4, "params": {"rate": 20}},
                    "below": {"model": "poisson", "size": 4, "params": {"rate": 2400}},
                    "above": {"model": "poisson", "size": 4, "params": {"rate": 2600}},
                    "step": {"model": "poisson", "size": 4, "params": {"rates": [20, 5000], "times": [0, 0.1]}},
                    "gen": {"model": "spike_generator", "params": {"spike_times": [[0.1, 0.2]]}},
                    "lif": {"model": "lif_curr_exp", "size": 4}},
    "projections": [{"source": "slow", "target": "lif", "connectivity": {"rule": "all_to_all"}, "weight": 1},
                    {"source": "below", "target": "lif", "connectivity": {"rule": "all_to_all"}, "weight": 1},
                    {"source": "above", "target": "lif", "connectivity": {"rule": "all_to_all"}, "weight": 1},
                    {"source": "step", "target": "lif", "connectivity": {"rule": "all_to_all"}, "weight": 1},
                    {"source": "gen", "target": "lif", "connectivity": {"rule": "all_to_all"}, "weight": 1},
                    {"source": "lif", "target": "lif", "connectivity": {"rule": "all_to_all"}, "weight": 1},
                    {"source": "above", "target": "lif", "connectivity": {"rule": "all_to_all"}, "weight": 1, "propagation": "per_spike"}]})");
  const Propagation S = Propagation::kPerSpike, T = Propagation::kPerTarget;
  const Propagation expect[] = {S, S, T, T, T, S, S};
  for (size_t i = 0; i < 7; ++i) {
    CAPTURE(i);
    CHECK(choose_propagation(net, i, Propagation::kAuto) == expect[i]);
    CHECK(choose_propagation(net, i, Propagation::kPerTarget) == (i == 6 ? S : T));  // the file's key wins
  }
}

TEST_CASE("device engine: what only the CPU engine runs is refused with exit 2 and the JSON pointer") {
  const auto dir = temp_dir("device_refuse");
  const std::string pops = R"("populations": {"a": {"model": "poisson", "size": 2, "params": {"rate": 5}}, "b": {"model": "lif_cond_exp", "size": 2}})";
  struct Case {
    const char* what;
    std::string text, ptr;
  } cases[] = {
      {"a pair reward's delay without an upper bound", "{" + pops + R"(, "globals": {"DA": {"type": "neuromodulator", "tau": 200, "rewards": {"on_pair": {"pre": {"population": "a", "neuron": 0}, "post": {"population": "b", "neuron": 0}, "delay": {"normal": [1000, 100], "min": 0}}}}}})",
       "/globals/DA/rewards/on_pair"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    const auto net = write_file(dir, "net.json", c.text);
    const Proc p = run_cli({"run", net.string(), "--device", "emulate", "-o", (dir / "out").string(), "--quiet"});
    CAPTURE(p.err);
    CHECK(p.code == 2);
    CHECK(p.err.find(c.ptr) != std::string::npos);
    CHECK(p.err.find("--device cpu") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "out" / "spikes.h5"));
  }
  // A protocol's runs use the command's --device: the same refusal reaches them (and the CPU runs it).
  const std::vector<std::string> proto = {"protocol", "distal_reward", "--set", "network.run.tstop=100", "--set", "control=false",
                                          "--set", R"(reward.delay={"normal": [1000, 100], "min": 0})", "--quiet"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = proto;
    args.insert(args.end(), extra.begin(), extra.end());
    return run_cli(args);
  };
  const Proc emu = with({"--device", "emulate", "-o", (dir / "proto_emu").string()});
  CAPTURE(emu.err);
  CHECK(emu.code == 2);
  CHECK(emu.err.find("/globals/DA/rewards/on_pair") != std::string::npos);
  CHECK(with({"-o", (dir / "proto_cpu").string()}).code == 0);
}

// The mixed network without its plasticity: float and integer math only, so the GPU must
// give the CPU's outputs bit for bit per target.
TEST_CASE("GPU: per-target propagation gives the CPU engine's outputs bit for bit (mixed network, static)") {
  if (!gpu_or_skip()) return;
  const std::string file = static_mixed();
  compare_runs(run_on(file, Device::kCpu, Propagation::kAuto), run_on(file, Device::kCuda, Propagation::kPerTarget), 0.0);
}

// With plasticity, traces decay by double exp, whose last bit may differ between CUDA and
// glibc; a weight rounded to float can then differ by one float ulp and the trains may part
// after a while. Checked: population counts within 5% (see the per-spike case) and each
// plastic projection's mean weight within 1% of the CPU's; the protocols' 1e-5 check is
// bench/gpu_bench.py's.
TEST_CASE("GPU: the mixed network with plasticity stays with the CPU's (counts within 5%, mean weights within 1%)") {
  if (!gpu_or_skip()) return;
  const EngineRun cpu = run_on(kMixed, Device::kCpu, Propagation::kAuto);
  const EngineRun gpu = run_on(kMixed, Device::kCuda, Propagation::kPerTarget);
  for (size_t p = 0; p < cpu.net.pops.size(); ++p) {
    CAPTURE(cpu.net.pops[p].name);
    CHECK(std::fabs(static_cast<double>(gpu.res.spike_counts[p]) - cpu.res.spike_counts[p]) <= 0.05 * cpu.res.spike_counts[p]);
  }
  for (size_t i = 0; i < cpu.net.projs.size(); ++i) {
    if (!cpu.net.projs[i].plastic) continue;
    CAPTURE(cpu.net.projs[i].name);
    double mc = 0, mg = 0;
    for (float w : cpu.net.projs[i].csr.weight) mc += w;
    for (float w : gpu.net.projs[i].csr.weight) mg += w;
    CHECK(std::fabs(mg - mc) <= 0.01 * std::fabs(mc));
  }
  check_learning(gpu, kMixed);
}

// Counts of two runs that parted (an ulp of exp in a rule): independent realisations of
// the same activity, so their difference is within 3 standard deviations of a difference
// of Poisson counts, 3 sqrt(a + b).
static void check_counts_agree(uint64_t a, uint64_t b) {
  CHECK(std::fabs(static_cast<double>(a) - static_cast<double>(b)) <= 3.0 * std::sqrt(static_cast<double>(a + b)));
}

// da_stdp's weights use double exp (an ulp from glibc's on the GPU), so the runs may part:
// spike counts and pair rewards agree as independent realisations, the rules learned.
TEST_CASE("GPU: da_stdp with schedule, spike and pair rewards stays with the CPU's (counts within 3 sigma)") {
  if (!gpu_or_skip()) return;
  const EngineRun cpu = run_on(kReward, Device::kCpu, Propagation::kAuto);
  const EngineRun gpu = run_on(kReward, Device::kCuda, Propagation::kPerTarget);
  for (size_t p = 0; p < cpu.net.pops.size(); ++p) {
    CAPTURE(cpu.net.pops[p].name);
    check_counts_agree(cpu.res.spike_counts[p], gpu.res.spike_counts[p]);
  }
  check_counts_agree(cpu.res.pair_rewards, gpu.res.pair_rewards);
  check_learning(gpu, kReward);
}

// The task before learning starts (5 s) is float and integer math only: the first five
// trials and every spike up to 5 s are the CPU's. Afterwards hebbian_modulated's logistic
// (exp) may part the runs: counts agree within 3 sigma, the rules learned.
TEST_CASE("GPU: a task with trial rules gives the CPU's trials and spikes before learning, its counts after") {
  if (!gpu_or_skip()) return;
  const std::string file = task_file(false);
  const EngineRun cpu = run_on(file, Device::kCpu, Propagation::kAuto);
  const EngineRun gpu = run_on(file, Device::kCuda, Propagation::kPerTarget);
  REQUIRE(gpu.res.trials.size() == 20);
  for (size_t t = 0; t < 5; ++t) {
    CHECK(gpu.res.trials[t].action == cpu.res.trials[t].action);
    CHECK(gpu.res.trials[t].counts == cpu.res.trials[t].counts);
  }
  for (size_t p = 0; p < cpu.net.pops.size(); ++p) {
    const std::string& name = cpu.net.pops[p].name;
    CAPTURE(name);
    auto a = read_spikes(cpu.dir / "spikes.h5", name), b = read_spikes(gpu.dir / "spikes.h5", name);
    auto before = [](const std::pair<std::vector<double>, std::vector<uint64_t>>& s) {
      const size_t n = static_cast<size_t>(std::upper_bound(s.first.begin(), s.first.end(), 5000.0) - s.first.begin());
      return std::make_pair(std::vector<double>(s.first.begin(), s.first.begin() + n), std::vector<uint64_t>(s.second.begin(), s.second.begin() + n));
    };
    CHECK(before(a) == before(b));
    check_counts_agree(cpu.res.spike_counts[p], gpu.res.spike_counts[p]);
  }
  check_learning(gpu, file);
}

TEST_CASE("GPU: COBA spike trains and state equal the CPU's for 100 ms, per spike and per target") {
  if (!gpu_or_skip()) return;
  const EngineRun cpu = run_on(kCoba, Device::kCpu, Propagation::kAuto, 100.0);
  compare_runs(cpu, run_on(kCoba, Device::kCuda, Propagation::kAuto, 100.0), 0.0);
  compare_runs(cpu, run_on(kCoba, Device::kCuda, Propagation::kPerTarget, 100.0), 0.0);
}

TEST_CASE("GPU: counter-based uniforms drawn by a kernel equal the CPU's bit for bit") {
  if (!gpu_or_skip()) return;
  const uint64_t seed = 0x123456789abcdefull;
  const uint32_t stream = 3u << 24, n = 100000, step = 77, draw = 1;
  const std::vector<double> dev = device_uniforms(seed, stream, n, step, draw);
  REQUIRE(dev.size() == n);
  const CounterRng rng{seed, stream};
  uint32_t differ = 0;
  for (uint32_t i = 0; i < n; ++i) differ += dev[i] != rng.uniform(i, step, draw);
  CHECK(differ == 0);
}

TEST_CASE("--device cuda without a usable GPU exits 2 with a clear message, with one it runs") {
  const auto dir = temp_dir("device");
  const auto net = write_file(dir, "net.json", R"({"run": {"tstop": 10}, "populations": {"p": {"model": "poisson", "size": 2, "params": {"rate": 5}}}})");
  const Proc p = run_cli({"run", net.string(), "--device", "cuda", "-o", (dir / "out").string()});
  CAPTURE(p.err);
  const CudaStatus st = cuda_status();
  if (st.usable()) {
    CHECK(p.code == 0);
  } else {
    CHECK(p.code == 2);
    CHECK(p.err.find("--device cuda: ") != std::string::npos);
    CHECK(p.err.find(st.error) != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "out" / "spikes.h5"));  // nothing was written
  }
  // The CPU path is the default and still runs.
  CHECK(run_cli({"run", net.string(), "--device", "cpu", "-o", (dir / "out").string(), "--quiet", "--overwrite"}).code == 0);
}

TEST_CASE("--version says whether the CUDA engine was built and why no device is usable") {
  const Proc p = run_cli({"--version"});
  CAPTURE(p.out);
  CHECK(p.code == 0);
  const CudaStatus st = cuda_status();
  if (!st.built) {
    CHECK(p.out.find("CUDA:   not built") != std::string::npos);
  } else {
    CHECK(p.out.find("CUDA:   built for architectures " + st.arch) != std::string::npos);
    CHECK(p.out.find("--device cuda runs the network") != std::string::npos);
    for (const CudaDevice& d : st.devices) CHECK(p.out.find(d.name) != std::string::npos);
    if (!st.usable()) CHECK(p.out.find(st.error) != std::string::npos);
  }
}
