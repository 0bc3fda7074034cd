// Neuromodulator signals and dopamine-modulated STDP (da_stdp): exact weight integrals.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "helpers.hpp"
#include "protocols/distal_reward.hpp"
#include "protocols/protocol.hpp"
#include "protocols/task_protocol.hpp"

using namespace spikesim;
using namespace spikesim::test;

namespace {

// One synapse: presynaptic arrival at 100 ms, postsynaptic spike at 110 ms (c = A_plus e^-10/20),
// then an optional reward of 0.5 into DA at 1000 ms; run to 3000 ms.
float da_weight(double tau_c, bool reward, double baseline = 0.0, double offset = 0.0) {
  const std::string rewards = reward ? R"(, "rewards": {"times": [1000.0], "amounts": [0.5]})" : "";
  Network net;
  run_text(R"({"run": {"tstop": 3000, "dt": 0.1},
    "populations": {"pre": {"model": "spike_generator", "params": {"spike_times": [[99.9]]}},
                    "post": {"model": "spike_generator", "params": {"spike_times": [[110.0]]}}},
    "globals": {"DA": {"type": "neuromodulator", "tau": 200.0, "baseline": )" + std::to_string(baseline) + rewards + R"(}},
    "projections": [{"source": "pre", "target": "post", "connectivity": {"rule": "one_to_one"}, "weight": 0.0, "delay": 0.1,
      "plasticity": {"rule": "da_stdp", "A_plus": 1.0, "A_minus": 1.5, "tau_c": )" + std::to_string(tau_c) + R"(,
                     "modulator": {"signal": "DA", "offset": )" + std::to_string(offset) + R"(}, "w_min": 0.0, "w_max": 10.0}}]})",
           &net);
  return net.projs[0].csr.weight[0];
}

}  // namespace

TEST_CASE("da_stdp: a pairing and a delayed dopamine pulse give the closed-form integral, no dopamine, no change") {
  // c = e^(-10/20) after the post spike at 110 ms, decaying with tau_c; d = 0.5 e^(-(t-1000)/200)
  // from 1000 ms. dw = 1e-3/ms * integral_1000^3000 c(t) d(t) dt
  //    = 1e-3 * 0.5 * c1 * e^(-(1000-110)/tau_c) * tau_e * (1 - e^(-2000/tau_e)), 1/tau_e = 1/tau_c + 1/200.
  // tau_c = 1000 ms (one 10 s epoch) and 150 ms (1.5 s epochs: the integral crosses one).
  for (double tau_c : {1000.0, 150.0}) {
    const double c1 = std::exp(-10.0 / 20.0), tau_e = 1.0 / (1.0 / tau_c + 1.0 / 200.0);
    const double expected = 1e-3 * 0.5 * c1 * std::exp(-890.0 / tau_c) * tau_e * (1.0 - std::exp(-2000.0 / tau_e));
    INFO("tau_c = " << tau_c << ", expected " << expected);
    CHECK(da_weight(tau_c, true) == doctest::Approx(expected).epsilon(1e-6));
    CHECK(da_weight(tau_c, false) == 0.0f);
    // A baseline of 0.1 in d with offset -0.1 in the rule: d - baseline is the same pulse.
    CHECK(da_weight(tau_c, true, 0.1, -0.1) == doctest::Approx(expected).epsilon(1e-6));
  }
  // A tonic level: offset +0.02 adds 1e-3 * 0.02 * c1 * tau_c * (1 - e^(-(3000-110)/tau_c)).
  const double c1 = std::exp(-0.5), tau_c = 1000.0;
  const double tonic = 1e-3 * 0.02 * c1 * tau_c * (1.0 - std::exp(-2890.0 / tau_c));
  CHECK(da_weight(tau_c, false, 0.0, 0.02) == doctest::Approx(tonic).epsilon(1e-6));
}

