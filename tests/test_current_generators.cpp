// Current generators (issue #24: inputs users expect from NEST): dc_generator and
// step_current_generator, checked against the membrane's analytic response, on both engines
// and through a resume.
#include <doctest/doctest.h>

#include <cmath>

#include "graph_launcher.hpp"
#include "helpers.hpp"

using namespace spikesim;
using namespace spikesim::test;

namespace {

// One lif_curr_exp neuron that never fires (tau_m = C_m / g_L = 10 ms), V_m every step.
std::string network(const std::string& generator, double weight, double delay) {
  return R"({"run": {"tstop": 100, "dt": 0.1},
    "populations": {"n": {"size": 2, "model": "lif_curr_exp", "params": {"C_m": 250, "g_L": 25, "E_L": -70, "V_th": 1000, "V_reset": -70}},
                    "stim": )" + generator + R"(},
    "projections": [{"source": "stim", "target": "n", "weight": )" + std::to_string(weight) + R"(, "delay": )" + std::to_string(delay) + R"(}],
    "monitors": [{"type": "state", "name": "v", "population": "n", "variables": ["V_m"], "neurons": "all"}]})";
}

std::vector<float> v_m(const fs::path& out) {
  H5Id f = open_file(out / "v_V_m.h5");
  return read_f32(f, "/report/n/data");  // [t][neuron], 2 neurons
}

std::vector<float> run(const std::string& text, const std::vector<std::string>& extra = {}) {
  const fs::path dir = temp_dir("current");
  const fs::path file = write_file(dir, "net.json", text);
  std::vector<std::string> args = {"run", file.string(), "-o", (dir / "out").string(), "--quiet"};
  args.insert(args.end(), extra.begin(), extra.end());
  const Proc p = run_cli(args);
  CAPTURE(p.err);
  REQUIRE(p.code == 0);
  return v_m(dir / "out");
}

// V_m - E_L of a passive membrane driven by the current I(t) (steps), exactly:
// dV/dt = (-g_L V + I) / C_m over each piece.
double analytic(double t, const std::vector<std::pair<double, double>>& steps) {
  const double tau = 10.0, g_L = 25.0;
  double v = 0.0, t0 = 0.0, I = 0.0;
  for (const auto& [at, amp] : steps) {
    if (at > t) break;
    v = I / g_L + (v - I / g_L) * std::exp(-(at - t0) / tau);
    t0 = at;
    I = amp;
  }
  return I / g_L + (v - I / g_L) * std::exp(-(t - t0) / tau);
}

}  // namespace

TEST_CASE("dc_generator: every target neuron follows the analytic step response, from start + delay to stop + delay") {
  // 100 pA x weight 0.5 = 50 pA from 10 + 1 ms to 60 + 1 ms: V_m - E_L rises to 50 / 25 = 2 mV.
  const auto v = run(network(R"({"model": "dc_generator", "params": {"amplitude": 100, "start": 10, "stop": 60}})", 0.5, 1.0));
  REQUIRE(v.size() == 1000 * 2);  // rows t = 0, 0.1, ..., 99.9 ms
  double worst = 0.0;
  for (size_t k = 0; k < 1000; ++k) {
    const double expect = analytic(k * 0.1, {{11.0, 50.0}, {61.0, 0.0}});
    for (int i = 0; i < 2; ++i) worst = std::max(worst, std::fabs((v[2 * k + i] + 70.0) - expect));
  }
  // float32 state relative to E_L (NEST's convention): a few ulp of 2 mV per step, 1e-4 mV
  // over 1000 steps.
  CHECK(worst < 1e-4);
  CHECK(v[2 * 110] == doctest::Approx(-70.0).epsilon(1e-9));            // t = 11 ms: not yet moved
  CHECK(v[2 * 610] + 70.0 == doctest::Approx(2.0 * (1 - std::exp(-5.0))).epsilon(1e-4));  // t = 61 ms
}

TEST_CASE("step_current_generator: amplitudes change at their times (delayed), and a negative amplitude hyperpolarises") {
  const auto v = run(network(R"({"model": "step_current_generator", "params": {"amplitude_times": [20, 40, 70], "amplitude_values": [100, -100, 0]}})",
                             1.0, 2.0));
  double worst = 0.0;
  for (size_t k = 0; k < 1000; ++k)
    worst = std::max(worst, std::fabs((v[2 * k] + 70.0) - analytic(k * 0.1, {{22.0, 100.0}, {42.0, -100.0}, {72.0, 0.0}})));
  CHECK(worst < 1e-4);
  CHECK(v[2 * 720] + 70.0 < -3.0);  // -100 pA for 30 ms: about -4 * (1 - e^-3) + ... mV
}

TEST_CASE("current generators: the emulated device engine and a resume across a change give the CPU's V_m bit for bit") {
  const std::string net = network(R"({"model": "step_current_generator", "params": {"amplitude_times": [20, 40, 70], "amplitude_values": [100, -100, 0]}})",
                                  1.0, 2.0);
  const auto cpu = run(net);
  CHECK(run(net, {"--device", "emulate"}) == cpu);
  // Checkpoint at 50 ms (between the changes at 42 and 72), resume to 100 ms.
  const fs::path dir = temp_dir("current_resume");
  const fs::path file = write_file(dir, "net.json", net);
  const fs::path out = dir / "out";
  REQUIRE(run_cli({"run", file.string(), "-o", out.string(), "--quiet", "--tstop", "50", "--checkpoint-every", "50"}).code == 0);
  const Proc r = run_cli({"resume", out.string(), "--tstop", "100", "--quiet"});
  CAPTURE(r.err);
  REQUIRE(r.code == 0);
  CHECK(v_m(out) == cpu);
}

