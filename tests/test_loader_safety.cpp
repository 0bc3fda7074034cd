// Issue #24: nothing accepted silently, nothing too big started, nothing unsafe. Each case is
// named after the finding it closes (a crash, a hang, a silent acceptance) and checks the
// exit code 2, the JSON pointer and what the message says.
#include <doctest/doctest.h>

#include <chrono>

#include "core/hints.hpp"
#include "helpers.hpp"
#include "plasticity/preflight.hpp"

using namespace spikesim;
using namespace spikesim::test;

namespace {

const std::string kA = R"("a": {"size": 10, "model": "lif_cond_exp"})";
const std::string kP = R"("p": {"size": 5, "model": "poisson", "params": {"rate": 5}})";

// validate FILE (and run FILE): exit 2 with `pointer` and each of `says` in the message.
void refused(const std::string& what, const std::string& text, const std::string& pointer,
             const std::vector<std::string>& says = {}) {
  CAPTURE(what);
  const fs::path dir = temp_dir("safety");
  const fs::path file = write_file(dir, "net.json", text);
  for (const char* cmd : {"validate", "run"}) {
    const Proc p = std::string(cmd) == "run" ? run_cli({cmd, file.string(), "-o", (dir / "out").string(), "--quiet"})
                                             : run_cli({cmd, file.string()});
    CAPTURE(cmd);
    CAPTURE(p.err);
    CHECK(p.code == 2);
    CHECK(p.err.find(pointer) != std::string::npos);
    for (const auto& s : says) CHECK(p.err.find(s) != std::string::npos);
  }
}

std::string nested(size_t levels) { return std::string(levels, '[') + std::string(levels, ']'); }

}  // namespace

TEST_CASE("finding: a message about a key the file does not have reads no memory out of bounds (raw()[key] on a default)") {
  // Each of these read const operator[] on an absent key (ASan: heap-buffer-overflow); the
  // message now says the key is absent and its default applies.
  refused("spikes_file equal to edges_file's default", "{" + std::string(R"("output": {"spikes_file": "edges.h5"}, "populations": {)") + kA + "}}",
          "/output/edges_file", {"found no \"edges_file\" (its default applies)"});
  refused("stimulus on at trial_length, no off",
          "{\"populations\": {" + kP + R"(}, "task": {"trials": 2, "trial_length": 100, "stimulus": {"population": "p", "on": 100, "categories": {"A": [1,2,3,4,5]}}}})",
          "/task/stimulus/off", {"found no \"off\""});
  // The JObj accessor itself: found() on an absent key is null, reject() names the default.
  const json j = {{"x", 1}};
  JObj o(j, "/obj");
  CHECK(o.found("y").is_null());
  CHECK(o.found("x") == 1);
  try {
    o.reject("y", "something");
    FAIL("reject did not throw");
  } catch (const SpecError& e) {
    CHECK(e.pointer == "/obj/y");
    CHECK(std::string(e.what()).find("its default applies") != std::string::npos);
  }
}

TEST_CASE("finding: population names '.', '..' and with '/' are refused at validate (they failed at run time)") {
  for (const std::string name : {".", "..", "a~1b"}) {
    const std::string raw = name == "a~1b" ? "a/b" : name;
    refused("population name " + raw, R"({"populations": {")" + raw + R"(": {"size": 1, "model": "lif_cond_exp"}}})",
            "/populations/" + name, {"without '/'"});
  }
}

TEST_CASE("finding: deeply nested JSON is refused with its pointer (a recursive copy overflowed the stack)") {
  refused("100k levels", "{\"description\": " + nested(100000) + "}", "/description/0/0/0", {"nesting deeper than 64 levels"});
  // 64 levels are still read (and refused for what they are: not a string).
  refused("64 levels", "{\"description\": " + nested(63) + "}", "/description", {"expected a string"});
}

TEST_CASE("finding: a key written twice in one object is refused (the last one was kept silently)") {
  refused("two a", R"({"populations": {"a": {"size": 1, "model": "lif_cond_exp"}, "a": {"size": 2, "model": "lif_cond_exp"}}})",
          "/populations/a", {"twice"});
  refused("two sizes", R"({"populations": {"a": {"size": 1, "size": 2, "model": "lif_cond_exp"}}})", "/populations/a/size", {"twice"});
}

