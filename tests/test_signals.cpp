// Global signals (rate_estimate), the signals and rates monitors, the inhibitory rules
// vogels_istdp and global_istdp, and the istdp_global_factor protocol.
#include <doctest/doctest.h>

#include <cmath>
#include <numeric>

#include "helpers.hpp"
#include "protocols/global_factor.hpp"
#include "protocols/protocol.hpp"

using namespace spikesim;
using namespace spikesim::test;

namespace {

std::string drive_network(double rate, double tstop, const std::string& extra_pops = "", const std::string& rest = "") {
  return R"({"run": {"tstop": )" + std::to_string(tstop) + R"(, "dt": 0.1, "seed": 7},
    "populations": {"drive": {"model": "poisson", "size": 1000, "params": {"rate": )" + std::to_string(rate) + "}}" +
         extra_pops + R"(},
    "globals": {"H": {"type": "rate_estimate", "population": "drive", "tau": 100.0}})" + rest + "}";
}

}  // namespace

TEST_CASE("rate_estimate: H of a Poisson population at rate r converges to r within 3 sd") {
  // Stationary H is a shot noise of N r Poisson events per second, each 1/(tau N) decaying
  // with tau: mean r, sd sqrt(r / (2 tau N)) (docs/plasticity.md section 4). After 2 s = 20 tau
  // the start from 0 is forgotten (e^-20).
  for (double r : {2.5, 10.0, 40.0}) {
    Network net;
    run_text(drive_network(r, 2000.0), &net);
    const double sd = std::sqrt(r / (2 * 0.1 * 1000));
    INFO("r = " << r << " Hz, H = " << net.signals.value[0] << ", sd = " << sd);
    CHECK(std::fabs(net.signals.value[0] - r) < 3 * sd);
  }
}

TEST_CASE("signals and rates monitors: layout, H starts at 0, and binned rates equal the spike file's counts") {
  fs::path dir;
  run_text(drive_network(10.0, 1000.0, "", R"(, "monitors": [{"type": "spikes"}, {"type": "signals", "dt": 1.0},
           {"type": "rates", "bin": 50.0}])"), nullptr, &dir);
  H5Id sf = open_file(dir / "signals.h5");
  const std::vector<double> H = read_f64(sf, "/signals/H/data");
  REQUIRE(H.size() == 1000);  // rows at t = 0, 1, ..., 999 ms
  CHECK(H[0] == 0.0);
  CHECK(read_f64(sf, "/signals/time") == std::vector<double>{0.0, 1000.0, 1.0});
  {
    H5Id ds(H5Dopen2(sf, "/signals/H/data", H5P_DEFAULT), H5Dclose);
    CHECK(read_attr_string(ds, "units") == "Hz");
  }
  CHECK(read_attr_string(sf, "status") == "complete");
  // Rates per 50 ms bin: counted independently from the spike file.
  H5Id rf = open_file(dir / "rates.h5");
  const std::vector<double> rate = read_f64(rf, "/rates/drive/data");
  REQUIRE(rate.size() == 20);
  const auto [times, ids] = read_spikes(dir / "spikes.h5", "drive");
  std::vector<double> count(20, 0.0);
  for (double t : times) count[std::min<size_t>(19, static_cast<size_t>((t - 1e-9) / 50.0))] += 1;
  for (size_t k = 0; k < 20; ++k) CHECK(rate[k] == doctest::Approx(count[k] / (1000 * 0.05)).epsilon(1e-12));
}

