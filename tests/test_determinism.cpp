// Same seed: identical spike files for any thread count. Different seed: different spikes.
#include <doctest/doctest.h>

#include <algorithm>

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
  for (const auto& [example, pop] : {std::pair{"coba.json", "exc"}, std::pair{"brunel.json", "inh"}}) {
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
