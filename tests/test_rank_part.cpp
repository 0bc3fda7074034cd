// A distributed run's pieces that need no MPI (docs/mpi.md): the ranks' ranges, and the
// tables each rank builds (only the synapses onto its neurons), which laid side by side must
// be the whole table one process builds: the same synapses, weights and delays, for every
// connection rule.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <tuple>

#include "core/rank_part.hpp"
#include "helpers.hpp"
#include "plasticity/plasticity.hpp"
#include "synapses/connectivity.hpp"

using namespace spikesim;
using namespace spikesim::test;

namespace {

NetworkSpec spec_with(const std::string& conn, const std::string& delay, uint32_t n_b) {
  return parse_network_text(R"({"run": {"tstop": 1, "dt": 0.1},
    "populations": {"a": {"size": 230, "model": "lif_curr_exp"}, "b": {"size": )" + std::to_string(n_b) + R"(, "model": "lif_curr_exp"}},
    "projections": [{"source": "a", "target": "b", "connectivity": )" + conn +
                            R"(, "weight": {"uniform": [0.5, 1.5]}, "delay": )" + delay + "}]}");
}

using Synapse = std::tuple<uint32_t, uint32_t, uint16_t, float>;  // source, target, delay, weight

// Every synapse of a table, by (source, its place in the row).
std::map<std::pair<uint32_t, uint32_t>, Synapse> synapses_of(const Csr& c) {
  std::map<std::pair<uint32_t, uint32_t>, Synapse> out;
  for (uint32_t i = 0; i < c.rows(); ++i)
    for (uint64_t k = c.row_ptr[i]; k < c.row_ptr[i + 1]; ++k)
      out[{i, static_cast<uint32_t>(k - c.row_ptr[i])}] =
          Synapse{i, c.target[k], c.delay.empty() ? c.delay_min : c.delay[k], c.weight[k]};
  return out;
}

}  // namespace

TEST_CASE("rank ranges cover each population once, ascending, balanced by neurons and in-degree") {
  const NetworkSpec s = parse_network_text(R"({"run": {"tstop": 1},
    "populations": {"a": {"size": 1000, "model": "lif_curr_exp"}, "b": {"size": 10, "model": "lif_curr_exp"}},
    "projections": [{"source": "a", "target": "a", "connectivity": {"rule": "explicit",
                     "sources": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], "targets": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]},
                     "weight": 1, "delay": 1}]})");
  for (int R : {1, 2, 3, 7}) {
    for (size_t p = 0; p < s.populations.size(); ++p) {
      uint32_t at = 0;
      for (int r = 0; r < R; ++r) {
        const RankPart part = rank_part(s, r, R);
        CHECK(part.lo(static_cast<int>(p)) == at);
        CHECK(part.hi(static_cast<int>(p)) >= at);
        at = part.hi(static_cast<int>(p));
      }
      CHECK(at == s.populations[p].size);
    }
  }
  // Neuron 0 of "a" costs 13 (itself and 12 synapses), the others 1: of 1012 in all, rank 0
  // of 2 takes 506 less about half a neuron, i.e. neurons 0..493.
  const RankPart two = rank_part(s, 0, 2);
  CHECK(two.hi(0) == 494);
  CHECK(two.hi(1) == 5);  // no synapses: half the neurons
}

TEST_CASE("the ranks' tables side by side are the whole table: synapses, weights, delays, every rule") {
  const std::vector<std::string> rules = {
      R"({"rule": "all_to_all"})",
      R"({"rule": "one_to_one"})",
      R"({"rule": "pairwise_bernoulli", "p": 0.1})",
      R"({"rule": "fixed_indegree", "indegree": 20})",
      R"({"rule": "fixed_outdegree", "outdegree": 15})",
      R"({"rule": "fixed_total_number", "n": 3000})",
      R"({"rule": "explicit", "sources": [5, 5, 7, 0, 229], "targets": [169, 3, 3, 0, 84]})"};
  for (const std::string& rule : rules)
    for (const char* delay : {"0.5", R"({"uniform": [0.1, 2.0]})"}) {
      CAPTURE(rule);
      CAPTURE(delay);
      const uint32_t n_b = rule.find("one_to_one") != std::string::npos ? 230 : 170;
      const NetworkSpec s = spec_with(rule, delay, n_b);
      const ProjectionSpec& ps = s.projections[0];
      const Csr whole = build_csr(ps, 230, n_b, s.run, 0);
      const auto want = synapses_of(whole);
      for (int R : {2, 3}) {
        std::map<std::pair<uint32_t, uint32_t>, int> seen;  // (source, target) multiplicity
        std::multiset<Synapse> got, expected;
        for (const auto& [key, syn] : want) expected.insert(syn);
        for (int r = 0; r < R; ++r) {
          const RankPart part = rank_part(s, r, R);
          const Csr mine = build_csr(ps, 230, n_b, s.run, 0, TargetRange{part.lo(1), part.hi(1)});
          for (const auto& [key, syn] : synapses_of(mine)) {
            CHECK(std::get<1>(syn) >= part.lo(1));
            CHECK(std::get<1>(syn) < part.hi(1));
            got.insert(syn);
          }
        }
        CHECK(got.size() == expected.size());
        CHECK((got == expected));
      }
    }
}

TEST_CASE("a whole network cut to a rank's part is the network that rank builds") {
  const std::string text = R"({"run": {"tstop": 1, "dt": 0.1},
    "populations": {"a": {"size": 150, "model": "lif_curr_exp"}, "b": {"size": 90, "model": "lif_curr_exp"}},
    "projections": [
      {"name": "ab", "source": "a", "target": "b", "connectivity": {"rule": "fixed_indegree", "indegree": 12},
       "weight": {"uniform": [0.5, 1.5]}, "delay": {"uniform": [0.1, 1.0]}},
      {"name": "bb", "source": "b", "target": "b", "connectivity": {"rule": "pairwise_bernoulli", "p": 0.2},
       "weight": 1.0, "delay": 0.3,
       "plasticity": {"rule": "stdp", "tau_plus": 20, "tau_minus": 20, "A_plus": 0.01, "A_minus": 0.012, "w_min": 0, "w_max": 5}}]})";
  for (int R : {2, 3})
    for (int r = 0; r < R; ++r) {
      CAPTURE(R);
      CAPTURE(r);
      const NetworkSpec spec = parse_network_text(text);
      const RankPart part = rank_part(spec, r, R);
      const Network built = build_network(parse_network_text(text), nullptr, &part);
      const Network cut = restrict_network(network_from(text), part);
      REQUIRE(cut.projs.size() == built.projs.size());
      for (size_t i = 0; i < cut.projs.size(); ++i) {
        const Csr &x = cut.projs[i].csr, &y = built.projs[i].csr;
        CHECK(x.row_ptr == y.row_ptr);
        CHECK(x.target == y.target);
        CHECK(x.weight == y.weight);
        CHECK(x.delay == y.delay);
        CHECK(x.delay_min == y.delay_min);
        CHECK(x.delay_max == y.delay_max);
        if (built.projs[i].plastic) {
          CHECK(cut.projs[i].plastic->post_ptr == built.projs[i].plastic->post_ptr);
          CHECK(cut.projs[i].plastic->post_syn == built.projs[i].plastic->post_syn);
          CHECK(cut.projs[i].plastic->syn_state.size() == built.projs[i].plastic->syn_state.size());
        }
      }
    }
}
