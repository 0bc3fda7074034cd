// Neuron parameters given per neuron (issue #24: inputs users expect from NEST and PyNN): a
// list of one value per neuron, or a distribution drawn per neuron. Checked against the
// passive membrane's analytic response neuron by neuron, on both engines, against the values
// the circuit output records, and for what is refused.
#include <doctest/doctest.h>

#include <cmath>

#include "helpers.hpp"

using namespace spikesim;
using namespace spikesim::test;

namespace {

// V_m - E_L of each neuron of population `pop` at the end of a run of `text`.
std::vector<double> final_v(const std::string& text, Device device = Device::kCpu, fs::path* out = nullptr) {
  RunOptions opt;
  opt.threads = 2;
  opt.device = device;
  Network net;
  run_text_with(text, opt, &net, out);
  const Population& p = net.pops[0];
  std::vector<double> v;
  for (uint32_t i = 0; i < p.size; ++i) v.push_back(p.variable("V_m")[i] + p.offset("V_m") - net.spec.populations[0].params.at("E_L"));
  return v;
}

// Passive lif_curr_exp neurons "n" (V_th out of reach) with `params`; `more` adds
// populations, `projections` a list.
std::string passive(int size, const std::string& params, double tstop, const std::string& more = "",
                    const std::string& projections = "[]") {
  return R"({"run": {"tstop": )" + std::to_string(tstop) + R"(, "dt": 0.1},
    "output": {"circuit": true},
    "populations": {"n": {"size": )" + std::to_string(size) + R"(, "model": "lif_curr_exp",
                          "params": {"E_L": -70, "V_th": 1000, "V_reset": -70, )" + params + "}}" + more + R"(},
    "projections": )" + projections + "}";
}

}  // namespace

TEST_CASE("per-neuron I_e as a list: each neuron relaxes to E_L + I_e / g_L, on the CPU and the emulated device bit for bit") {
  const std::vector<double> I_e = {0, 100, 200, -100, 50};
  const std::string net = passive(5, R"("C_m": 250, "g_L": 25, "I_e": [0, 100, 200, -100, 50])", 50);
  const auto v = final_v(net);
  REQUIRE(v.size() == 5);
  for (size_t i = 0; i < 5; ++i) {
    CAPTURE(i);
    // V - E_L = I_e / g_L (1 - exp(-t / tau_m)), tau_m = 10 ms, exactly (the propagator is
    // exact); float32 rounding over 500 steps: below 1e-4 mV at 8 mV.
    CHECK(std::fabs(v[i] - I_e[i] / 25.0 * (1 - std::exp(-5.0))) < 1e-4);
  }
  CHECK(final_v(net, Device::kEmulate) == v);
}

TEST_CASE("per-neuron I_e drawn from a uniform distribution: the circuit output records each neuron's value, and its V_m follows it") {
  fs::path out;
  const int n = 4000;
  const auto v = final_v(passive(n, R"("C_m": 250, "g_L": 25, "I_e": {"uniform": [0, 500]})", 200), Device::kCpu, &out);
  H5Id f = open_file(out / "circuit" / "nodes.h5");
  const auto I_e = read_f64(f, "/nodes/n/0/I_e");
  REQUIRE(I_e.size() == static_cast<size_t>(n));
  double mean = 0, var = 0, worst = 0;
  for (int i = 0; i < n; ++i) {
    REQUIRE(I_e[i] >= 0.0);
    REQUIRE(I_e[i] < 500.0);
    mean += I_e[i] / n;
    // After 20 tau_m, V - E_L = I_e / g_L (1 - e^-20).
    worst = std::max(worst, std::fabs(v[i] - I_e[i] / 25.0 * (1 - std::exp(-20.0))));
  }
  for (int i = 0; i < n; ++i) var += (I_e[i] - mean) * (I_e[i] - mean) / (n - 1);
  CHECK(worst < 2e-4);  // float32 at 20 mV over 2000 steps
  // Uniform on [0, 500): mean 250 (sd of the mean 500 / sqrt(12 n) = 2.3 pA; 4 sd) and
  // variance 500^2 / 12 = 20833 (sd of the sample variance 0.0745 L^2 / sqrt(n) = 294; 4 sd).
  CHECK(std::fabs(mean - 250.0) < 4 * 2.3);
  CHECK(std::fabs(var - 20833.3) < 4 * 294);
  // The draws are distinct per neuron (not one value for all).
  CHECK(I_e[0] != I_e[1]);
}

TEST_CASE("per-neuron tau_m (NEST's parameter for g_L): g_L = C_m / tau_m neuron by neuron, also when C_m varies") {
  // tau_m = 5, 10, 20 ms with C_m = 250 pF: V(10 ms) - E_L = I_e tau_m / C_m (1 - exp(-10 / tau_m)).
  const auto v = final_v(passive(3, R"("C_m": 250, "tau_m": [5, 10, 20], "I_e": 250)", 10));
  const double tau[] = {5, 10, 20};
  for (int i = 0; i < 3; ++i) CHECK(std::fabs(v[i] - 250.0 * tau[i] / 250.0 * (1 - std::exp(-10.0 / tau[i]))) < 1e-4);
  // C_m = 125, 250, 500 pF with tau_m = 10 ms: g_L = 12.5, 25, 50 nS.
  const auto w = final_v(passive(3, R"("C_m": [125, 250, 500], "tau_m": 10, "I_e": 250)", 10));
  const double C[] = {125, 250, 500};
  for (int i = 0; i < 3; ++i) CHECK(std::fabs(w[i] - 250.0 * 10.0 / C[i] * (1 - std::exp(-1.0))) < 1e-4);
}