TEST_CASE("finding: 1e999 exits with code 2 at its pointer (was exit 1)") {
  refused("1e999", "{\"run\": {\"tstop\": 1e999}, \"populations\": {" + kA + "}}", "/run/tstop", {"expected a number within double's range"});
}

TEST_CASE("finding: weights beyond float's range are refused (1e308 became Inf)") {
  refused("1e308", "{\"populations\": {" + kA + R"(}, "projections": [{"source": "a", "target": "a", "connectivity": {"rule": "all_to_all"}, "weight": 1e308}]})",
          "/projections/0/weight", {"float"});
}

TEST_CASE("finding: task off_rate is range-checked") {
  refused("negative off_rate",
          "{\"populations\": {" + kP + R"(}, "task": {"trials": 2, "trial_length": 100, "stimulus": {"population": "p", "off_rate": -5, "categories": {"A": [1,2,3,4,5]}}}})",
          "/task/stimulus/off_rate", {"0 <= rate"});
}

TEST_CASE("finding: NEST's key N for fixed_total_number names N and suggests n") {
  refused("N", "{\"populations\": {" + kA + R"(}, "projections": [{"source": "a", "target": "a", "connectivity": {"rule": "fixed_total_number", "N": 5}, "weight": 1}]})",
          "/projections/0/connectivity/n", {"\"N\"", "write \"n\""});
}

TEST_CASE("finding: only the first error was reported: errors now collect (up to 20)") {
  const fs::path dir = temp_dir("errors");
  const fs::path file = write_file(dir, "net.json", R"({"populations": {"a": {"size": -1, "model": "lif_cond_exp"}, "b": {"size": 1, "model": "iaf_psc_exp"}, "c": {"size": 1, "model": "lif_cond_exp", "params": {"tau_refrac": 2}}}})");
  const Proc p = run_cli({"validate", file.string()});
  CAPTURE(p.err);
  CHECK(p.code == 2);
  CHECK(p.err.find("/populations/a/size") != std::string::npos);
  CHECK(p.err.find("/populations/b/model") != std::string::npos);
  CHECK(p.err.find("did you mean \"lif_curr_exp\"") != std::string::npos);  // NEST's name for it
  CHECK(p.err.find("/populations/c/params/tau_refrac") != std::string::npos);
  CHECK(p.err.find("did you mean \"t_ref\"") != std::string::npos);  // PyNN's
  CHECK(p.err.find("3 errors") != std::string::npos);
  // At most 20: 30 bad populations give 20 errors and say so.
  std::string many = R"({"populations": {)";
  for (int i = 0; i < 30; ++i) many += (i ? ", " : "") + std::string("\"p") + std::to_string(i) + R"(": {"size": 0, "model": "lif_cond_exp"})";
  const Proc q = run_cli({"validate", write_file(dir, "many.json", many + "}}").string()});
  CHECK(q.code == 2);
  CHECK(q.err.find("20 errors (stopped at the limit)") != std::string::npos);
  CHECK(q.err.find("/populations/p19/size") != std::string::npos);
  CHECK(q.err.find("/populations/p20/size") == std::string::npos);
}

TEST_CASE("did you mean: other simulators' names and near misses") {
  CHECK(did_you_mean("iaf_psc_exp", {"lif_curr_exp", "lif_cond_exp"}, "models").find("\"lif_curr_exp\"") != std::string::npos);
  CHECK(did_you_mean("spike_recorder", {"spikes", "state"}, "monitors").find("\"spikes\"") != std::string::npos);
  CHECK(did_you_mean("v", {"V_m", "g_ex"}, "params").find("\"V_m\"") != std::string::npos);
  CHECK(did_you_mean("tau_plsu", {"tau_plus", "tau_minus"}, "params").find("\"tau_plus\"") != std::string::npos);
  CHECK(did_you_mean("xyz", {"tau_plus", "tau_minus"}, "params").empty());
  refused("spike_recorder", "{\"populations\": {" + kA + R"(}, "monitors": [{"type": "spike_recorder"}]})", "/monitors/0/type",
          {"did you mean \"spikes\""});
  refused("negative excitatory weight", "{\"populations\": {" + kA + R"(}, "projections": [{"source": "a", "target": "a", "connectivity": {"rule": "all_to_all"}, "weight": -1}]})",
          "/projections/0/weight", {"\"receptor\": \"in\""});
}

