// Checkpoints and resume (docs/checkpoints.md): a run cut in two by a checkpoint, or killed
// after one, and resumed with another thread count gives the uninterrupted run's files, every
// dataset bit for bit; saved states start new runs; bad checkpoints are refused with exit 2.
#include <doctest/doctest.h>

#include <csignal>
#include <cstring>
#include <thread>

#include "core/archive.hpp"
#include "helpers.hpp"
#include "io/checkpoint.hpp"
#include "io/series_file.hpp"

using namespace spikesim;
using namespace spikesim::test;

namespace {

// Every dataset of every HDF5 file (checkpoint.h5 aside) and every CSV file of folder `a`,
// compared byte for byte with the same in `b`. Returns what differs ("" when nothing).
std::string compare_outputs(const fs::path& a, const fs::path& b) {
  std::string diff;
  int files = 0;
  for (const auto& e : fs::directory_iterator(a)) {
    const std::string name = e.path().filename().string();
    if (name == "checkpoint.h5" || name.find(".txt") != std::string::npos) continue;
    if (!fs::exists(b / name)) {
      diff += name + " missing; ";
      continue;
    }
    ++files;
    if (e.path().extension() == ".csv") {
      if (slurp(e.path()) != slurp(b / name)) diff += name + " differs; ";
      continue;
    }
    if (e.path().extension() != ".h5") continue;
    H5Id fa = open_file(e.path()), fb = open_file(b / name);
    std::vector<std::string> sets;
    H5Ovisit(fa, H5_INDEX_NAME, H5_ITER_NATIVE,
             [](hid_t, const char* n, const H5O_info_t* info, void* out) -> herr_t {
               if (info->type == H5O_TYPE_DATASET) static_cast<std::vector<std::string>*>(out)->push_back(n);
               return 0;
             },
             &sets);
    for (const std::string& s : sets) {
      if (!h5_exists(fb, "/" + s)) {
        diff += name + ":" + s + " missing; ";
        continue;
      }
      auto bytes = [&](hid_t f) {
        H5Id ds(H5Dopen2(f, s.c_str(), H5P_DEFAULT), H5Dclose);
        H5Id t(H5Dget_type(ds), H5Tclose);
        H5Id space(H5Dget_space(ds), H5Sclose);
        std::vector<char> v(static_cast<size_t>(H5Sget_simple_extent_npoints(space)) * H5Tget_size(t));
        if (!v.empty()) H5Dread(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
        return std::make_pair(dims(f, s), v);
      };
      if (bytes(fa) != bytes(fb)) diff += name + ":" + s + " differs; ";
    }
    if (sets.empty()) diff += name + " has no dataset; ";
  }
  if (files == 0) diff += "no output files; ";
  return diff;
}

std::string example(const std::string& name) { return source_dir() + "/" + name; }

// Waits until `ready()` while the process `pid` runs; fails (instead of hanging) when it
// ends first or after 120 s.
template <class F>
void wait_while_running(pid_t pid, F ready) {
  const auto t0 = std::chrono::steady_clock::now();
  while (!ready()) {
    int status = 0;
    REQUIRE_MESSAGE(waitpid(pid, &status, WNOHANG) == 0, "the run ended before it could be stopped");
    REQUIRE(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(120));
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

double checkpoint_t(const fs::path& dir) {
  const fs::path p = dir / "checkpoint.h5";
  if (!fs::exists(p)) return -1;
  const hid_t f = H5Fopen(p.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return -1;
  H5Id file(f, H5Fclose);
  double t = -1;
  H5Id at(H5Aopen(file, "t_ms", H5P_DEFAULT), H5Aclose);
  H5Aread(at, H5T_NATIVE_DOUBLE, &t);
  return t;
}

// `net` to T ms in one run, and to T/2 with checkpoints then resumed to T, on `device`, with
// threads 2 / 1 then 2 (CPU): the two folders' files must be identical.
void check_resume(const std::string& net, double T, const std::string& device) {
  CAPTURE(net);
  CAPTURE(device);
  const fs::path dir = temp_dir("ckpt");
  const std::string whole = (dir / "whole").string(), cut = (dir / "cut").string();
  const std::string ts = std::to_string(T), half = std::to_string(T / 2), every = std::to_string(T / 5);
  REQUIRE(run_cli({"run", net, "--tstop", ts, "-o", whole, "--quiet", "--threads", "2", "--device", device}).code == 0);
  const Proc first = run_cli({"run", net, "--tstop", half, "-o", cut, "--quiet", "--threads", "1", "--device", device,
                              "--checkpoint-every", every});
  REQUIRE_MESSAGE(first.code == 0, first.err);
  CHECK(checkpoint_t(cut) == doctest::Approx(T / 2));
  const Proc second = run_cli({"resume", cut, "--tstop", ts, "--threads", "2", "--quiet"});
  REQUIRE_MESSAGE(second.code == 0, second.err);
  CHECK(compare_outputs(whole, cut) == "");
  H5Id spikes = open_file(fs::path(cut) / (fs::exists(fs::path(cut) / "spikes.h5") ? "spikes.h5" : "edges.h5"));
  CHECK(read_attr_string(spikes, "status") == "complete");
}

}  // namespace

TEST_CASE("checkpoint keys: any user name is one path element") {
  CHECK(key("exc") == "exc");
  CHECK(key("a/b") == "a%2Fb");
  CHECK(key("..") == "%2E.");
  CHECK(key("50%") == "50%25");
  CHECK(key("") == "%00");
}

TEST_CASE("resume is bit for bit: COBA, coba_stdp, vogels2011 (3 s), da_stdp with rewards, a task with trial rules, taylor rules") {
  check_resume(example("examples/coba.json"), 400, "cpu");
  check_resume(example("examples/coba_stdp.json"), 1000, "cpu");
  check_resume(example("examples/vogels2011.json"), 3000, "cpu");
  check_resume(example("tests/data/da_stdp_reward.json"), 14000, "cpu");
  check_resume(example("examples/category_learning.json"), 4000, "cpu");       // task, trial rules
  check_resume(example("examples/reward_rule_teacher.json"), 4800, "cpu");     // taylor at trial ends
  check_resume(example("examples/oja.json"), 4000, "cpu");                     // taylor every period
}

TEST_CASE("resume is bit for bit on the emulated device engine") {
  check_resume(example("examples/coba.json"), 200, "emulate");
  check_resume(example("examples/coba_stdp.json"), 600, "emulate");
  check_resume(example("examples/vogels2011.json"), 1000, "emulate");
  check_resume(example("tests/data/da_stdp_reward.json"), 14000, "emulate");
  check_resume(example("examples/category_learning.json"), 2000, "emulate");
  check_resume(example("examples/reward_rule_teacher.json"), 2400, "emulate");
}

TEST_CASE("a checkpoint carries rewards still to come (da_stdp: a pair reward pending at 7 s)") {
  // The network's pair (exc 0 -> exc 1) triggers a reward at 6.1-6.9 s that arrives at
  // 7.04 s: in flight at a checkpoint at 7 s. The resumed run must deliver it.
  const fs::path dir = temp_dir("ckpt_reward");
  const std::string net = example("tests/data/da_stdp_reward.json"), cut = (dir / "cut").string();
  REQUIRE(run_cli({"run", net, "--tstop", "7000", "-o", cut, "--quiet", "--checkpoint-every", "3500"}).code == 0);
  H5Id f = open_file(fs::path(cut) / "checkpoint.h5");
  const std::vector<uint64_t> pending = read_u64(f, "/state/engine/scheduler/jump_step");
  REQUIRE(pending.size() == 1);
  CHECK(pending[0] > 7000);
  f.reset();
  REQUIRE(run_cli({"run", net, "--tstop", "14000", "-o", (dir / "whole").string(), "--quiet"}).code == 0);
  REQUIRE(run_cli({"resume", cut, "--tstop", "14000", "--quiet", "--threads", "2"}).code == 0);
  CHECK(compare_outputs(dir / "whole", cut) == "");
}

TEST_CASE("SIGKILL after the second checkpoint: files readable, resume gives the uninterrupted run") {
  const fs::path dir = temp_dir("ckpt_kill");
  const std::string net = example("examples/coba.json"), killed = (dir / "killed").string();
  REQUIRE(run_cli({"run", net, "--tstop", "12000", "-o", (dir / "whole").string(), "--quiet", "--threads", "2"}).code == 0);
  const pid_t pid = spawn_cli({"run", net, "--tstop", "12000", "-o", killed, "--quiet", "--threads", "2", "--checkpoint-every", "500"},
                              dir);
  wait_while_running(pid, [&] { return checkpoint_t(killed) >= 1000; });
  std::this_thread::sleep_for(std::chrono::milliseconds(150));  // into the next interval, files half-written
  kill(pid, SIGKILL);
  const Proc p = wait_cli(pid, dir);
  REQUIRE(p.code == -SIGKILL);
  const double t = checkpoint_t(killed);
  CHECK(t >= 1000);
  CHECK(t < 12000);
  {  // readable up to the checkpoint, still marked running
    H5Id f = open_file(fs::path(killed) / "spikes.h5");
    CHECK(read_attr_string(f, "status") == "running");
    const std::vector<double> ts = read_f64(f, "/spikes/exc/timestamps");
    REQUIRE(!ts.empty());
    CHECK(ts.back() >= t - 5);
  }
  const Proc r = run_cli({"resume", killed, "--threads", "1", "--quiet"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(compare_outputs(dir / "whole", killed) == "");
}

TEST_CASE("SIGTERM with checkpoints: a checkpoint at the step reached, then resume gives the uninterrupted run") {
  const fs::path dir = temp_dir("ckpt_term");
  const std::string net = example("examples/coba.json"), stopped = (dir / "stopped").string();
  REQUIRE(run_cli({"run", net, "--tstop", "8000", "-o", (dir / "whole").string(), "--quiet", "--threads", "2"}).code == 0);
  const pid_t pid = spawn_cli({"run", net, "--tstop", "8000", "-o", stopped, "--quiet", "--threads", "2", "--checkpoint-every", "3000"}, dir);
  wait_while_running(pid, [&] { return fs::exists(fs::path(stopped) / "spikes.h5"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  kill(pid, SIGTERM);
  const Proc p = wait_cli(pid, dir);
  REQUIRE(p.code == 128 + SIGTERM);
  const double t = checkpoint_t(stopped);
  CHECK(t > 0);
  CHECK(t < 8000);
  H5Id f = open_file(fs::path(stopped) / "spikes.h5");
  CHECK(read_attr_string(f, "status") == "interrupted");
  f.reset();
  const Proc r = run_cli({"resume", stopped, "--quiet"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(compare_outputs(dir / "whole", stopped) == "");
}

TEST_CASE("a checkpoint of another version, another network or another engine is refused with exit 2") {
  const fs::path dir = temp_dir("ckpt_refuse");
  const std::string net = example("examples/coba.json"), out = (dir / "out").string();
  REQUIRE(run_cli({"run", net, "--tstop", "100", "-o", out, "--quiet", "--checkpoint-every", "50"}).code == 0);
  const fs::path ck = fs::path(out) / "checkpoint.h5";
  Proc p = run_cli({"resume", out, "--device", "emulate", "--quiet"});
  CHECK(p.code == 2);
  CHECK(p.err.find("--device cpu") != std::string::npos);
  p = run_cli({"resume", out, "--tstop", "50", "--quiet"});
  CHECK(p.code == 2);
  CHECK(p.err.find("before it") != std::string::npos);
  auto set_attr = [&](const char* name, const std::string& value) {
    H5Id f(H5Fopen(ck.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose);
    attr_string(f, name, value);
  };
  const fs::path copy = dir / "copy.h5";
  fs::copy_file(ck, copy);
  set_attr("network_hash", "0123456789abcdef");
  p = run_cli({"resume", out, "--quiet"});
  CHECK(p.code == 2);
  CHECK(p.err.find("another network") != std::string::npos);
  fs::copy_file(copy, ck, fs::copy_options::overwrite_existing);
  set_attr("spikesim_version", "0.0.1");
  p = run_cli({"resume", out, "--quiet"});
  CHECK(p.code == 2);
  CHECK(p.err.find("written by spikesim 0.0.1") != std::string::npos);
  fs::remove(ck);
  p = run_cli({"resume", out, "--quiet"});
  CHECK(p.code == 2);
  CHECK(p.err.find("no checkpoint") != std::string::npos);
}

TEST_CASE("--save-state and init_from: a new run starts from the trained weights, a mismatch is exit 2 with what differs") {
  const fs::path dir = temp_dir("ckpt_init");
  const std::string trained = (dir / "trained").string(), state = (dir / "state.h5").string();
  REQUIRE(run_cli({"run", example("examples/coba_stdp.json"), "--tstop", "500", "-o", trained, "--quiet", "--save-state", state}).code == 0);
  // The trained weights (edges.h5 of the training run) are the new run's weights at t = 0.
  json j = json::parse(slurp(example("examples/coba_stdp.json")));
  j["init_from"] = state;
  j["run"]["tstop"] = 10.0;
  const std::string proj = j["projections"][0]["name"];
  j["monitors"] = json::array({{{"type", "weights"}, {"projection", proj}, {"synapses", "all"}, {"dt", 5.0}}});
  const fs::path file = write_file(dir, "test.json", j.dump());
  const std::string tested = (dir / "tested").string();
  const Proc p = run_cli({"run", file.string(), "-o", tested, "--quiet"});
  REQUIRE_MESSAGE(p.code == 0, p.err);
  H5Id e = open_file(fs::path(trained) / "edges.h5"), w = open_file(fs::path(tested) / (proj + "_weights.h5"));
  const std::vector<float> final_w = read_f32(e, "/edges/" + proj + "/0/syn_weight");
  const std::vector<float> rows = read_f32(w, "/report/" + proj + "/data");
  const std::vector<uint32_t> cols = read_all<uint32_t>(w, "/report/" + proj + "/mapping/element_ids", H5T_NATIVE_UINT32);
  REQUIRE(cols.size() == final_w.size());
  bool same = true, changed = false;
  std::vector<float> init(final_w.size());
  {  // the file's initial weights, for contrast: the trained ones differ from them
    Network fresh = build_network(parse_network_file(example("examples/coba_stdp.json"), Overrides{}));
    for (size_t s = 0; s < fresh.projs.size(); ++s)
      if (fresh.projs[s].name == proj) init = fresh.projs[s].csr.weight;
  }
  for (size_t c = 0; c < cols.size(); ++c) {
    same = same && rows[c] == final_w[cols[c]];
    changed = changed || init[cols[c]] != final_w[cols[c]];
  }
  CHECK(same);
  CHECK(changed);
  // Another size: exit 2, /init_from, the population and both sizes named.
  j["populations"]["exc"]["size"] = 3000;
  const fs::path bad = write_file(dir, "bad.json", j.dump());
  Proc b = run_cli({"run", bad.string(), "-o", (dir / "bad").string(), "--quiet"});
  CHECK(b.code == 2);
  CHECK(b.err.find("/init_from") != std::string::npos);
  CHECK(b.err.find("exc") != std::string::npos);
  // Another rule on the same synapses.
  j = json::parse(slurp(file));
  j["projections"][0].erase("plasticity");
  const fs::path bad_rule = write_file(dir, "bad_rule.json", j.dump());
  b = run_cli({"run", bad_rule.string(), "-o", (dir / "bad_rule").string(), "--quiet"});
  CHECK(b.code == 2);
  CHECK(b.err.find("rule") != std::string::npos);
}

TEST_CASE("a run that fails marks its files failed with the reason, not running") {
  struct Failing final : Monitor {
    void step(const StepSample& s) override {
      if (s.stamp == 50) throw RunError("disk full (a test's failure)");
    }
    void finish(const RunEnd&) override {}
  };
  NetworkSpec spec = parse_network_file(example("examples/coba.json"), Overrides{});
  const fs::path dir = temp_dir("ckpt_fail");
  spec.output.dir = dir.string();
  spec.run.tstop = 100;
  Network net = build_network(std::move(spec));
  MonitorList extra;
  extra.push_back(std::make_unique<Failing>());
  RunOptions opt;
  opt.threads = 1;
  CHECK_THROWS_AS(simulate(net, opt, extra), RunError);
  H5Id f = open_file(dir / "spikes.h5");
  CHECK(read_attr_string(f, "status") == "failed");
  CHECK(read_attr_string(f, "failure_reason") == "disk full (a test's failure)");
}

TEST_CASE("weights snapshots: every synapse at given times as SONATA edge groups, plastic and static, through a resume") {
  const fs::path dir = temp_dir("snapshots");
  json j = json::parse(slurp(example("examples/coba_stdp.json")));
  j["monitors"] = json::array({{{"type", "weights"}, {"projection", "exc_exc"}, {"all", true}, {"times", {0, 250, 500, 1000}}},
                               {{"type", "weights"}, {"projection", "exc_inh"}, {"all", true}, {"times", {100, 1000}}, {"name", "static"}}});
  const std::string file = write_file(dir, "snap.json", j.dump()).string();
  const std::string whole = (dir / "whole").string(), cut = (dir / "cut").string();
  REQUIRE(run_cli({"run", file, "--tstop", "1000", "-o", whole, "--quiet", "--threads", "2"}).code == 0);
  H5Id f = open_file(fs::path(whole) / "exc_exc_snapshots.h5");
  CHECK(read_attr_string(f, "status") == "complete");
  Network fresh = build_network(parse_network_file(file, Overrides{}));
  const Projection& ee = fresh.projs[0];
  REQUIRE(ee.name == "exc_exc");
  // Snapshot 0 is the file's initial weights, the last (at tstop) the final ones of edges.h5.
  CHECK(read_f32(f, "/edges/exc_exc/0/syn_weight") == ee.csr.weight);
  H5Id e = open_file(fs::path(whole) / "edges.h5");
  const std::vector<float> final_w = read_f32(e, "/edges/exc_exc/0/syn_weight");
  CHECK(read_f32(f, "/edges/exc_exc/3/syn_weight") == final_w);
  CHECK(read_f32(f, "/edges/exc_exc/1/syn_weight") != final_w);
  CHECK(read_u64(f, "/edges/exc_exc/target_node_id").size() == ee.csr.size());
  CHECK(read_f64(f, "/edges/exc_exc/0/delay").size() == ee.csr.size());
  {
    H5Id g(H5Gopen2(f, "/edges/exc_exc/2", H5P_DEFAULT), H5Gclose);
    H5Id at(H5Aopen(g, "time", H5P_DEFAULT), H5Aclose);
    double t = 0;
    H5Aread(at, H5T_NATIVE_DOUBLE, &t);
    CHECK(t == 500.0);
  }
  // A static projection's snapshots hold its unchanging weights.
  H5Id s = open_file(fs::path(whole) / "static_snapshots.h5");
  CHECK(read_f32(s, "/edges/exc_inh/0/syn_weight") == fresh.projs[1].csr.weight);
  CHECK(read_f32(s, "/edges/exc_inh/1/syn_weight") == fresh.projs[1].csr.weight);
  // Cut at 500 ms (a snapshot time and the first run's last step), resumed to 1000 ms.
  REQUIRE(run_cli({"run", file, "--tstop", "500", "-o", cut, "--quiet", "--checkpoint-every", "300"}).code == 0);
  REQUIRE(run_cli({"resume", cut, "--tstop", "1000", "--quiet", "--threads", "2"}).code == 0);
  CHECK(compare_outputs(whole, cut) == "");
}

TEST_CASE("crash-safe files: periodic flushes write whole chunks only, checkpoints and the end everything") {
  const fs::path dir = temp_dir("crash_safe");
  {  // the arithmetic: rows up to the next chunk boundary, then whole chunks
    H5Id f = h5_open_output((dir / "a.h5").string(), FileMode{false, true});
    AppendableDataset d(f, "x", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, 0, 4);
    CHECK(d.whole(3) == 0);
    CHECK(d.whole(4) == 4);
    CHECK(d.whole(9) == 8);
    const double v[2] = {1, 2};
    d.append(v, 2);
    CHECK(d.whole(1) == 0);
    CHECK(d.whole(2) == 2);
    CHECK(d.whole(7) == 6);
  }
  // A series of 5000 rows (chunks of 4096): a crash-safe flush leaves the file at 4096 rows
  // (the rest stays buffered, so no chunk is written twice), a plain one at 5000.
  for (const bool safe : {true, false}) {
    const std::string path = (dir / (safe ? "safe.h5" : "plain.h5")).string();
    SeriesFile s(path, "signals", {"x"}, {"1"}, 1.0, "test", Provenance{"{}", 1}, FileMode{false, safe});
    for (int r = 0; r < 5000; ++r) {
      const double x = r;
      s.record(&x);
    }
    s.flush();
    {
      H5Id f = open_file(path);
      CHECK(dims(f, "/signals/x/data")[0] == (safe ? 4096u : 5000u));
    }
    s.finish("complete", 5000);
    H5Id f = open_file(path);
    CHECK(dims(f, "/signals/x/data")[0] == 5000u);
  }
}
