// Plasticity: exact event-driven traces, the STDP protocols against analytic and published
// numbers (docs/plasticity.md sections 1-2), thread-count invariance, weights monitor and edges file.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "helpers.hpp"
#include "plasticity/plasticity.hpp"
#include "protocols/protocol.hpp"

using namespace spikesim;
using namespace spikesim::test;

TEST_CASE("an event-driven trace bumped at irregular times equals the closed-form sum of exponentials") {
  const double dt = 0.1, tau = 17.3;
  // Gaps below and above the host's decay table (kDecayTable = 4096 steps: 5000 -> 9500).
  const std::vector<uint32_t> bumps = {3, 4, 57, 58, 300, 1234, 1240, 5000, 9500};
  for (bool nearest : {false, true}) {
    TraceSpec s;
    s.count = 1;
    s.tau[0] = tau;
    s.nearest = nearest;
    TraceArray tr;
    tr.init(s, 3, dt);
    size_t next = 0;
    for (uint32_t step = 1; step <= 12000; step += 7) {
      while (next < bumps.size() && bumps[next] <= step) tr.bump(1, bumps[next++], dt);
      double x;
      tr.read(1, step, dt, &x);
      double expected = 0.0;  // all-to-all: sum over spikes; nearest: the latest spike only
      for (size_t k = 0; k < next; ++k) {
        const double term = std::exp(-static_cast<double>(step - bumps[k]) * dt / tau);
        expected = nearest ? term : expected + term;
      }
      REQUIRE(x == doctest::Approx(expected).epsilon(1e-12));
    }
    double untouched;
    tr.read(0, 12000, dt, &untouched);
    CHECK(untouched == 0.0);
    // The table gives the exp call's numbers bit for bit (the GPU engine calls exp).
    for (uint32_t steps : {1u, 10u, 333u, kDecayTable - 1})
      CHECK(trace_decay(0.37, steps, dt, tau, tr.table(dt)) == trace_decay(0.37, steps, dt, tau));
  }
}

namespace {

ProtocolResult run_named(const std::string& name, const std::vector<std::string>& sets = {}) {
  const Protocol p = load_protocol(source_dir() + "/protocols/" + name + ".json", sets);
  return run_protocol(p, temp_dir(name).string());
}

}  // namespace

TEST_CASE("stdp_window: every point equals the analytic all-to-all or nearest window sum to 1e-6 relative") {
  const ProtocolResult r = run_named("stdp_window");
  REQUIRE(r.rows.size() == 3 * 41);
  for (const auto& row : r.rows) {
    REQUIRE(!std::isnan(row.reference));
    // float32 weights: 60 roundings of a growing sum stay below 1e-6 of it
    CHECK(std::fabs(row.simulated - row.reference) <= 1e-6 * std::fabs(row.reference));
  }
  // The analytic window itself (docs/plasticity.md section 1): dt_s = +10 ms, 60 isolated pairings.
  const auto& at10 = r.rows[30];  // variant 0, dt_s = -100 + 30 * 5 = 50 ms
  CHECK(at10.reference == doctest::Approx(60 * 0.01 * std::exp(-50.0 / 20.0)).epsilon(1e-9));
}

TEST_CASE("stdp_frequency: triplet STDP within 0.05 percentage points of docs/plasticity.md, pair STDP never LTP for both orders at 40-50 Hz") {
  const ProtocolResult r = run_named("stdp_frequency");
  REQUIRE(r.pass.size() == 2);
  std::vector<double> pair_plus, pair_minus;
  for (const auto& row : r.rows) {
    if (row.variant == 0) {
      REQUIRE(!std::isnan(row.reference));
      CHECK(std::fabs(row.simulated - row.reference) <= 0.05);
    } else {
      (row.point < 8 ? pair_plus : pair_minus).push_back(row.simulated);
    }
  }
  CHECK(r.pass[0] == 1);
  for (size_t k : {6u, 7u}) CHECK_FALSE((pair_plus[k] > 0 && pair_minus[k] > 0));  // 40, 50 Hz
}

TEST_CASE("stdp_triplets: Wang et al. 2005 patterns within 0.05 percentage points of docs/plasticity.md") {
  const ProtocolResult r = run_named("stdp_triplets");
  int checked = 0;
  for (const auto& row : r.rows)
    if (!std::isnan(row.reference)) {
      CHECK(std::fabs(row.simulated - row.reference) <= 0.05);
      ++checked;
    }
  CHECK(checked == 6);  // two single pairs, two post-pre-post and two pre-post-pre patterns
}