TEST_CASE("finding: no pre-flight: validate now refuses 1e6 x 1e6 all_to_all from the spec alone, with the estimate") {
  const fs::path dir = temp_dir("preflight");
  const fs::path file = write_file(dir, "big.json", R"({"populations": {"a": {"size": 1000000, "model": "lif_cond_exp"}}, "projections": [{"source": "a", "target": "a", "connectivity": {"rule": "all_to_all"}, "weight": 1}]})");
  const auto t0 = std::chrono::steady_clock::now();
  const Proc p = run_cli({"validate", file.string()});
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CAPTURE(p.out);
  CAPTURE(p.err);
  CHECK(p.code == 2);
  CHECK(p.out.find("1e+12 synapses (exact)") != std::string::npos);      // printed first
  CHECK(p.err.find("/projections/0/connectivity") != std::string::npos);
  CHECK(p.err.find("needs about 7.3 TiB") != std::string::npos);  // 1e12 x 8 bytes
  CHECK(s < 30.0);  // not a speed goal: it must not try to allocate (bench/NOTES: well under 1 s)
  // The same for the other shapes that allocated until killed.
  const std::vector<std::pair<std::string, std::string>> shapes = {
      {"p = 1", R"({"rule": "pairwise_bernoulli", "p": 1})"},
      {"indegree 1e12", R"({"rule": "fixed_indegree", "indegree": 1000000000000})"},
      {"outdegree 1e12", R"({"rule": "fixed_outdegree", "outdegree": 1000000000000})"},
  };
  for (const auto& shape : shapes) {
    const std::string& what = shape.first;
    const std::string& conn = shape.second;
    CAPTURE(what);
    const fs::path f = write_file(dir, "s.json", R"({"populations": {"a": {"size": 1000000, "model": "lif_cond_exp"}}, "projections": [{"source": "a", "target": "a", "connectivity": )" + conn + R"(, "weight": 1}]})");
    const Proc q = run_cli({"run", f.string(), "-o", (dir / "o").string(), "--quiet"});
    CHECK(q.code == 2);
    CHECK(q.err.find("/projections/0/connectivity") != std::string::npos);
  }
  // fixed_total_number 2^32 - 1 under --max-memory 1G; 100k all_to_all likewise (was bad_alloc, exit 1).
  const fs::path tn = write_file(dir, "tn.json", R"({"populations": {"a": {"size": 1000, "model": "lif_cond_exp"}}, "projections": [{"source": "a", "target": "a", "connectivity": {"rule": "fixed_total_number", "n": 4294967295}, "weight": 1}]})");
  const Proc r = run_cli({"validate", tn.string(), "--max-memory", "1G"});
  CHECK(r.code == 2);
  CHECK(r.err.find("--max-memory") != std::string::npos);
  const fs::path k100 = write_file(dir, "k.json", R"({"populations": {"a": {"size": 100000, "model": "lif_cond_exp"}}, "projections": [{"source": "a", "target": "a", "connectivity": {"rule": "all_to_all"}, "weight": 1}]})");
  const Proc k = run_cli({"run", k100.string(), "-o", (dir / "o").string(), "--max-memory", "1G", "--quiet"});
  CHECK(k.code == 2);
  CHECK(k.err.find("expected at most 1.0 GiB (--max-memory)") != std::string::npos);
  // Under `ulimit -v` (an address-space limit, as batch systems set): refused with the pointer,
  // not std::bad_alloc (exit 1). Not under AddressSanitizer, which reserves terabytes of
  // address space itself.
#if defined(__SANITIZE_ADDRESS__)
  const bool asan = true;
#elif defined(__has_feature)
  const bool asan = __has_feature(address_sanitizer);
#else
  const bool asan = false;
#endif
  if (!asan) {
    const std::string cmd = "ulimit -v 1000000 && " + std::string(spikesim_binary()) + " run " + k100.string() + " -o " +
                            (dir / "o3").string() + " --quiet 2> " + (dir / "ulimit.txt").string();
    const int status = std::system(("bash -c '" + cmd + "'").c_str());
    CHECK(WEXITSTATUS(status) == 2);
    CHECK(slurp(dir / "ulimit.txt").find("/projections/0/connectivity") != std::string::npos);
  }
  // 10M neurons all_to_all never refused before.
  const fs::path m10 = write_file(dir, "m.json", R"({"populations": {"a": {"size": 10000000, "model": "lif_cond_exp"}}, "projections": [{"source": "a", "target": "a", "connectivity": {"rule": "all_to_all"}, "weight": 1}]})");
  CHECK(run_cli({"validate", m10.string()}).code == 2);
}