TEST_CASE("pair rewards: each post spike within the window after a pre spike delivers a reward after the delay") {
  // pre at 100 and 500 ms; post at 110 (10 ms after: reward), 300 (200 ms: none), 500 (same
  // step as pre: none), 515 (15 ms: reward). Delay 1000 ms: jumps of 0.5 at 1110 and 1515 ms.
  fs::path dir;
  const RunResult r = run_text(R"({"run": {"tstop": 2000, "dt": 0.1},
    "populations": {"n1": {"model": "spike_generator", "params": {"spike_times": [[100.0, 500.0]]}},
                    "n2": {"model": "spike_generator", "params": {"spike_times": [[110.0, 300.0, 500.0, 515.0]]}}},
    "globals": {"DA": {"type": "neuromodulator", "tau": 200.0, "rewards": {"on_pair":
      {"pre": {"population": "n1", "neuron": 0}, "post": {"population": "n2", "neuron": 0}, "window": 20.0, "delay": 1000.0, "amount": 0.5}}}},
    "monitors": [{"type": "signals", "dt": 0.1}]})", nullptr, &dir);
  CHECK(r.pair_rewards == 2);
  H5Id f = open_file(dir / "signals.h5");
  const std::vector<double> d = read_f64(f, "/signals/DA/data");  // row k at t = 0.1 k ms
  CHECK(d[11099] == 0.0);
  CHECK(d[11100] == doctest::Approx(0.5).epsilon(1e-12));
  const double before = 0.5 * std::exp(-(1514.9 - 1110.0) / 200.0);
  CHECK(d[15149] == doctest::Approx(before).epsilon(1e-9));
  CHECK(d[15150] == doctest::Approx(before * std::exp(-0.1 / 200.0) + 0.5).epsilon(1e-9));
}

TEST_CASE("distal_reward (600 s): the rewarded synapse grows from 0 past the others, without reward it stays near 0") {
  // The 3600 s acceptance run is `spikesim protocol distal_reward` (about 2.5 minutes).
  const std::string path = find_protocol("distal_reward");
  json raw = read_protocol_json(path, {"network.run.tstop=600000"});
  const DistalRewardProtocol p = load_distal_reward(raw, path);
  const DistalRewardResult r = run_distal_reward(p, temp_dir("distal").string());
  REQUIRE(r.runs.size() == 2);
  const DistalRewardRun& rw = r.runs[0];
  const DistalRewardRun& ctl = r.runs[1];
  INFO("rewarded: w " << rw.final_chosen << ", others' mean " << rw.final_mean << ", " << rw.rewards << " rewards; control: w "
                      << ctl.final_chosen << ", others' mean " << ctl.final_mean);
  CHECK(rw.rewards > 10);
  CHECK(rw.final_chosen > 1.5 * rw.final_mean);
  CHECK(ctl.rewards == 0);
  CHECK(ctl.final_chosen < 0.1);  // no reward: the synapse that started at 0 stays near 0
}

TEST_CASE("category_learning protocol: learns to 80% from chance, tested from its saved state, with plasticity off it stays at chance") {
  // The acceptance run itself (5 seeds x 200 trials, with and without plasticity; about 10 s).
  // Chance is 1/2 (two actions); a pooled accuracy over n trials is "at chance" within 2
  // binomial standard errors, 2 sqrt(0.25 / n): +-0.1 for the first 20 trials of 5 seeds,
  // +-0.063 for the control's last 50 trials of 5 seeds.
  const std::string path = find_protocol("category_learning");
  const TaskProtocol p = load_task_protocol(read_protocol_json(path), path);
  const fs::path dir = temp_dir("category");
  const TaskProtocolResult r = run_task_protocol(p, dir.string());
  REQUIRE(r.runs.size() == 10);
  INFO("last 50 mean " << r.last_mean << ", first 20 pooled " << r.first.accuracy << ", control last 50 pooled "
                       << r.control_last.accuracy);
  CHECK(r.chance == 0.5);
  CHECK(r.first.trials == 100);
  CHECK(r.first.high == doctest::Approx(0.6).epsilon(1e-12));
  CHECK(r.control_last.trials == 250);
  CHECK(r.control_last.high == doctest::Approx(0.5 + 2 * std::sqrt(0.25 / 250)).epsilon(1e-12));
  CHECK(r.last_mean >= 0.8);
  CHECK(r.first.at_chance);
  CHECK(r.control_last.at_chance);
  CHECK(r.pass);
  // Switched off means switched off: every control run ends with the initial weights (5 pA).
  for (const char* proj : {"cortex_left", "cortex_right"}) {
    H5Id ef = open_file(dir / "control_seed1" / "edges.h5");
    const auto w = read_all<float>(ef, std::string("/edges/") + proj + "/0/syn_weight", H5T_NATIVE_FLOAT);
    REQUIRE(w.size() == 2000);
    CHECK(std::count(w.begin(), w.end(), 5.0f) == 2000);
  }
  for (const char* f : {"category_learning.csv", "category_learning_curve.csv", "category_learning.svg"})
    CHECK(fs::exists(dir / f));
  // Trained, saved, tested: each test run starts from its seed's saved state (its weights,
  // unchanged with plasticity off, are the trained ones) and chooses as well as it learned.
  CHECK(r.test_mean >= 0.8);
  for (const char* proj : {"cortex_left", "cortex_right"}) {
    H5Id trained = open_file(dir / "seed1" / "edges.h5"), tested = open_file(dir / "seed1_test" / "edges.h5");
    const std::string w = std::string("/edges/") + proj + "/0/syn_weight";
    const auto a = read_all<float>(trained, w, H5T_NATIVE_FLOAT), b = read_all<float>(tested, w, H5T_NATIVE_FLOAT);
    CHECK(a == b);
    CHECK(std::count(a.begin(), a.end(), 5.0f) < 2000);
  }
}

