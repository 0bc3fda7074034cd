// The Boost.Graph population graph: inputs, upstream reach, and silent populations.
#include <doctest/doctest.h>

#include "helpers.hpp"
#include "neurons/models.hpp"

using namespace spikesim;
using namespace spikesim::test;

TEST_CASE("population graph: incoming projections, upstream populations, silent populations") {
  // drive -> a -> b -> c; d -> e (nothing drives d or e); f has I_e above threshold.
  // d's rheobase: E_L + I_e/g_L = -70 + 100/25 = -66 mV < V_th: silent.
  const NetworkSpec spec = parse_network_text(R"({
    "populations": {"drive": {"size": 2, "model": "poisson", "params": {"rate": 5}},
      "a": {"size": 2, "model": "lif_curr_exp"}, "b": {"size": 2, "model": "lif_curr_exp"},
      "c": {"size": 2, "model": "lif_curr_exp"}, "d": {"size": 2, "model": "lif_curr_exp", "params": {"I_e": 100}},
      "e": {"size": 2, "model": "lif_curr_exp"}, "f": {"size": 2, "model": "lif_curr_exp", "params": {"I_e": 400}}},
    "projections": [
      {"source": "drive", "target": "a", "connectivity": {"rule": "all_to_all"}, "weight": 1},
      {"source": "a", "target": "b", "connectivity": {"rule": "all_to_all"}, "weight": 1},
      {"source": "b", "target": "c", "connectivity": {"rule": "all_to_all"}, "weight": 1},
      {"source": "d", "target": "e", "connectivity": {"rule": "all_to_all"}, "weight": 1},
      {"source": "c", "target": "c", "connectivity": {"rule": "all_to_all"}, "weight": 1}]})");
  const PopulationGraph g(spec);
  auto idx = [&](const char* n) { return spec.find_population(n); };
  CHECK(g.incoming(idx("c")) == std::vector<size_t>{2, 4});
  CHECK(g.incoming(idx("drive")).empty());
  CHECK(g.upstream(idx("c")) == std::vector<int>{idx("drive"), idx("a"), idx("b")});
  CHECK(g.upstream(idx("e")) == std::vector<int>{idx("d")});
  CHECK(g.silent(spec, self_driven) == std::vector<int>{idx("d"), idx("e")});
}

TEST_CASE("population graph: global signals are vertices fed by their population") {
  const NetworkSpec spec = parse_network_text(R"({
    "populations": {"drive": {"size": 2, "model": "poisson", "params": {"rate": 5}},
      "exc": {"size": 2, "model": "lif_curr_exp"}, "inh": {"size": 2, "model": "lif_curr_exp"}},
    "globals": {"H": {"type": "rate_estimate", "population": "exc", "tau": 100},
                "R": {"type": "rate_estimate", "population": "drive", "tau": 10}},
    "projections": [{"source": "drive", "target": "exc", "connectivity": {"rule": "all_to_all"}, "weight": 1},
                    {"source": "inh", "target": "exc", "receptor": "in", "connectivity": {"rule": "all_to_all"}, "weight": -1}]})");
  const PopulationGraph g(spec);
  auto idx = [&](const char* n) { return spec.find_population(n); };
  CHECK(g.feeds(0) == std::vector<int>{idx("exc")});
  CHECK(g.signal_upstream(0) == std::vector<int>{idx("drive"), idx("exc"), idx("inh")});
  CHECK(g.feeds(1) == std::vector<int>{idx("drive")});
  CHECK(g.signal_upstream(1) == std::vector<int>{idx("drive")});
  // Signal vertices change nothing about the populations.
  CHECK(g.incoming(idx("exc")) == std::vector<size_t>{0, 1});
  CHECK(g.upstream(idx("exc")) == std::vector<int>{idx("drive"), idx("inh")});
}