TEST_CASE("pre-flight counts: exact where the rule fixes them, bounded for pairwise_bernoulli, and equal to the built network") {
  const std::string net = R"({"populations": {"a": {"size": 300, "model": "lif_cond_exp"}, "b": {"size": 200, "model": "lif_cond_exp"}},
    "projections": [
      {"source": "a", "target": "b", "connectivity": {"rule": "all_to_all"}, "weight": 1},
      {"source": "a", "target": "a", "connectivity": {"rule": "all_to_all", "allow_autapses": false}, "weight": 1},
      {"source": "a", "target": "b", "connectivity": {"rule": "fixed_indegree", "indegree": 7}, "weight": 1},
      {"source": "a", "target": "b", "connectivity": {"rule": "fixed_outdegree", "outdegree": 9}, "weight": 1},
      {"source": "a", "target": "b", "connectivity": {"rule": "fixed_total_number", "n": 1234}, "weight": 1},
      {"source": "b", "target": "b", "connectivity": {"rule": "one_to_one"}, "weight": 1},
      {"source": "a", "target": "b", "connectivity": {"rule": "pairwise_bernoulli", "p": 0.1}, "weight": 1}]})";
  const NetworkSpec spec = parse_network_text(net);
  const Estimate e = estimate(spec);
  const Network built = build_network(parse_network_text(net));
  const std::vector<double> exact = {60000, 300 * 299, 1400, 2700, 1234, 200};
  for (size_t i = 0; i < exact.size(); ++i) {
    CHECK(e.projections[i].count == exact[i]);
    CHECK(built.projs[i].csr.size() == exact[i]);
  }
  // Bernoulli: mean 6000, sd sqrt(60000 * 0.1 * 0.9) = 73.5; the bound is mean + 6 sd.
  CHECK(e.projections[6].count == doctest::Approx(6000 + 6 * std::sqrt(5400.0)));
  CHECK(static_cast<double>(built.projs[6].csr.size()) <= e.projections[6].count);
  // Static tables: 8 bytes per synapse and 8 per source row (synapses/csr.hpp): the estimate
  // and the built tables agree for the exact rules.
  double synapses = 0, built_bytes = 0;
  for (size_t i = 0; i < exact.size(); ++i) built_bytes += built.projs[i].csr.bytes();
  for (size_t i = 0; i < exact.size(); ++i) synapses += exact[i] * 8 + 8.0 * (spec.populations[spec.projections[i].source].size + 1);
  CHECK(built_bytes == synapses);
}

TEST_CASE("finding: trials 1e9 at --tstop 1 scheduled every trial up front (3 GB): now only those that start run") {
  const fs::path dir = temp_dir("trials");
  const fs::path file = write_file(dir, "t.json", "{\"run\": {\"tstop\": 1}, \"populations\": {" + kP + ", " + kA + R"(}, "task": {"trials": 1000000000, "trial_length": 100, "stimulus": {"population": "p", "categories": {"A": [1,2,3,4,5]}}, "decision": {"actions": {"l": "p", "r": "a"}, "window": [0, 100]}, "correct": {"A": "l"}}})");
  const Proc p = run_cli({"run", file.string(), "-o", (dir / "o").string(), "--quiet"});
  CAPTURE(p.err);
  CHECK(p.code == 0);
  CHECK(p.err.find("allows 0 of the 1000000000 trials") != std::string::npos);
  CHECK(p.err.find("no trial completes") != std::string::npos);
}

