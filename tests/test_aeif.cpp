// aeif_cond_exp against a reference integrated here independently (double precision, RK4 at
// 1 us, spike times interpolated within that step), its fixed point, and the device engine.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "helpers.hpp"

using namespace spikesim;
using namespace spikesim::test;

namespace {

// NEST's aeif_cond_exp defaults (Brette & Gerstner 2005), no synaptic input.
struct Aeif {
  double C_m = 281.0, g_L = 30.0, E_L = -70.6, V_th = -50.4, Delta_T = 2.0, tau_w = 144.0, a = 4.0, b = 80.5,
         V_reset = -60.0, V_peak = 0.0, I_e = 0.0;
};

// Spike times (ms) over [0, T] from V = E_L, w = 0: RK4 with step h, the exponential's V
// clamped at V_peak (as NEST), reset at the fine step where V reaches V_peak.
std::vector<double> reference_spikes(const Aeif& p, double T, double h = 1e-3) {
  auto f = [&](double V, double w, double& dV, double& dw) {
    const double v = std::min(V, p.V_peak);
    dV = (-p.g_L * (v - p.E_L) + p.g_L * p.Delta_T * std::exp((v - p.V_th) / p.Delta_T) - w + p.I_e) / p.C_m;
    dw = (p.a * (v - p.E_L) - w) / p.tau_w;
  };
  std::vector<double> spikes;
  double V = p.E_L, w = 0.0;
  const auto n = static_cast<long>(std::llround(T / h));
  for (long s = 0; s < n; ++s) {
    double k1V, k1w, k2V, k2w, k3V, k3w, k4V, k4w;
    f(V, w, k1V, k1w);
    f(V + 0.5 * h * k1V, w + 0.5 * h * k1w, k2V, k2w);
    f(V + 0.5 * h * k2V, w + 0.5 * h * k2w, k3V, k3w);
    f(V + h * k3V, w + h * k3w, k4V, k4w);
    const double V_new = V + h / 6 * (k1V + 2 * k2V + 2 * k3V + k4V);
    w += h / 6 * (k1w + 2 * k2w + 2 * k3w + k4w);
    if (V_new >= p.V_peak) {
      spikes.push_back(s * h + h * (p.V_peak - V) / (V_new - V));
      V = p.V_reset;
      w += p.b;
    } else {
      V = V_new;
    }
  }
  return spikes;
}

std::string one_neuron(double I_e, double dt, double tstop) {
  return R"({"run": {"tstop": )" + std::to_string(tstop) + R"(, "dt": )" + std::to_string(dt) + R"(},
    "populations": {"n": {"size": 1, "model": "aeif_cond_exp", "params": {"I_e": )" + std::to_string(I_e) + R"(}}},
    "monitors": [{"type": "spikes"}]})";
}

// The simulator's spikes against the reference: each spike comes 0 to 2 dt after the
// reference's, so the first lies in [t_1, t_1 + 2 dt) and each ISI within 2 dt of the
// reference's. Why: the simulator detects V_peak at the end of the step in which V crosses it
// and resets there (a lag in [0, dt) that the next spike inherits, so an ISI carries the
// difference of two lags), and over the upswing, where dV/dt grows as exp((V - V_th) /
// Delta_T) within a fraction of a step, RK4 falls behind by up to one more step.
void check_against_reference(double dt) {
  Aeif p;
  p.I_e = 800.0;  // above the rheobase (g_L + a)(V_th - E_L + Delta_T ln(1 + a/g_L) - Delta_T) = 627 pA
  const double T = 400.0;
  const std::vector<double> ref = reference_spikes(p, T);
  fs::path dir;
  run_text(one_neuron(p.I_e, dt, T), nullptr, &dir);
  const std::vector<double> t = read_spikes(dir / "spikes.h5", "n").first;
  REQUIRE(ref.size() >= 8);
  // The reference adapts: ISIs grow monotonically (w accumulates b per spike, decays with tau_w).
  for (size_t k = 2; k < ref.size(); ++k) CHECK(ref[k] - ref[k - 1] > ref[k - 1] - ref[k - 2] - 1e-9);
  CHECK(ref[ref.size() - 1] - ref[ref.size() - 2] > 2.0 * (ref[1] - ref[0]));
  // The last spike may fall on either side of T within the tolerance: compare the common ones.
  REQUIRE(t.size() + 1 >= ref.size());
  REQUIRE(t.size() <= ref.size() + 1);
  CHECK(t[0] >= ref[0]);
  CHECK(t[0] - ref[0] < 2.0 * dt);
  const size_t n = std::min(t.size(), ref.size());
  for (size_t k = 1; k < n; ++k) {
    CAPTURE(k);
    CHECK(std::fabs((t[k] - t[k - 1]) - (ref[k] - ref[k - 1])) < 2.0 * dt);
  }
  // The adaptation itself: last over first ISI as the reference's, each ISI within 2 dt.
  const double i1 = ref[1] - ref[0], il = ref[n - 1] - ref[n - 2];
  const double r_sim = (t[n - 1] - t[n - 2]) / (t[1] - t[0]), r_ref = il / i1;
  CHECK(std::fabs(r_sim - r_ref) <= (il + 2 * dt) / (i1 - 2 * dt) - r_ref);
}

}  // namespace