TEST_CASE("current generators: a launcher that replays its first step's launches, as a CUDA graph does, still follows each change") {
  // The device engine passes a population's step constants by value; a current change makes
  // new ones, so the CUDA launcher must capture its graph again (Launcher::launches_changed).
  const std::string text = network(R"({"model": "step_current_generator", "params": {"amplitude_times": [20, 40, 70], "amplitude_values": [100, -100, 0]}})",
                                   1.0, 2.0);
  auto v_of = [&](Device device, Launcher* l) {
    RunOptions opt;
    opt.device = device;
    fs::path dir;
    run_text_with(text, opt, nullptr, &dir, l);
    return v_m(dir);
  };
  GraphLauncher graph;
  const auto replayed = v_of(Device::kEmulate, &graph);
  CHECK(replayed == v_of(Device::kCpu, nullptr));
  CHECK(graph.captures >= 4);  // the first step, then after each of the three changes
}

TEST_CASE("current generators: what is refused, with pointers") {
  const fs::path dir = temp_dir("current_bad");
  const std::string base = R"({"populations": {"n": {"size": 2, "model": "lif_curr_exp"}, "iz": {"size": 1, "model": "izhikevich"}, "stim": {"model": "dc_generator", "params": {"amplitude": 1}}}, "projections": [)";
  const std::vector<std::pair<std::string, std::string>> bad = {
      {R"({"source": "stim", "target": "n", "connectivity": {"rule": "one_to_one"}})", "/projections/0/connectivity/rule"},
      {R"({"source": "stim", "target": "n", "weight": {"uniform": [0, 1]}})", "/projections/0/weight"},
      {R"({"source": "stim", "target": "iz"})", "/projections/0/target"},  // I_e in mV/ms, not pA
      {R"({"source": "stim", "target": "n", "delay": 0})", "/projections/0/delay"},
      {R"({"source": "stim", "target": "n", "receptor": "in"})", "/projections/0/receptor"},
  };
  for (const auto& b : bad) {
    const std::string& proj = b.first;
    const std::string& ptr = b.second;
    CAPTURE(proj);
    const Proc p = run_cli({"validate", write_file(dir, "b.json", base + proj + "]}").string()});
    CHECK(p.code == 2);
    CHECK(p.err.find(ptr) != std::string::npos);
  }
  const Proc s = run_cli({"validate", write_file(dir, "s.json", R"({"populations": {"n": {"size": 1, "model": "lif_curr_exp"}, "stim": {"model": "step_current_generator", "params": {"amplitude_times": [5, 3], "amplitude_values": [1, 2]}}}})").string()});
  CHECK(s.code == 2);
  CHECK(s.err.find("/populations/stim/params/amplitude_times/1") != std::string::npos);
  const Proc z = run_cli({"validate", write_file(dir, "z.json", R"({"populations": {"stim": {"model": "dc_generator", "size": 3}}})").string()});
  CHECK(z.code == 2);
  CHECK(z.err.find("/populations/stim/size") != std::string::npos);
}

TEST_CASE("examples/fi_curve.json: the f-I curve of iaf_psc_exp, each period within one step above t_ref + tau_m ln(I / (I - I_rheo))") {
  const fs::path dir = temp_dir("fi");
  const Proc p = run_cli({"run", source_dir() + "/examples/fi_curve.json", "-o", (dir / "out").string(), "--quiet"});
  REQUIRE(p.code == 0);
  const auto [times, ids] = read_spikes(dir / "out" / "spikes.h5", "n");
  const double rheobase = 15.0 * 25.0;  // (V_th - E_L) g_L, pA
  for (const auto& level : std::vector<std::pair<double, double>>{{0, 300}, {500, 400}, {1000, 500}, {1500, 600}}) {
    const double from = level.first, I = level.second;
    CAPTURE(I);
    for (uint64_t neuron : {uint64_t{0}, uint64_t{19}}) {
      std::vector<double> t;  // after 100 ms at the level (the first spike starts from the last level's state)
      for (size_t k = 0; k < times.size(); ++k)
        if (ids[k] == neuron && times[k] > from + 101 && times[k] <= from + 501) t.push_back(times[k]);
      if (I < rheobase) {
        CHECK(t.empty());  // below the rheobase: silent
        continue;
      }
      const double T = 2.0 + 10.0 * std::log(I / (I - rheobase));
      REQUIRE(t.size() > 5);
      for (size_t k = 1; k < t.size(); ++k) {
        CHECK(t[k] - t[k - 1] >= T - 1e-9);        // threshold crossings are seen at the end of a step:
        CHECK(t[k] - t[k - 1] <= T + 0.1 + 1e-9);  // at most one step (dt = 0.1 ms) late
      }
    }
  }
}
