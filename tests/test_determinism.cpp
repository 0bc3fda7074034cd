// Same seed: identical spike files for any thread count. Different seed: different spikes.
#include <doctest/doctest.h>

#include <omp.h>

#include <algorithm>

#include "cpu/thread_count.hpp"
#include "helpers.hpp"

using namespace spikesim;
using namespace spikesim::test;

namespace {

std::pair<std::vector<double>, std::vector<uint64_t>> run_example(const std::string& example, int threads, int seed,
                                                                    const std::string& pop) {
  const fs::path dir = temp_dir("det");
  const Proc p = run_cli({"run", source_dir() + "/examples/" + example, "--tstop", "300",
                          "--threads", std::to_string(threads), "--seed", std::to_string(seed), "-o",
                          (dir / "out").string(), "--overwrite", "--quiet"});
  REQUIRE(p.code == 0);
  return read_spikes(dir / "out" / "spikes.h5", pop);
}

}  // namespace

TEST_CASE("same seed gives identical spike files for --threads 1 and --threads 2, another seed differs") {
  // COBA (conductances, recurrent) and Brunel (Poisson input, distributed delays).
  for (const auto& entry : {std::pair{"coba.json", "exc"}, std::pair{"brunel.json", "inh"}}) {
    const char* example = entry.first;  // not a structured binding: CAPTURE's lambda takes it (clang 14)
    const char* pop = entry.second;
    CAPTURE(example);
    const auto one = run_example(example, 1, 5, pop);
    const auto two = run_example(example, 2, 5, pop);
    REQUIRE(one.first.size() > 1000);
    CHECK(one.first == two.first);
    CHECK(one.second == two.second);
    const auto other = run_example(example, 2, 6, pop);
    CHECK((other.first != one.first || other.second != one.second));
  }
}

TEST_CASE("TeamChoice: rounds of kProbe steps on T and on 1 thread, alternated, then the faster until kRemeasure") {
  constexpr uint64_t P = TeamChoice::kProbe, R = TeamChoice::kRemeasure;
  TeamChoice fixed(2, false);
  CHECK(fixed.team(0) == 2);
  CHECK(fixed.span(0, 12345) == 12345);
  for (double one_thread_s : {0.5, 2.0}) {  // one thread faster, then slower, than 2 (1.0 s)
    CAPTURE(one_thread_s);
    TeamChoice c(2, true);
    CHECK(c.team(0) == 2);
    CHECK(c.span(0, 30) == 30);  // a chunk of the run loop ends inside the round
    c.ran(0, 30, 0.3);
    CHECK(c.span(30, 10 * P) == P - 30);
    c.ran(30, P - 30, 0.7);
    for (uint64_t r = 1; r < 4; ++r) {
      CHECK(c.team(r * P) == (r % 2 == 1 ? 1 : 2));
      CHECK(c.span(r * P, 10 * P) == P);
      c.ran(r * P, P, r % 2 == 1 ? one_thread_s : 1.0);
    }
    const int expected = one_thread_s < 1.0 ? 1 : 2;
    CHECK(c.team(4 * P) == expected);
    CHECK(c.span(4 * P, 10 * R) == R);  // until the next measurement
    c.ran(4 * P, R, 1.0);
    CHECK(c.team(4 * P + R) == 2);  // its first round: T threads
  }
}