namespace {

// A task of 12 trials of 100 ms: stimulus categories A and B on a Poisson population; action
// "left" fires 3 spikes and "right" 1 spike in every trial's decision window [50, 100] ms, so
// "left" is always chosen: correct for A (feedback +1, reward 0.5 into DA), wrong for B
// (feedback -1). A spike_generator "pre" (2 spikes per trial) projects onto "left" with a
// trial rule.
RunResult task_run(const std::string& rule, fs::path* dir = nullptr) {
  std::string pre = "[[", left = "[[", right = "[[";
  for (int k = 0; k < 12; ++k) {
    const double t0 = 100.0 * k;
    pre += (k ? "," : "") + std::to_string(t0 + 10) + "," + std::to_string(t0 + 30);
    left += (k ? "," : "") + std::to_string(t0 + 60) + "," + std::to_string(t0 + 70) + "," + std::to_string(t0 + 80);
    right += (k ? "," : "") + std::to_string(t0 + 65);
  }
  pre += "]]", left += "]]", right += "]]";
  return run_text(R"({"run": {"tstop": 1200, "dt": 0.1},
    "populations": {"stim": {"model": "poisson", "size": 2, "params": {"rate": 0}},
      "pre": {"model": "spike_generator", "params": {"spike_times": )" + pre + R"(}},
      "left": {"model": "spike_generator", "params": {"spike_times": )" + left + R"(}},
      "right": {"model": "spike_generator", "params": {"spike_times": )" + right + R"(}}},
    "globals": {"DA": {"type": "neuromodulator", "tau": 200.0}},
    "projections": [{"source": "pre", "target": "left", "connectivity": {"rule": "one_to_one"}, "weight": 1.0,
                     "plasticity": )" + rule + R"(}],
    "task": {"trials": 12, "trial_length": 100.0,
      "stimulus": {"population": "stim", "categories": {"A": [50, 0], "B": [0, 50]}},
      "decision": {"actions": {"left": "left", "right": "right"}, "window": [50, 100]},
      "correct": {"A": "left", "B": "right"},
      "outcomes": {"correct": {"reward": 0.5, "feedback": 1}, "wrong": {"feedback": -1}}, "signal": "DA"},
    "monitors": [{"type": "signals", "dt": 0.1}]})", nullptr, dir);
}

}  // namespace