namespace {

// 200 Poisson inputs at 20 Hz, one each onto 200 "post" spike generators firing regularly at
// 10 Hz, with global_istdp (eta 1e-3 nS s, G = H - gamma) learning from 0.5 s to 2.5 s.
std::vector<float> global_rule_weights(double gamma, int threads = 1) {
  std::string post = "[";
  for (int i = 0; i < 200; ++i) {
    std::string train = "[";
    for (int k = 0; k < 25; ++k) train += (k ? "," : "") + std::to_string(50.0 + 100.0 * k);
    post += (i ? "," : "") + train + "]";
  }
  post += "]";
  const std::string pops = R"(, "pre": {"model": "poisson", "size": 200, "params": {"rate": 20.0}},
      "post": {"model": "spike_generator", "params": {"spike_times": )" + post + "}}";
  const std::string rest = R"(, "projections": [{"name": "ie", "source": "pre", "target": "post", "receptor": "in",
      "connectivity": {"rule": "one_to_one"}, "weight": 1.0, "delay": 0.1,
      "plasticity": {"rule": "global_istdp", "eta": 0.001, "tau": 20.0, "w_min": null, "w_max": null, "start": 500.0,
                     "factor": {"signal": "H", "offset": )" + std::to_string(-gamma) + "}}}]";
  Network net;
  run_text(drive_network(10.0, 2500.0, pops, rest), &net, nullptr, threads);
  return net.projs[0].csr.weight;
}

double mean_change(const std::vector<float>& w) {
  double s = 0;
  for (float x : w) s += x - 1.0;
  return s / w.size();
}

}  // namespace

TEST_CASE("global_istdp: G < 0 depresses, G > 0 potentiates, G held at 0 changes nothing beyond noise") {
  const std::vector<float> up = global_rule_weights(5.0), zero = global_rule_weights(10.0), down = global_rule_weights(15.0);
  // Expected mean change for a constant G over T = 2 s: eta G T (r_pre (1 + r_post tau) + r_post r_pre tau)
  // = eta G T (20 * 1.2 + 10 * 0.4) = eta G T 28 (mean all-to-all traces: rate * tau).
  const double expected = 0.001 * 5.0 * 2.0 * 28.0;
  const double d_up = mean_change(up), d_zero = mean_change(zero), d_down = mean_change(down);
  INFO("mean dw: G=+5 " << d_up << ", G~0 " << d_zero << ", G=-5 " << d_down << "; expected +-" << expected);
  // 10%: the Poisson count noise of the mean over 200 synapses is ~1% and H's time average
  // fluctuates by ~0.07 Hz (1.4% of 5 Hz): 10% is beyond 5 sd.
  CHECK(d_up == doctest::Approx(expected).epsilon(0.10));
  CHECK(d_down == doctest::Approx(-expected).epsilon(0.10));
  for (size_t i = 0; i < up.size(); ++i) {
    CHECK(up[i] > 1.0f);
    CHECK(down[i] < 1.0f);
  }
  // G ~ 0: the time average of H - rate has sd ~0.07 Hz, so |dw| stays below 5% of the G = 5 Hz change (3.5 sd).
  CHECK(std::fabs(d_zero) < 0.05 * d_up);
  // The same spikes in all three runs (the weights do not act back on them), so dw is linear in gamma.
  for (size_t i = 0; i < up.size(); ++i) CHECK(std::fabs(up[i] + down[i] - 2 * zero[i]) < 1e-4);  // float32 rounding of ~100 updates
  // Global signals are computed the same way for any thread count.
  CHECK(global_rule_weights(5.0, 2) == up);
}

