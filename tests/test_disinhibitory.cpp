// The disinhibitory rule (Rossbroich & Zenke 2023; docs/plasticity.md section 5): its sign set by
// the paired interneuron's rate, and the partner traces the engine passes to hooks.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "helpers.hpp"
#include "plasticity/disinhibitory.hpp"
#include "protocols/disinhibition_sign.hpp"
#include "protocols/disinhibitory_learning.hpp"
#include "protocols/protocol.hpp"

using namespace spikesim;
using namespace spikesim::test;

namespace {

Disinhibitory::Params lin(double eta, double a, double b) {
  Disinhibitory::Params p{};
  p.eta = eta;
  p.tau = p.tau_I = 100.0;
  p.a = a;
  p.b = b;
  return p;
}

// The test's own softplus, gain log(1 + exp(beta (u - u0))) / beta, and its derivative.
double softplus(double u, double gain, double beta, double u0) { return gain * std::log1p(std::exp(beta * (u - u0))) / beta; }
double softplus_slope(double u, double gain, double beta, double u0) { return gain / (1.0 + std::exp(-beta * (u - u0))); }

}  // namespace

TEST_CASE("disinhibitory lin_thresh: with nu_I fixed dw has the sign of nu_E - theta, it flips exactly at nu_I = (nu_E - a)/b") {
  const auto p = lin(1e-3, 2.0, 0.5);
  const double nu_E = 10.0, flip = (nu_E - 2.0) / 0.5;  // 16 Hz
  for (double nu_I = 0.0; nu_I <= 40.0; nu_I += 0.25) {
    CAPTURE(nu_I);
    const double dw = Disinhibitory::dw(p, nu_E, nu_I);
    CHECK(dw == doctest::Approx(1e-3 * (nu_E - 2.0 - 0.5 * nu_I)).epsilon(1e-12));
    if (nu_I < flip) CHECK(dw > 0);
    if (nu_I > flip) CHECK(dw < 0);
  }
  CHECK(Disinhibitory::dw(p, nu_E, flip) == 0.0);
  // nu_E above / below theta at a fixed nu_I.
  CHECK(Disinhibitory::dw(p, 20.0, 30.0) > 0);  // theta = 17
  CHECK(Disinhibitory::dw(p, 15.0, 30.0) < 0);
}

TEST_CASE("disinhibitory exact_inv: theta = phi_I^-1(nu_I) for softplus and threshold-linear, slope gain phi_E'") {
  Disinhibitory::Params p = lin(2e-3, 0.0, 0.0);
  p.exact = true;
  p.phi_I = Transfer{true, 3.0, 1.5, 0.4};  // softplus, gain 3 Hz, u0 1.5, beta 0.4
  for (double nu_I : {0.01, 0.5, 2.0, 8.0, 30.0, 120.0}) {
    CAPTURE(nu_I);
    const double th = Disinhibitory::theta(p, nu_I);
    CHECK(softplus(th, 3.0, 0.4, 1.5) == doctest::Approx(nu_I).epsilon(1e-9));
    // The sign flips where nu_E = theta.
    CHECK(Disinhibitory::dw(p, th + 0.1, nu_I) > 0);
    CHECK(Disinhibitory::dw(p, th - 0.1, nu_I) < 0);
  }
  p.phi_I = Transfer{false, 2.0, 1.0, 1.0};  // threshold-linear: theta = 1 + nu_I / 2
  CHECK(Disinhibitory::theta(p, 6.0) == doctest::Approx(4.0).epsilon(1e-15));
  // g = phi_E'(u) at phi_E(u) = nu_E
  p.use_slope = true;
  p.phi_E = Transfer{true, 5.0, -1.0, 0.8};
  for (double nu_E : {0.2, 3.0, 12.0}) {
    const double u = p.phi_E.inverse(nu_E);
    CHECK(softplus(u, 5.0, 0.8, -1.0) == doctest::Approx(nu_E).epsilon(1e-9));
    const double g = softplus_slope(u, 5.0, 0.8, -1.0);
    CHECK(Disinhibitory::dw(p, nu_E, 6.0) == doctest::Approx(2e-3 * g * (nu_E - 4.0)).epsilon(1e-9));
  }
}