TEST_CASE("task: choices, outcomes and rewards per trial, trial rules follow their closed-form recursion") {
  fs::path dir;
  const RunResult r = task_run(R"({"rule": "hebbian_trial", "K": 0.01, "W_lim": 7.0, "w_min": null, "w_max": null})", &dir);
  REQUIRE(r.trials.size() == 12);
  int a = 0;
  for (const auto& t : r.trials) {
    CHECK(t.action == 0);  // left: 3 spikes against 1
    CHECK(t.counts == std::vector<uint64_t>{3, 1});
    CHECK(t.correct == (t.category == 0));
    CHECK(t.feedback == (t.category == 0 ? 1.0 : -1.0));
    a += t.category == 0;
  }
  CHECK(a > 0);
  CHECK(a < 12);  // both categories drawn
  // A reward of 0.5 into DA at each correct trial's decision (t = 100 k + 100 ms, one step later).
  H5Id f = open_file(dir / "signals.h5");
  const std::vector<double> d = read_f64(f, "/signals/DA/data");
  const auto& t0 = r.trials[0];
  if (t0.correct) CHECK(d[1001] == doctest::Approx(0.5).epsilon(1e-9));
  else CHECK(d[1001] == 0.0);
  // Trial CSV and HDF5
  CHECK(fs::exists(dir / "trials.csv"));
  H5Id tf = open_file(dir / "trials.h5");
  CHECK(read_all<int32_t>(tf, "/trials/correct", H5T_NATIVE_INT32).size() == 12);
  // hebbian_trial: w += K n_pre n_post (W_lim - w) feedback with n_pre = 2, n_post = 3 per trial.
  double w = 1.0;
  for (const auto& t : r.trials) w += 0.01 * 2 * 3 * (7.0 - w) * t.feedback;
  H5Id ef = open_file(dir / "edges.h5");
  CHECK(read_f32(ef, "/edges/pre_to_left/0/syn_weight")[0] == doctest::Approx(w).epsilon(1e-5));
  // hebbian_modulated without a dopamine factor (DA = 0): eps = feedback - kappa.
  fs::path dir2;
  const RunResult r2 = task_run(R"({"rule": "hebbian_modulated", "K": 0.06, "decay": 0.01, "alpha": 2.5, "theta_m": 1.0,
                                    "kappa": 0.2, "w_min": null, "w_max": null})", &dir2);
  double w2 = 1.0;
  for (const auto& t : r2.trials) {
    const double eps = t.feedback - 0.2, z = eps + 1.0, s = 1.0 / (1.0 + std::exp(-2.5 * z));
    const double dw = 0.06 * 2 * 3 * eps * z * s * (1 - s) - 0.01 * w2;
    w2 += std::max(dw, -w2);
  }
  H5Id ef2 = open_file(dir2 / "edges.h5");
  CHECK(read_f32(ef2, "/edges/pre_to_left/0/syn_weight")[0] == doctest::Approx(w2).epsilon(1e-5));
}

TEST_CASE("taylor every trial: dw = eta sum theta x^a y^b w^c from the trial's rates, y the rate or r - E[r]") {
  // In task_run each trial (100 ms) has 2 presynaptic and 3 postsynaptic spikes: x = 20 Hz, y = 30 Hz.
  fs::path dir;
  const RunResult r = task_run(R"({"rule": "taylor", "eta": 1e-4, "w_min": null, "w_max": null,
      "coefficients": {"x1y1w0": 1.0, "x0y0w1": -0.5, "x2y0w0": 0.01, "x0y1w2": 0.002}})", &dir);
  REQUIRE(r.trials.size() == 12);
  double w = 1.0;
  for (size_t k = 0; k < r.trials.size(); ++k) w += 1e-4 * (20.0 * 30.0 - 0.5 * w + 0.01 * 20.0 * 20.0 + 0.002 * 30.0 * w * w);
  H5Id ef = open_file(dir / "edges.h5");
  CHECK(read_f32(ef, "/edges/pre_to_left/0/syn_weight")[0] == doctest::Approx(w).epsilon(1e-5));
  CHECK(w > 1.7);  // twelve trials of about +0.06 each

  // y = r - E[r]: r = 0.5 in correct trials, else 0; E[r] the mean of the 3 trials before (0 at first).
  fs::path dir2;
  const RunResult r2 = task_run(R"({"rule": "taylor", "eta": 0.01, "w_min": null, "w_max": null,
      "y": {"reward": "DA", "baseline_trials": 3}, "coefficients": {"x1y1w0": 1.0, "x0y0w1": -0.1}})", &dir2);
  double w2 = 1.0;
  std::vector<double> rewards;
  int positive = 0, negative = 0;
  for (const auto& t : r2.trials) {
    const double reward = t.correct ? 0.5 : 0.0;
    CHECK(t.reward == reward);
    double mean = 0.0;
    const size_t n = std::min<size_t>(3, rewards.size());
    for (size_t k = rewards.size() - n; k < rewards.size(); ++k) mean += rewards[k] / n;
    const double y = reward - mean;
    positive += y > 0, negative += y < 0;
    w2 += 0.01 * (20.0 * y - 0.1 * w2);
    rewards.push_back(reward);
  }
  CHECK(positive > 0);
  CHECK(negative > 0);  // both signs of r - E[r] occur
  H5Id ef2 = open_file(dir2 / "edges.h5");
  CHECK(read_f32(ef2, "/edges/pre_to_left/0/syn_weight")[0] == doctest::Approx(w2).epsilon(1e-5));
}
