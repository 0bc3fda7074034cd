// Connection rules: exact counts where the rule fixes them, 4-sigma bands where it draws them,
// and the autapse / multapse flags for every rule.
#include <doctest/doctest.h>

#include <cmath>
#include <omp.h>

#include <set>

#include "helpers.hpp"

using namespace spikesim;
using namespace spikesim::test;

namespace {

// One projection a -> b (or a -> a when `self`), with the given connectivity object.
Network one_projection(const std::string& conn, bool self, uint32_t n_a = 300, uint32_t n_b = 200) {
  return network_from(R"({"run": {"tstop": 1},
    "populations": {"a": {"size": )" + std::to_string(n_a) + R"(, "model": "lif_curr_exp"},
                    "b": {"size": )" + std::to_string(n_b) + R"(, "model": "lif_curr_exp"}},
    "projections": [{"source": "a", "target": ")" + (self ? "a" : "b") + R"(", "connectivity": )" + conn +
                      R"(, "weight": 1.0, "delay": 1.0}]})");
}

struct Edges {
  std::vector<std::pair<uint32_t, uint32_t>> list;  // (source, target)
  size_t autapses = 0, duplicates = 0;
  std::vector<uint32_t> indegree, outdegree;
};

Edges edges_of(const Network& net) {
  const Csr& c = net.projs[0].csr;
  Edges e;
  e.indegree.assign(net.pops[net.projs[0].target].size, 0);
  e.outdegree.assign(c.rows(), 0);
  std::set<std::pair<uint32_t, uint32_t>> seen;
  for (uint32_t i = 0; i < c.rows(); ++i) {
    for (uint64_t k = c.row_ptr[i]; k < c.row_ptr[i + 1]; ++k) {
      e.list.emplace_back(i, c.target[k]);
      e.autapses += net.projs[0].source == net.projs[0].target && i == c.target[k];
      e.duplicates += !seen.insert({i, c.target[k]}).second;
      ++e.indegree[c.target[k]];
      ++e.outdegree[i];
    }
  }
  return e;
}

}  // namespace

TEST_CASE("fixed_indegree gives exactly K inputs per target") {
  for (const char* multapses : {"true", "false"}) {
    const Edges e = edges_of(one_projection(
        std::string(R"({"rule": "fixed_indegree", "indegree": 37, "allow_multapses": )") + multapses + "}", false));
    for (uint32_t k : e.indegree) CHECK(k == 37);
    if (std::string(multapses) == "false") CHECK(e.duplicates == 0);
  }
}

TEST_CASE("fixed_outdegree gives exactly K outputs per source, fixed_total_number exactly n") {
  const Edges out = edges_of(one_projection(R"({"rule": "fixed_outdegree", "outdegree": 25, "allow_multapses": false})", false));
  for (uint32_t k : out.outdegree) CHECK(k == 25);
  CHECK(out.duplicates == 0);
  const Edges tot = edges_of(one_projection(R"({"rule": "fixed_total_number", "n": 5000, "allow_multapses": false})", false));
  CHECK(tot.list.size() == 5000);
  CHECK(tot.duplicates == 0);
}

TEST_CASE("pairwise_bernoulli synapse counts are within 4 sigma of p N M") {
  // Count ~ Binomial(N M, p): sd = sqrt(N M p (1 - p)). Within one population without
  // autapses there are N (N - 1) candidate pairs.
  for (double p : {0.02, 0.1, 0.5}) {
    const std::string c = R"({"rule": "pairwise_bernoulli", "p": )" + std::to_string(p) + "}";
    const double nm = 300.0 * 200.0;
    const double n = static_cast<double>(edges_of(one_projection(c, false)).list.size());
    CHECK(std::fabs(n - p * nm) < 4 * std::sqrt(nm * p * (1 - p)));
    const std::string c2 = R"({"rule": "pairwise_bernoulli", "allow_autapses": false, "p": )" + std::to_string(p) + "}";
    const Edges self = edges_of(one_projection(c2, true));
    const double pairs = 300.0 * 299.0;
    CHECK(self.autapses == 0);
    CHECK(std::fabs(self.list.size() - p * pairs) < 4 * std::sqrt(pairs * p * (1 - p)));
  }
  // In-degrees are Binomial(N, p) too: their mean is p N within 4 standard errors.
  const Edges e = edges_of(one_projection(R"({"rule": "pairwise_bernoulli", "p": 0.1})", false));
  double mean = 0;
  for (uint32_t k : e.indegree) mean += k;
  mean /= e.indegree.size();
  CHECK(std::fabs(mean - 30.0) < 4 * std::sqrt(300 * 0.1 * 0.9 / 200));
}

TEST_CASE("every rule respects allow_autapses within a population") {
  const char* rules[] = {
      R"("rule": "all_to_all")",
      R"("rule": "pairwise_bernoulli", "p": 0.5)",
      R"("rule": "fixed_indegree", "indegree": 299, "allow_multapses": false)",
      R"("rule": "fixed_indegree", "indegree": 400)",
      R"("rule": "fixed_outdegree", "outdegree": 299, "allow_multapses": false)",
      R"("rule": "fixed_outdegree", "outdegree": 400)",
      R"("rule": "fixed_total_number", "n": 20000)",
      R"("rule": "fixed_total_number", "n": 89700, "allow_multapses": false)",
  };
  for (const char* r : rules) {
    CAPTURE(r);
    const Edges no = edges_of(one_projection(std::string("{") + r + R"(, "allow_autapses": false})", true));
    CHECK(no.autapses == 0);
    CHECK(!no.list.empty());
  }
  // With autapses allowed, rules that enumerate every pair include them.
  CHECK(edges_of(one_projection(R"({"rule": "all_to_all"})", true)).autapses == 300);
  CHECK(edges_of(one_projection(R"({"rule": "pairwise_bernoulli", "p": 1.0})", true)).autapses == 300);
  CHECK(edges_of(one_projection(R"({"rule": "one_to_one"})", true)).autapses == 300);
  CHECK(edges_of(one_projection(R"({"rule": "fixed_indegree", "indegree": 300, "allow_multapses": false})", true)).autapses == 300);
  // Sampling rules draw autapses at the chance rate: 1 in N per draw.
  CHECK(edges_of(one_projection(R"({"rule": "fixed_indegree", "indegree": 100})", true)).autapses > 0);
  // Explicit lists: an autapse is an error when not allowed, kept when allowed.
  CHECK_THROWS_AS(one_projection(R"({"rule": "explicit", "sources": [0, 1], "targets": [1, 1], "allow_autapses": false})", true), SpecError);
  CHECK(edges_of(one_projection(R"({"rule": "explicit", "sources": [0, 1], "targets": [1, 1]})", true)).autapses == 1);
  // One-to-one within a population without autapses would make nothing: rejected.
  CHECK_THROWS_AS(one_projection(R"({"rule": "one_to_one", "allow_autapses": false})", true), SpecError);
}

TEST_CASE("all_to_all, one_to_one and explicit lists make exactly the listed synapses") {
  CHECK(edges_of(one_projection(R"({"rule": "all_to_all"})", false)).list.size() == 300u * 200u);
  const Edges o = edges_of(one_projection(R"({"rule": "one_to_one"})", false, 200, 200));
  REQUIRE(o.list.size() == 200);
  for (const auto& [s, t] : o.list) CHECK(s == t);
  const Edges x = edges_of(one_projection(R"({"rule": "explicit", "sources": [5, 0, 5], "targets": [3, 7, 1]})", false));
  CHECK(x.list == std::vector<std::pair<uint32_t, uint32_t>>{{0, 7}, {5, 1}, {5, 3}});
}

TEST_CASE("connectivity does not depend on the thread count") {
  const std::string c = R"({"rule": "fixed_indegree", "indegree": 50, "allow_multapses": false, "allow_autapses": false})";
  omp_set_num_threads(1);
  const Edges one = edges_of(one_projection(c, true));
  omp_set_num_threads(2);
  const Edges two = edges_of(one_projection(c, true));
  CHECK(one.list == two.list);
}

TEST_CASE("delivery adds each arriving synapse's weight once, with equal weights read as one constant") {
  Network net = one_projection(R"({"rule": "pairwise_bernoulli", "p": 0.3})", false);
  Projection& p = net.projs[0];
  p.init_queue();
  const std::vector<uint32_t> spikes = {0, 3, 4, 17, 100, 299};
  const uint32_t d = p.csr.delay_min, n_b = net.pops[p.target].size;
  for (bool equal : {true, false}) {
    CAPTURE(equal);
    if (!equal) p.csr.weight[p.csr.row_ptr[3]] = 0.5f;  // one synapse of a spiking source differs
    // Expected input per target: the weights of the spiking sources' synapses, counted here.
    std::vector<double> expected(n_b, 0.0);
    for (uint32_t j : spikes)
      for (uint64_t k = p.csr.row_ptr[j]; k < p.csr.row_ptr[j + 1]; ++k) expected[p.csr.target[k]] += p.csr.weight[k];
    for (int threads : {1, 2}) {
      CAPTURE(threads);
      p.partition(threads, 0, n_b);
      CHECK(p.weights_equal == equal);
      p.push(5, spikes);
      std::vector<float> input(n_b, 0.0f);
      for (int t = 0; t < threads; ++t) {
        uint32_t lo, hi;
        thread_share(n_b, t, threads, lo, hi);
        p.deliver(5 + d, input.data(), TargetPart{lo, hi, t, threads});
      }
      for (uint32_t i = 0; i < n_b; ++i) REQUIRE(input[i] == static_cast<float>(expected[i]));
    }
  }
}