TEST_CASE("warnings: rounded delays, negative depression amplitudes, trials cut by tstop: --strict makes them errors") {
  const fs::path dir = temp_dir("warn");
  const std::string text = "{\"run\": {\"tstop\": 250}, \"populations\": {" + kA + ", " + kP +
                           R"(}, "projections": [{"source": "p", "target": "a", "connectivity": {"rule": "all_to_all"}, "weight": 1, "delay": 1.04},
                              {"source": "p", "target": "a", "connectivity": {"rule": "all_to_all"}, "weight": 1, "plasticity": {"rule": "stdp", "w_max": 2, "A_minus": -0.0105}}],
                              "task": {"trials": 5, "trial_length": 100, "stimulus": {"population": "p", "categories": {"A": [1,2,3,4,5]}}, "decision": {"actions": {"l": "a", "r": "p"}, "window": [0, 100]}, "correct": {"A": "l"}}})";
  const fs::path file = write_file(dir, "w.json", text);
  const Proc v = run_cli({"validate", file.string()});
  CAPTURE(v.err);
  CHECK(v.code == 0);
  CHECK(v.err.find("/projections/0/delay: the delay 1.040000 ms is not a multiple of dt") != std::string::npos);
  CHECK(v.err.find("rounded to 1.000000 ms") != std::string::npos);
  CHECK(v.err.find("/projections/1/plasticity/A_minus: a negative depression amplitude") != std::string::npos);
  CHECK(v.err.find("/task/trials: tstop (250.000000 ms) allows 2 of the 5 trials") != std::string::npos);
  const Proc s = run_cli({"run", file.string(), "-o", (dir / "o").string(), "--strict", "--quiet"});
  CHECK(s.code == 2);
  CHECK(s.err.find("--strict makes it an error") != std::string::npos);
  CHECK(s.err.find("/task/trials") != std::string::npos);  // every warning is listed
  CHECK(!fs::exists(dir / "o" / "trials.h5"));
  // Threads above the cores.
  const fs::path ok = write_file(dir, "ok.json", "{\"run\": {\"tstop\": 1}, \"populations\": {" + kA + "}}");
  const Proc t = run_cli({"run", ok.string(), "-o", (dir / "o2").string(), "--threads", "4096", "--quiet"});
  CHECK(t.code == 0);
  CHECK(t.err.find("cores of this machine") != std::string::npos);
}