TEST_CASE("disinhibitory in the engine: nu_E and nu_I are the postsynaptic and partner spike traces at the arrival") {
  // pre -> post is plastic; "inter" -> post (one to one) names the partner (plastic with zero
  // amplitudes only because a spike_generator accepts no static input). Post spikes at
  // 100..400 ms and inter spikes at 150, 250, 450 ms; the presynaptic spike arrives at 500 ms
  // (emitted 499, delay 1). tau = 100 ms, tau_partner = 50 ms.
  auto run = [](const std::string& inter_times, const std::string& inhibition = "") {
    Network net;
    run_text(R"({"run": {"tstop": 600, "dt": 0.1},
      "populations": {"pre": {"model": "spike_generator", "params": {"spike_times": [[499.0]]}},
                      "post": {"model": "spike_generator", "params": {"spike_times": [[100.0, 200.0, 300.0, 400.0]]}},
                      "inter": {"model": "spike_generator", "params": {"spike_times": [)" + inter_times + R"(]}}},
      "projections": [
        {"name": "inter_post", "source": "inter", "target": "post", "receptor": "in", "connectivity": {"rule": "one_to_one"}, "weight": 2.0, "delay": 0.1,
         "plasticity": {"rule": "stdp", "A_plus": 0.0, "A_minus": 0.0, "w_min": 0, "w_max": 10}},
        {"source": "pre", "target": "post", "connectivity": {"rule": "one_to_one"}, "weight": 0.0, "delay": 1.0,
         "plasticity": {"rule": "disinhibitory", "eta": 0.1, "tau": 100.0, "tau_partner": 50.0, "partner": "inter_post",
                        "a": 1.0, "b": 1.0, "w_min": -100, "w_max": 100)" + inhibition + R"(}}]})",
             &net);
    return static_cast<double>(net.projs[1].csr.weight[0]);
  };
  double xE = 0, xI = 0;
  for (double t : {100.0, 200.0, 300.0, 400.0}) xE += std::exp(-(500.0 - t) / 100.0);
  for (double t : {150.0, 250.0, 450.0}) xI += std::exp(-(500.0 - t) / 50.0);
  const double nu_E = 1000.0 * xE / 100.0, nu_I = 1000.0 * xI / 50.0;
  const double expected = 0.1 * (nu_E - 1.0 - nu_I);
  CAPTURE(nu_E);
  CAPTURE(nu_I);
  CHECK(run("[150.0, 250.0, 450.0]") == doctest::Approx(expected).epsilon(1e-6));
  CHECK(expected < 0);  // this much inhibition: LTD
  // Without partner spikes theta = a: LTP of eta (nu_E - a).
  CHECK(run("[]") == doctest::Approx(0.1 * (nu_E - 1.0)).epsilon(1e-6));
  // "partner_input": nu_I scaled by |w| / w_ref of the partner's synapse (2 / 4).
  CHECK(run("[150.0, 250.0, 450.0]", R"(, "inhibition": "partner_input", "w_ref": 4.0)") ==
        doctest::Approx(0.1 * (nu_E - 1.0 - 0.5 * nu_I)).epsilon(1e-6));
}

TEST_CASE("disinhibitory inhibitory_input: nu_I is every \"in\" projection's spikes, each weighted |w| / w_ref, low-passed") {
  // Two inhibitory sources onto "post" (weights 2 and 6, w_ref 4: each spike adds 0.5 or 1.5)
  // and one excitatory source (ignored); the presynaptic spike arrives at 500 ms.
  Network net;
  run_text(R"({"run": {"tstop": 600, "dt": 0.1},
    "populations": {"pre": {"model": "spike_generator", "params": {"spike_times": [[499.0]]}},
                    "post": {"model": "spike_generator", "params": {"spike_times": [[300.0, 400.0]]}},
                    "i1": {"model": "spike_generator", "params": {"spike_times": [[150.0, 450.0]]}},
                    "i2": {"model": "spike_generator", "params": {"spike_times": [[420.0]]}},
                    "ex": {"model": "spike_generator", "params": {"spike_times": [[480.0]]}}},
    "projections": [
      {"source": "i1", "target": "post", "receptor": "in", "connectivity": {"rule": "one_to_one"}, "weight": 2.0, "delay": 0.1,
       "plasticity": {"rule": "stdp", "A_plus": 0.0, "A_minus": 0.0, "w_min": 0, "w_max": 10}},
      {"source": "i2", "target": "post", "receptor": "in", "connectivity": {"rule": "one_to_one"}, "weight": 6.0, "delay": 0.1,
       "plasticity": {"rule": "stdp", "A_plus": 0.0, "A_minus": 0.0, "w_min": 0, "w_max": 10}},
      {"source": "ex", "target": "post", "connectivity": {"rule": "one_to_one"}, "weight": 5.0, "delay": 0.1,
       "plasticity": {"rule": "stdp", "A_plus": 0.0, "A_minus": 0.0, "w_min": 0, "w_max": 10}},
      {"source": "pre", "target": "post", "connectivity": {"rule": "one_to_one"}, "weight": 0.0, "delay": 1.0,
       "plasticity": {"rule": "disinhibitory", "eta": 0.1, "tau": 100.0, "tau_partner": 50.0, "inhibition": "inhibitory_input",
                      "w_ref": 4.0, "a": 1.0, "b": 1.0, "w_min": -100, "w_max": 100}}]})",
           &net);
  const double xE = std::exp(-200.0 / 100.0) + std::exp(-100.0 / 100.0);
  const double xI = 0.5 * (std::exp(-350.0 / 50.0) + std::exp(-50.0 / 50.0)) + 1.5 * std::exp(-80.0 / 50.0);
  const double nu_E = 1000.0 * xE / 100.0, nu_I = 1000.0 * xI / 50.0;
  CAPTURE(nu_E);
  CAPTURE(nu_I);
  CHECK(net.projs[3].csr.weight[0] == doctest::Approx(0.1 * (nu_E - 1.0 - nu_I)).epsilon(1e-6));
}