TEST_CASE("the default thread count's measurement (2 threads, then 1, alternated) gives the spikes of --threads 1") {
  // COBA at 20,000 neurons (in-degree 80 as in COBA 4000), where the cost model picks 2
  // threads: the run times 100 steps on 2 threads, 100 on 1, twice, then keeps the faster,
  // so its first 400 steps switch the team three times. 100 ms = 1000 steps.
  if (omp_get_max_threads() < 2) {
    MESSAGE("one core: the default runs 1 thread and measures nothing");
    return;
  }
  std::string net = slurp(source_dir() + "/examples/coba.json");
  for (const auto& [from, to] : {std::pair<std::string, std::string>{"\"size\": 3200", "\"size\": 16000"},
                                 {"\"size\": 800", "\"size\": 4000"}, {"\"p\": 0.02", "\"p\": 0.004"}})
    for (size_t at = net.find(from); at != std::string::npos; at = net.find(from, at + to.size())) net.replace(at, from.size(), to);
  const fs::path dir = temp_dir("det_measure");
  const fs::path file = write_file(dir, "coba20k.json", net);
  std::vector<std::pair<std::vector<double>, std::vector<uint64_t>>> spikes;
  for (const std::vector<std::string> threads : {std::vector<std::string>{}, {"--threads", "1"}}) {
    std::vector<std::string> args = {"run", file.string(), "--tstop", "100", "-o", (dir / "out").string(), "--overwrite"};
    args.insert(args.end(), threads.begin(), threads.end());
    const Proc p = run_cli(args);
    REQUIRE(p.code == 0);
    spikes.push_back(read_spikes(dir / "out" / "spikes.h5", "exc"));
  }
  REQUIRE(spikes[0].first.size() > 1000);
  CHECK(spikes[0].first == spikes[1].first);
  CHECK(spikes[0].second == spikes[1].second);
}

TEST_CASE("a task with trial rules gives identical trials and weights for --threads 1 and --threads 2") {
  // examples/category_learning.json, first 40 trials: choices depend on every weight update.
  std::vector<std::string> trials, weights;
  for (int threads : {1, 2}) {
    const fs::path dir = temp_dir("det_task");
    const Proc p = run_cli({"run", source_dir() + "/examples/category_learning.json", "--tstop", "40000",
                            "--threads", std::to_string(threads), "-o", (dir / "out").string(), "--overwrite", "--quiet"});
    REQUIRE(p.code == 0);
    trials.push_back(slurp(dir / "out" / "trials.csv"));
    H5Id ef = open_file(dir / "out" / "edges.h5");
    const auto w = read_all<float>(ef, "/edges/cortex_left/0/syn_weight", H5T_NATIVE_FLOAT);
    weights.emplace_back(reinterpret_cast<const char*>(w.data()), w.size() * sizeof(float));
  }
  CHECK(std::count(trials[0].begin(), trials[0].end(), '\n') == 41);
  CHECK(trials[0] == trials[1]);
  CHECK(weights[0] == weights[1]);
}