TEST_CASE("protocol --set overrides a value and an unknown place is an error") {
  const ProtocolResult r = run_named("stdp_window", {"pairings=1", "sweep.dt_s.from=10", "sweep.dt_s.to=10"});
  REQUIRE(r.rows.size() == 3);
  CHECK(r.rows[0].simulated == doctest::Approx(0.01 * std::exp(-10.0 / 20.0)).epsilon(1e-6));
  CHECK_THROWS_AS(run_named("stdp_window", {"nowhere.x=1"}), SpecError);
}

namespace {

// A recurrent COBA-like network with pair STDP on its E->E synapses.
std::string plastic_net(uint64_t seed, const std::string& extra = "") {
  return R"({"run": {"tstop": 400, "dt": 0.1, "seed": )" + std::to_string(seed) + R"(},
    "populations": {"exc": {"size": 400, "model": "lif_cond_exp", "init": {"V_m": {"uniform": [-60, -50]}}},
                    "inh": {"size": 100, "model": "lif_cond_exp", "init": {"V_m": {"uniform": [-60, -50]}}},
                    "ext": {"size": 200, "model": "poisson", "params": {"rate": 20}}},
    "projections": [
      {"name": "ee", "source": "exc", "target": "exc", "connectivity": {"rule": "pairwise_bernoulli", "p": 0.1},
       "weight": {"uniform": [0.5, 1.5]}, "delay": 0.8,
       "plasticity": {"rule": "stdp", "A_plus": 0.05, "A_minus": 0.0525, "w_max": 3.0}},
      {"source": "exc", "target": "inh", "connectivity": {"rule": "pairwise_bernoulli", "p": 0.1}, "weight": 1.0},
      {"source": "inh", "target": "exc", "receptor": "in", "connectivity": {"rule": "pairwise_bernoulli", "p": 0.1}, "weight": 6.0},
      {"source": "ext", "target": "exc", "connectivity": {"rule": "fixed_indegree", "indegree": 20}, "weight": 2.0},
      {"source": "ext", "target": "inh", "connectivity": {"rule": "fixed_indegree", "indegree": 20}, "weight": 2.0}]
    )" + extra + "}";
}

}  // namespace

TEST_CASE("plastic weights are identical for 1 and 2 threads, and they did change") {
  Network one = network_from(plastic_net(3)), two = network_from(plastic_net(3));
  const std::vector<float> w0 = one.projs[0].csr.weight;
  run_text(plastic_net(3), &one, nullptr, 1);
  run_text(plastic_net(3), &two, nullptr, 2);
  const auto& a = one.projs[0].csr.weight;
  const auto& b = two.projs[0].csr.weight;
  REQUIRE(a.size() == b.size());
  size_t changed = 0;
  for (size_t k = 0; k < a.size(); ++k) {
    REQUIRE(a[k] == b[k]);
    changed += a[k] != w0[k];
    REQUIRE(a[k] >= 0.0f);
    REQUIRE(a[k] <= 3.0f);
  }
  CHECK(changed > a.size() / 10);  // plasticity acted (synapses of silent neurons stay)
}