TEST_CASE("vogels_istdp: one pre/post pattern gives the analytic sum of the window, nothing before start") {
  // pre arrivals (ms, at the synapse) and post spikes; eta 0.01, tau 20 ms, rho0 3 Hz -> alpha = 0.12.
  const std::vector<double> pre = {20.0, 45.0, 47.5, 130.0}, post = {30.0, 46.0, 131.0, 200.0};
  const double eta = 0.01, tau = 20.0, alpha = 2 * 3.0 * tau * 1e-3;
  double dw = 0;  // on_pre: eta (x_post - alpha); on_post: eta x_pre; traces from strictly earlier spikes
  for (double t : pre) {
    double x = 0;
    for (double s : post) if (s < t) x += std::exp(-(t - s) / tau);
    dw += eta * (x - alpha);
  }
  for (double t : post) {
    double x = 0;
    for (double s : pre) if (s <= t) x += std::exp(-(t - s) / tau);
    dw += eta * x;
  }
  auto net_text = [&](double start) {
    auto list = [](const std::vector<double>& v, double shift) {
      std::string s = "[[";
      for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i] - shift);
      return s + "]]";
    };
    return R"({"run": {"tstop": 250, "dt": 0.1}, "populations": {
      "pre": {"model": "spike_generator", "params": {"spike_times": )" + list(pre, 0.1) + R"(}},
      "post": {"model": "spike_generator", "params": {"spike_times": )" + list(post, 0.0) + R"(}}},
      "projections": [{"source": "pre", "target": "post", "receptor": "in", "connectivity": {"rule": "one_to_one"},
        "weight": 1.0, "delay": 0.1, "plasticity": {"rule": "vogels_istdp", "eta": 0.01, "tau": 20.0, "rho0": 3.0,
        "w_min": null, "w_max": null, "start": )" + std::to_string(start) + "}}]}";
  };
  Network net;
  run_text(net_text(0.0), &net);
  CHECK(net.projs[0].csr.weight[0] - 1.0 == doctest::Approx(dw).epsilon(1e-5));
  // Learning from 100 ms: only events after it count, with traces that followed every spike.
  double dw_late = 0;
  for (double t : pre) {
    if (t < 100.0) continue;
    double x = 0;
    for (double s : post) if (s < t) x += std::exp(-(t - s) / tau);
    dw_late += eta * (x - alpha);
  }
  for (double t : post) {
    if (t < 100.0) continue;
    double x = 0;
    for (double s : pre) if (s <= t) x += std::exp(-(t - s) / tau);
    dw_late += eta * x;
  }
  run_text(net_text(100.0), &net);
  CHECK(net.projs[0].csr.weight[0] - 1.0 == doctest::Approx(dw_late).epsilon(1e-5));
  run_text(net_text(300.0), &net);
  CHECK(net.projs[0].csr.weight[0] == 1.0f);
}

TEST_CASE("istdp_global_factor: signs (-, -, ~0, +, +), every seed within 3 sd, means within 2 SE of docs/plasticity.md") {
  const std::string path = find_protocol("istdp_global_factor");
  const GlobalFactorProtocol p = load_global_factor(read_protocol_json(path), path);
  REQUIRE(p.seeds == 20);
  const GlobalFactorResult r = run_global_factor(p, temp_dir("igf").string());
  CHECK(r.signs_ok);
  for (int s = 0; s < p.seeds; ++s) CHECK(r.seed_fail[s] == 0);
  for (size_t k = 0; k < p.rates.size(); ++k) {
    INFO("epoch " << k << ": mean " << r.mean_dw[k] << ", expected " << p.expected_dw[k] << ", 2 SE " << 2 * r.se_dw[k]);
    CHECK(r.mean_ok[k]);
    // The table agrees with E[G] and the rule's eta and tau (to its 3 decimals).
    CHECK(std::fabs(r.analytic_dw[k] - p.expected_dw[k]) < 1e-3);
  }
  // Epoch 0: H = 0 exactly, so dw = eta * -5 Hz * (1 + e^-1/20) = -9.756 nS in every seed.
  for (int s = 0; s < p.seeds; ++s) CHECK(r.dw[s][0] == doctest::Approx(-9.756).epsilon(1e-3));
  CHECK(r.pass);
}

TEST_CASE("vogels2011 example: with inhibitory STDP from 1 s the excitatory rate falls") {
  // The 300 s acceptance run is bench/vogels2011.py; here 3 s: before learning the network
  // with I->E weights 0 fires far above rho0, and learning pulls it down within a second.
  NetworkSpec spec = parse_network_file(source_dir() + "/examples/vogels2011.json", Overrides{});
  spec.run.tstop = 3000.0;
  spec.output.dir = temp_dir("vogels").string();
  Network net = build_network(std::move(spec));
  RunOptions opt;
  opt.threads = 1;
  simulate(net, opt);
  H5Id f = open_file(fs::path(net.spec.output.dir) / "rates.h5");
  const std::vector<double> exc = read_f64(f, "/rates/exc/data");
  REQUIRE(exc.size() == 30);
  const double first = std::accumulate(exc.begin(), exc.begin() + 10, 0.0) / 10;
  const double third = std::accumulate(exc.begin() + 20, exc.end(), 0.0) / 10;
  INFO("exc rate: first second " << first << " Hz, third second " << third << " Hz");
  CHECK(first > 50.0);  // far above rho0 = 3 Hz without inhibition onto E
  CHECK(third < 0.5 * first);
}