TEST_CASE("every CPU path of the neuron update (SPIKESIM_ISA) gives the same spikes bit for bit") {
  // Each path this machine has (--version lists them): baseline always, avx2 where the CPU
  // has AVX2+FMA, avx512 where it has AVX-512.
  const Proc v = run_cli({"--version"});
  REQUIRE(v.code == 0);
  std::vector<std::string> paths = {"baseline"};
  for (const char* isa : {"avx2", "avx512"})
    if (v.out.find(std::string(", ") + isa + " (") != std::string::npos) paths.push_back(isa);
  MESSAGE("CPU paths compared: " << paths.size());
  if (paths.size() == 1) MESSAGE("this CPU has no AVX2+FMA: only the baseline path is run");
  // lif_cond_exp (COBA), lif_curr_exp (CUBA), and aeif_cond_exp with izhikevich neurons and
  // lif_cond_exp's euler method.
  const fs::path dir = temp_dir("isa");
  const std::string mixed = write_file(dir, "mixed.json", R"({"run": {"tstop": 300, "dt": 0.1, "seed": 3},
    "populations": {"drive": {"size": 100, "model": "poisson", "params": {"rate": 40}},
      "ad": {"size": 64, "model": "aeif_cond_exp", "init": {"V_m": {"uniform": [-70, -50]}}},
      "iz": {"size": 64, "model": "izhikevich", "params": {"I_e": 10, "I_noise": 13}},
      "eu": {"size": 64, "model": "lif_cond_exp", "method": "euler", "params": {"tau_syn_ex": 5}, "init": {"V_m": {"uniform": [-70, -56]}}}},
    "projections": [{"source": "drive", "target": "ad", "connectivity": {"rule": "pairwise_bernoulli", "p": 0.5}, "weight": {"uniform": [20, 40]}, "delay": 1.0},
                    {"source": "drive", "target": "iz", "connectivity": {"rule": "pairwise_bernoulli", "p": 0.2}, "weight": 1.0, "delay": 1.0},
                    {"source": "drive", "target": "eu", "connectivity": {"rule": "pairwise_bernoulli", "p": 0.3}, "weight": {"uniform": [2, 6]}, "delay": 1.0}],
    "monitors": [{"type": "spikes"}]})").string();
  // Spikes, and V_m of every neuron of the first population every 10 ms: one rounding of a
  // contracted a*b+c would show in the state long before it moves a spike.
  for (const auto& entry : {std::pair{source_dir() + "/examples/coba.json", std::vector<std::string>{"exc", "inh"}},
                             std::pair{source_dir() + "/examples/cuba.json", std::vector<std::string>{"exc", "inh"}},
                             std::pair{mixed, std::vector<std::string>{"ad", "iz", "eu"}}}) {
    const std::string& file = entry.first;
    const std::vector<std::string>& pops = entry.second;
    CAPTURE(file);
    json j = json::parse(slurp(file));
    j["monitors"].push_back({{"type", "state"}, {"population", pops[0]}, {"variables", {"V_m"}}, {"neurons", "all"}, {"dt", 10.0}, {"name", "isa"}});
    const std::string net = write_file(dir, "net.json", j.dump()).string();
    std::vector<std::vector<std::pair<std::vector<double>, std::vector<uint64_t>>>> runs;
    std::vector<std::vector<float>> states;
    for (const std::string& isa : paths) {
      ::setenv("SPIKESIM_ISA", isa.c_str(), 1);
      const fs::path out = dir / ("out_" + isa);
      const Proc p = run_cli({"run", net, "--tstop", "300", "--threads", "2", "-o", out.string(), "--overwrite"});
      ::unsetenv("SPIKESIM_ISA");
      REQUIRE(p.code == 0);
      CHECK(p.out.find("CPU path " + isa + "\n") != std::string::npos);
      runs.emplace_back();
      for (const auto& pop : pops) runs.back().push_back(read_spikes(out / "spikes.h5", pop));
      H5Id f = open_file(out / "isa_V_m.h5");
      states.push_back(read_f32(f, "/report/" + pops[0] + "/data"));
    }
    CHECK(states[0].size() > 1000);
    for (size_t r = 1; r < runs.size(); ++r) CHECK(states[r] == states[0]);
    for (size_t k = 0; k < pops.size(); ++k) {
      CAPTURE(pops[k]);
      CHECK(runs[0][k].first.size() > 50);
      for (size_t r = 1; r < runs.size(); ++r) {
        CHECK(runs[r][k].first == runs[0][k].first);
        CHECK(runs[r][k].second == runs[0][k].second);
      }
    }
  }
  // An unknown path is refused before the run.
  ::setenv("SPIKESIM_ISA", "sse9", 1);
  const Proc bad = run_cli({"run", source_dir() + "/examples/cuba.json", "--tstop", "10", "-o", (dir / "bad").string(), "--overwrite", "--quiet"});
  ::unsetenv("SPIKESIM_ISA");
  CHECK(bad.code != 0);
  CHECK(bad.err.find("SPIKESIM_ISA=sse9") != std::string::npos);
}

TEST_CASE("default thread count: one thread for a small network, more for a large one, --threads as given") {
  // The cost model of cpu/thread_count.hpp: 2 threads pay when the work per step exceeds
  // twice the fixed cost of a parallel step (5 us here): at 1.7 to 2.9 ns per neuron, from
  // about 3,500 to 6,000 neurons with no synapses.
  auto net_of = [](uint32_t n) {
    return network_from(R"({"populations": {"a": {"size": )" + std::to_string(n) + R"(, "model": "lif_cond_exp"}}})");
  };
  RunOptions opt;
  const Network small = net_of(1000), large = net_of(256000);
  CHECK(cpu_threads(small, opt, 2) == 1);
  CHECK(cpu_threads(large, opt, 2) == 2);
  CHECK(cpu_threads(large, opt, 1) == 1);
  const ThreadCost c = measured_thread_cost();
  CHECK(step_ns(large, c, 2) < step_ns(large, c, 1));
  CHECK(step_ns(small, c, 2) > step_ns(small, c, 1));
  opt.threads = 3;
  CHECK(cpu_threads(small, opt, 2) == 3);
}