TEST_CASE("weights monitor and edges file: SONATA layout, final weights, and weights_from reloads them") {
  const std::string mon = R"(, "monitors": [{"type": "weights", "projection": "ee", "synapses": {"sample": 25}, "dt": 10.0}])";
  Network net = network_from(plastic_net(5, mon));
  const std::vector<float> w_init = net.projs[0].csr.weight;
  fs::path out;
  run_text(plastic_net(5, mon), &net, &out, 2);
  const Csr& csr = net.projs[0].csr;

  H5Id e = open_file(out / "edges.h5");
  const auto src = read_u64(e, "/edges/ee/source_node_id");
  const auto tgt = read_u64(e, "/edges/ee/target_node_id");
  const auto w = read_f32(e, "/edges/ee/0/syn_weight");
  const auto d = read_f64(e, "/edges/ee/0/delay");
  REQUIRE(w.size() == csr.size());
  for (uint32_t j = 0; j < csr.rows(); ++j)
    for (uint64_t k = csr.row_ptr[j]; k < csr.row_ptr[j + 1]; ++k) {
      REQUIRE(src[k] == j);
      REQUIRE(tgt[k] == csr.target[k]);
      REQUIRE(w[k] == csr.weight[k]);
      REQUIRE(d[k] == doctest::Approx(0.8));
    }
  H5Id sds(H5Dopen2(e, "/edges/ee/source_node_id", H5P_DEFAULT), H5Dclose);
  CHECK(read_attr_string(sds, "node_population") == "exc");

  H5Id r = open_file(out / "ee_weights.h5");
  const auto node_ids = read_u64(r, "/report/ee/mapping/node_ids");
  const auto ptrs = read_u64(r, "/report/ee/mapping/index_pointers");
  const auto elem = read_all<uint32_t>(r, "/report/ee/mapping/element_ids", H5T_NATIVE_UINT32);
  const auto data = read_f32(r, "/report/ee/data");
  REQUIRE(elem.size() == 25);
  REQUIRE(ptrs.size() == node_ids.size() + 1);
  CHECK(data.size() == 25 * 40);  // rows at 0, 10, ..., 390 ms
  for (size_t n = 0; n < node_ids.size(); ++n)
    for (uint64_t c = ptrs[n]; c < ptrs[n + 1]; ++c) {
      REQUIRE(csr.target[elem[c]] == node_ids[n]);  // node = postsynaptic neuron of the synapse
      REQUIRE(data[c] == w_init[elem[c]]);            // row 0: initial weights
    }

  // A second run starts from the learned weights.
  const std::string reload = R"(, "monitors": [{"type": "weights", "projection": "ee", "synapses": "all", "dt": 100.0}])";
  std::string text = plastic_net(5, reload);
  const std::string key = R"("delay": 0.8,)";
  text.replace(text.find(key), key.size(), key + R"( "weights_from": ")" + (out / "edges.h5").string() + R"(",)");
  fs::path out2;
  run_text(text, nullptr, &out2, 1);
  H5Id r2 = open_file(out2 / "ee_weights.h5");
  const auto row0 = read_f32(r2, "/report/ee/data");
  const auto elem2 = read_all<uint32_t>(r2, "/report/ee/mapping/element_ids", H5T_NATIVE_UINT32);
  REQUIRE(elem2.size() == csr.size());
  for (size_t c = 0; c < elem2.size(); ++c) REQUIRE(row0[c] == w[elem2[c]]);
}

TEST_CASE("weights_from with other synapses (another seed) is an error naming the projection") {
  fs::path out;
  run_text(plastic_net(5), nullptr, &out, 1);
  std::string text = plastic_net(6);
  const std::string key = R"("delay": 0.8,)";
  text.replace(text.find(key), key.size(), key + R"( "weights_from": ")" + (out / "edges.h5").string() + R"(",)");
  try {
    network_from(text);
    FAIL("expected a SpecError");
  } catch (const SpecError& e) {
    CHECK(e.pointer == "/projections/0/weights_from");
  }
}

TEST_CASE("Song, Miller & Abbott 2000: additive STDP makes the weights bimodal within 100 s") {
  // examples/song2000.json: 1000 Poisson inputs at 15 Hz onto one lif_cond_exp neuron, 100 s.
  // Acceptance of issue #3: more than 80% of the weights within 10% of w_min or w_max. The
  // initial weights are uniform, so 20% start there. Bimodal also means two peaks: the bottom
  // tenth of the range holds the most synapses, and the top tenth more than any tenth of the
  // middle (0.2-0.9 w_max; 0.1-0.2 is the shoulder of the lower peak).
  const std::string text = slurp(fs::path(source_dir()) / "examples/song2000.json");
  Network net;
  const auto t0 = std::chrono::steady_clock::now();
  run_text(text, &net, nullptr, 1);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const Projection& p = net.projs[0];
  const float w_max = 0.5f;
  std::vector<int> bins(10, 0);
  for (float w : p.csr.weight) {
    REQUIRE(w >= 0.0f);
    REQUIRE(w <= w_max);
    ++bins[std::min(9, static_cast<int>(w / w_max * 10.0f))];
  }
  const double n = static_cast<double>(p.csr.size());
  const double near_bounds = (bins[0] + bins[9]) / n;
  MESSAGE("Song 2000, 100 s: " << near_bounds * 100 << "% within 10% of a bound; " << bins[0] << " low, "
                               << bins[9] << " high; run time " << seconds << " s");
  CHECK(near_bounds > 0.8);
  for (int b = 1; b < 10; ++b) CHECK(bins[0] > bins[b]);
  for (int b = 2; b < 9; ++b) CHECK(bins[9] > bins[b]);
}