TEST_CASE("disinhibition_sign protocol: dw falls with the top-down drive, changes sign at 0, blocking / enhancing inhibition") {
  // The acceptance run itself (about 10 s): 9 drives x 5 seeds after a 25-run calibration.
  const std::string path = find_protocol("disinhibition_sign");
  const DisinhibitionProtocol p = load_disinhibition(read_protocol_json(path), path);
  const DisinhibitionResult r = run_disinhibition(p, temp_dir("disinhibition").string());
  REQUIRE(r.sweep.size() == 9);
  CHECK(r.b > 0);  // along the no-feedback relation nu_E and nu_I rise together
  double max_abs = 0;
  for (const auto& pt : r.sweep) max_abs = std::max(max_abs, std::fabs(pt.mean));
  for (size_t k = 0; k < r.sweep.size(); ++k) {
    const auto& pt = r.sweep[k];
    CAPTURE(pt.drive);
    CHECK(pt.dw.size() == 5);
    if (k > 0) CHECK(pt.mean < r.sweep[k - 1].mean);
    if (pt.drive < 0) CHECK(pt.mean > 3 * pt.se);  // LTP beyond 3 SE under disinhibition
    if (pt.drive > 0) CHECK(pt.mean < -3 * pt.se);  // LTD beyond 3 SE under added inhibition
    if (pt.drive == 0) CHECK(std::fabs(pt.mean) <= 0.1 * max_abs);
  }
  CHECK(r.blocked.mean > r.baseline.mean + 3 * (r.blocked.se + r.baseline.se));
  CHECK(r.enhanced.mean < r.baseline.mean - 3 * (r.enhanced.se + r.baseline.se));
  CHECK(r.pass);
}

TEST_CASE("disinhibitory_learning protocol: with the error fed back the held-out loss falls to <= 20%, disconnected it stays >= 80%") {
  // The acceptance run itself (about 70 s): the issue's two criteria, on seed 1.
  const std::string path = find_protocol("disinhibitory_learning");
  const LearningProtocol p = load_learning(read_protocol_json(path), path);
  const LearningResult r = run_learning(p, temp_dir("disinhibitory_learning").string());
  REQUIRE(r.runs.size() == 2);
  const LearningRun& fb = r.runs[0];
  const LearningRun& ctl = r.runs[1];
  REQUIRE(fb.loss.size() == p.epochs + 1);
  REQUIRE(ctl.loss.size() == p.epochs + 1);
  CHECK(fb.feedback);
  CHECK_FALSE(ctl.feedback);
  CHECK(fb.loss.back() <= 0.2 * fb.loss.front());
  CHECK(ctl.loss.back() >= 0.8 * ctl.loss.front());
  // Along each circuit's zero-error relation nu_E rises with nu_I (the E -> I synapse).
  CHECK(fb.b > 0);
  CHECK(ctl.b > 0);
  // The control's rule was on: its weights moved, just not toward the teacher.
  REQUIRE(ctl.weights.size() == r.initial.size());
  double moved = 0;
  for (size_t s = 0; s < ctl.weights.size(); ++s) moved = std::max(moved, double(std::fabs(ctl.weights[s] - r.initial[s])));
  CHECK(moved > 50.0);  // pA, against weights drawn from [0, 1200]
  CHECK(r.pass);
}