TEST_CASE("aeif_cond_exp: spike times and ISI adaptation follow a fine-step reference within dt (dt = 0.1 and 0.01 ms)") {
  check_against_reference(0.1);
  check_against_reference(0.01);
}

TEST_CASE("aeif_cond_exp: below rheobase V_m settles at the lower root of (g_L + a)(V - E_L) - g_L Delta_T exp((V - V_th)/Delta_T) = I_e") {
  Aeif p;
  p.I_e = 500.0;
  // The root below V* = V_th + Delta_T ln(1 + a/g_L), by bisection (the left side rises up to V*).
  auto G = [&](double V) { return (p.g_L + p.a) * (V - p.E_L) - p.g_L * p.Delta_T * std::exp((V - p.V_th) / p.Delta_T) - p.I_e; };
  double lo = p.E_L, hi = p.V_th + p.Delta_T * std::log(1.0 + p.a / p.g_L);
  for (int i = 0; i < 100; ++i) (G(0.5 * (lo + hi)) < 0 ? lo : hi) = 0.5 * (lo + hi);
  Network net;
  const RunResult r = run_text(one_neuron(p.I_e, 0.1, 3000.0), &net);
  CHECK(r.spike_counts[0] == 0);
  const Population& pop = net.pops[0];
  // 3000 ms is 20 tau_w: the slow mode has decayed far below the float32 resolution of V_m.
  CHECK(pop.variable("V_m")[0] + pop.offset("V_m") == doctest::Approx(lo).epsilon(1e-4));
  CHECK(pop.variable("w")[0] == doctest::Approx(p.a * (lo - p.E_L)).epsilon(1e-3));  // w = a (V - E_L)
}

TEST_CASE("aeif_cond_exp: a recurrent network gives the same spikes and state on --device cpu and emulate") {
  const std::string text = R"({"run": {"tstop": 300, "dt": 0.1, "seed": 7},
    "populations": {
      "drive": {"size": 200, "model": "poisson", "params": {"rate": 20}},
      "exc": {"size": 160, "model": "aeif_cond_exp", "params": {"t_ref": 2, "b": 40},
              "init": {"V_m": {"uniform": [-70, -52]}}},
      "inh": {"size": 40, "model": "aeif_cond_exp", "params": {"a": 0, "b": 0, "t_ref": 1}}},
    "projections": [
      {"source": "drive", "target": "exc", "connectivity": {"rule": "pairwise_bernoulli", "p": 0.5}, "weight": {"uniform": [20, 40]}, "delay": 1.0},
      {"source": "drive", "target": "inh", "connectivity": {"rule": "pairwise_bernoulli", "p": 0.5}, "weight": 30.0, "delay": 1.0},
      {"source": "exc", "target": "exc", "connectivity": {"rule": "pairwise_bernoulli", "p": 0.1}, "weight": 5.0, "delay": {"uniform": [1, 3]}},
      {"source": "exc", "target": "inh", "connectivity": {"rule": "pairwise_bernoulli", "p": 0.1}, "weight": 5.0, "delay": 1.5},
      {"source": "inh", "target": "exc", "receptor": "in", "connectivity": {"rule": "pairwise_bernoulli", "p": 0.2}, "weight": 20.0, "delay": 1.0}],
    "monitors": [{"type": "spikes"}]})";
  auto run = [&](Device device) {
    NetworkSpec spec = parse_network_text(text);
    spec.output.dir = temp_dir(device == Device::kCpu ? "aeif_cpu" : "aeif_emulate").string();
    Network net = build_network(std::move(spec));
    RunOptions opt;
    opt.threads = 2;
    opt.device = device;
    opt.propagation = Propagation::kPerTarget;
    const RunResult r = simulate(net, opt);
    return std::make_pair(std::move(net), r);
  };
  const auto [cpu, rc] = run(Device::kCpu);
  const auto [emu, re] = run(Device::kEmulate);
  for (size_t p = 1; p < cpu.pops.size(); ++p) {
    const std::string& name = cpu.pops[p].name;  // CAPTURE's lambda cannot take a structured binding (clang 14)
    CAPTURE(name);
    CHECK(rc.spike_counts[p] > 0);
    CHECK(rc.spike_counts[p] == re.spike_counts[p]);
    REQUIRE(cpu.pops[p].x.size() == 4);
    for (size_t k = 0; k < 4; ++k) CHECK(cpu.pops[p].x[k] == emu.pops[p].x[k]);
    CHECK(cpu.pops[p].ref == emu.pops[p].ref);
  }
}