TEST_CASE("finding: weights_from bypassed the weight checks: a huge declared size and a group in place of a dataset") {
  const fs::path dir = temp_dir("wfrom");
  const std::string net = "{\"populations\": {" + kA + ", " + kP + R"(}, "projections": [{"source": "p", "target": "a", "connectivity": {"rule": "all_to_all"}, "weight": 1, "weights_from": "W"}]})";
  // Write the edges of a run, then damage copies of them.
  const fs::path good_net = write_file(dir, "g.json", "{\"populations\": {" + kA + ", " + kP + R"(}, "projections": [{"source": "p", "target": "a", "connectivity": {"rule": "all_to_all"}, "weight": 1, "plasticity": {"rule": "stdp", "w_max": 5}}], "run": {"tstop": 1}})");
  REQUIRE(run_cli({"run", good_net.string(), "-o", (dir / "g").string(), "--quiet"}).code == 0);
  const fs::path edges = dir / "g" / "edges.h5";
  auto variant = [&](const std::string& name, auto damage) {
    const fs::path f = dir / (name + ".h5");
    fs::copy_file(edges, f, fs::copy_options::overwrite_existing);
    {
      H5Id h(H5Fopen(f.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose);
      damage(static_cast<hid_t>(h));
    }
    std::string text = net;
    text.replace(text.find("\"W\""), 3, "\"" + f.string() + "\"");
    return write_file(dir, name + ".json", text);
  };
  auto set_weight = [](float w) {
    return [w](hid_t h) {
      std::vector<float> v = h5_read_vector<float>(h, "/edges/p_to_a/0/syn_weight", H5T_NATIVE_FLOAT);
      v[3] = w;
      H5Id ds(H5Dopen2(h, "/edges/p_to_a/0/syn_weight", H5P_DEFAULT), H5Dclose);
      H5Dwrite(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
    };
  };
  for (const auto& bad : std::vector<std::pair<std::string, float>>{{"negative", -1.0f}, {"nan", NAN}, {"inf", INFINITY}}) {
    const std::string& name = bad.first;
    const float w = bad.second;
    CAPTURE(name);
    const Proc p = run_cli({"validate", variant(name, set_weight(w)).string()});
    CAPTURE(p.err);
    CHECK(p.code == 2);
    CHECK(p.err.find("/projections/0/weights_from") != std::string::npos);
    CHECK(p.err.find("synapse 3") != std::string::npos);
    CHECK(p.err.find("a weight >= 0 nS") != std::string::npos);
  }
  // A group in place of the weights dataset (was exit 1).
  const Proc g = run_cli({"validate", variant("group", [](hid_t h) {
                                        H5Ldelete(h, "/edges/p_to_a/0/syn_weight", H5P_DEFAULT);
                                        H5Id gr(H5Gcreate2(h, "/edges/p_to_a/0/syn_weight", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
                                      }).string()});
  CHECK(g.code == 2);
  CHECK(g.err.find("not a dataset") != std::string::npos);
  // A dataset that declares 2^31 values in a small file (chunked, never written): refused
  // before anything is read (validate read 16 GiB).
  const Proc big = run_cli({"validate", variant("big", [](hid_t h) {
                                          H5Ldelete(h, "/edges/p_to_a/source_node_id", H5P_DEFAULT);
                                          const hsize_t n = hsize_t{1} << 31, chunk = 1024;
                                          H5Id space(H5Screate_simple(1, &n, nullptr), H5Sclose);
                                          H5Id dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
                                          H5Pset_chunk(dcpl, 1, &chunk);
                                          H5Id ds(H5Dcreate2(h, "/edges/p_to_a/source_node_id", H5T_STD_U64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), H5Dclose);
                                        }).string()});
  CAPTURE(big.err);
  CHECK(big.code == 2);
  CHECK(big.err.find("holds 2147483648 values") != std::string::npos);
}

TEST_CASE("command line: --help for each command, --max-memory checked, protocol takes --overwrite") {
  for (const char* cmd : {"run", "resume", "validate", "protocol", "fit", "describe"}) {
    CAPTURE(cmd);
    const Proc p = run_cli({cmd, "--help"});
    CHECK(p.code == 0);
    CHECK(p.out.find(std::string("usage: spikesim ") + cmd) != std::string::npos);
    CHECK(p.out.find("--help") != std::string::npos);
  }
  const Proc r = run_cli({"run", "--help"});
  CHECK(r.out.find("--checkpoint-every MS") != std::string::npos);
  CHECK(r.out.find("--max-memory SIZE") != std::string::npos);
  CHECK(run_cli({"validate", "x.json", "--max-memory", "12Q"}).code == 2);
  const Proc s = run_cli({"resume", "dir", "--seed", "3"});
  CHECK(s.code == 2);
  CHECK(s.err.find("--seed does not apply to resume") != std::string::npos);
}

TEST_CASE("finding: a run that fills the disk said only \"HDF5: write chunk failed\": now the file and the reason") {
  // A 512 KiB tmpfs (needs root and mount permission: otherwise the test says so and passes).
  const fs::path dir = temp_dir("full");
  const fs::path mnt = dir / "small";
  fs::create_directories(mnt);
  if (std::system(("mount -t tmpfs -o size=512k tmpfs " + mnt.string() + " 2>/dev/null").c_str()) != 0) {
    MESSAGE("skipped: cannot mount a small tmpfs here (not root, or no mount permission)");
    return;
  }
  const Proc p = run_cli({"run", source_dir() + "/examples/coba.json", "--tstop", "20000", "-o", (mnt / "out").string(), "--quiet"});
  std::system(("umount " + mnt.string()).c_str());
  CAPTURE(p.err);
  CHECK(p.code == 1);
  CHECK(p.err.find("No space left on device") != std::string::npos);
  CHECK(p.err.find("spikes.h5") != std::string::npos);
}