TEST_CASE("per-neuron I_e with a dc_generator: each neuron receives its own I_e plus the generator's current") {
  // 100 pA from 1 ms (delay) on top of I_e_i: V(50) = I_e_i / g_L (1 - e^-5) + 100 / g_L (1 - e^-4.9).
  const std::string fixed = passive(3, R"("C_m": 250, "g_L": 25, "I_e": [0, 100, -50])", 50,
                                    R"(, "stim": {"model": "dc_generator", "params": {"amplitude": 100}})",
                                    R"([{"source": "stim", "target": "n", "weight": 1, "delay": 1}])");
  const auto v = final_v(fixed);
  const double I[] = {0, 100, -50};
  for (int i = 0; i < 3; ++i)
    CHECK(std::fabs(v[i] - (I[i] / 25.0 * (1 - std::exp(-5.0)) + 100.0 / 25.0 * (1 - std::exp(-4.9)))) < 1e-4);
  CHECK(final_v(fixed, Device::kEmulate) == v);
}

TEST_CASE("per-neuron E_L: each neuron rests at its own E_L and relaxes towards E_L + I_e / g_L, in the state monitor's V_m too") {
  // E_L = -70, -65, -60 mV (V_m is stored relative to each neuron's E_L, as NEST stores
  // V_m - E_L); V_m starts at -62 mV for all three (the file's "init"), so each relaxes from
  // its own distance: V(t) = E_L + I_e / g_L + (V0 - E_L - I_e / g_L) exp(-t / tau_m).
  const double E_L[] = {-70, -65, -60};
  const std::string net = R"({"run": {"tstop": 20, "dt": 0.1},
    "populations": {"n": {"size": 3, "model": "lif_curr_exp", "init": {"V_m": -62},
                          "params": {"E_L": [-70, -65, -60], "V_th": 1000, "V_reset": -80, "C_m": 250, "g_L": 25, "I_e": 100}}},
    "monitors": [{"type": "state", "name": "v", "population": "n", "variables": ["V_m"], "neurons": "all"}]})";
  auto check = [&](Device device) {
    RunOptions opt;
    opt.device = device;
    fs::path dir;
    run_text_with(net, opt, nullptr, &dir);
    H5Id f = open_file(dir / "v_V_m.h5");
    const auto v = read_f32(f, "/report/n/data");  // [t][3], t = 0, 0.1, ..., 19.9 ms
    REQUIRE(v.size() == 200 * 3);
    double worst = 0.0;
    for (int r = 0; r < 200; ++r)
      for (int i = 0; i < 3; ++i) {
        const double inf = E_L[i] + 100.0 / 25.0;
        worst = std::max(worst, std::fabs(v[3 * r + i] - (inf + (-62.0 - inf) * std::exp(-0.1 * r / 10.0))));
      }
    CHECK(worst < 1e-4);  // float32 V_m - E_L of a few mV: well below 1e-4 mV
    return v;
  };
  CHECK(check(Device::kEmulate) == check(Device::kCpu));
}

TEST_CASE("per-neuron parameters: what is refused, with pointers") {
  const fs::path dir = temp_dir("per_neuron_bad");
  const std::vector<std::pair<std::string, std::string>> bad = {
      {R"("I_e": [1, 2])", "/populations/n/params/I_e"},                          // 3 neurons, 2 values
      {R"("I_e": [1, 2, "x"])", "/populations/n/params/I_e/2"},                   // not a number
      {R"("C_m": {"normal": [250, 50]})", "/populations/n/params/C_m"},           // can draw C_m <= 0
      {R"("tau_m": {"uniform": [0, 10]})", "/populations/n/params/tau_m"},        // tau_m 0
      {R"("V_reset": [-70, -40, -70], "V_th": [-50, -45, -50])", "/populations/n/params/V_reset/1"},
      {R"("V_reset": {"uniform": [-70, -40]}, "V_th": -50)", "/populations/n/params/V_reset"},
      {R"("I_e": "many")", "/populations/n/params/I_e"},
  };
  for (const auto& b : bad) {
    const std::string& params = b.first;
    const std::string& ptr = b.second;
    CAPTURE(params);
    const Proc p = run_cli({"validate", write_file(dir, "b.json", R"({"populations": {"n": {"size": 3, "model": "lif_curr_exp", "params": {)" +
                                                                      params + "}}}}").string()});
    CAPTURE(p.err);
    CHECK(p.code == 2);
    CHECK(p.err.find(ptr) != std::string::npos);
  }
  // Clipped by "min", a normal C_m is accepted.
  CHECK(run_cli({"validate", write_file(dir, "ok.json", R"({"populations": {"n": {"size": 3, "model": "lif_curr_exp", "params": {"C_m": {"normal": [250, 50], "min": 100}}}}})").string()}).code == 0);
}
