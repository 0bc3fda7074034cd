#pragma once
// The Taylor-series rule family of Mehta et al. (NeurIPS 2024, "Model-based inference of
// synaptic plasticity rules"), docs/plasticity.md section 7:
//   dw = eta * sum over a, b, c in {0, 1, 2} of theta_abc x^a y^b w^c
// 27 coefficients named x<a>y<b>w<c> ("x1y1w0"), unnamed ones 0. x is the presynaptic rate
// and y the postsynaptic rate, both in Hz, or y = r - E[r], the trial's reward less the mean
// of the last baseline_trials trials' rewards. w is in the projection's weight unit; eta and
// theta_abc carry whatever units make dw one (Oja's rule: x1y1w0 = 1, x0y2w1 = -1).
// It is a trial rule (plasticity/rule.hpp): applied to every synapse at the end of each
// trial from the trial's spike counts ("every": "trial"), or every PERIOD ms from the
// neurons' traces of time constant tau ("every": PERIOD), rate = trace / tau. With
// "actions": [NAME, ...] only trials whose choice is one of them change weights and count
// for E[r] (the paper's fly learns, and averages rewards, on the trials it accepts).
#include <cstdint>
#include <string>

#include "plasticity/rule.hpp"

namespace spikesim {

struct Taylor {
  static constexpr int kTerms = 27;  // theta index 9a + 3b + c
  struct Params {
    double eta = 0.0;
    double theta[kTerms] = {};
    bool reward = false;  // y = r - E[r] instead of the postsynaptic rate
  };
  static constexpr int kSynState = 0;
  static constexpr bool kTrial = true;

  // "x1y0w2" -> 9 + 0 + 2; -1 when the name is not of that form.
  static int term_index(const std::string& name) {
    if (name.size() != 6 || name[0] != 'x' || name[2] != 'y' || name[4] != 'w') return -1;
    int idx = 0;
    for (int k : {1, 3, 5}) {
      if (name[k] < '0' || name[k] > '2') return -1;
      idx = idx * 3 + (name[k] - '0');
    }
    return idx;
  }
  static std::string term_name(int idx) {
    return std::string("x") + char('0' + idx / 9) + "y" + char('0' + idx / 3 % 3) + "w" + char('0' + idx % 3);
  }

  SPIKESIM_HD static double dw(const Params& p, double x, double y, double w) {
    const double xa[3] = {1.0, x, x * x}, yb[3] = {1.0, y, y * y}, wc[3] = {1.0, w, w * w};
    double sum = 0.0;
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b < 3; ++b)
        for (int c = 0; c < 3; ++c) sum += p.theta[9 * a + 3 * b + c] * xa[a] * yb[b] * wc[c];
    return p.eta * sum;
  }
  SPIKESIM_HD static float on_pre(const Params&, float w, float*, const double*, const double*, const HookCtx&) { return w; }
  SPIKESIM_HD static float on_post(const Params&, float w, float*, const double*, const double*, const HookCtx&) { return w; }
  SPIKESIM_HD static float on_trial(const Params& p, float w, double n_pre, double n_post, const TrialCtx& t) {
    const double x = n_pre * t.rate_scale, y = p.reward ? t.reward - t.reward_mean : n_post * t.rate_scale;
    return static_cast<float>(w + dw(p, x, y, w));
  }
  static Params parse(RuleReader& r) {
    Params p;
    p.eta = r.number_or("eta", 1.0);
    const std::string coeff_expected = "an object of coefficients named x<a>y<b>w<c> (a, b, c in 0..2), e.g. {\"x1y1w0\": 1}";
    const json& c = r.o.need("coefficients", coeff_expected);
    if (!c.is_object()) fail(r.o.at("coefficients"), c, coeff_expected);
    for (auto it = c.begin(); it != c.end(); ++it) {
      const std::string at = r.o.at("coefficients") + "/" + escape_pointer_token(it.key());
      const int k = term_index(it.key());
      if (k < 0) fail_msg(at, "found the coefficient name \"" + it.key() + "\", expected x<a>y<b>w<c> with a, b, c in 0..2");
      p.theta[k] = as_number(it.value(), at, "a number");
    }

    const json* y = r.o.get("y");
    const std::string y_expected = "\"post\", or {\"reward\": SIGNAL, \"baseline_trials\": N}";
    if (y && y->is_object()) {
      JObj yo(*y, r.o.at("y"));
      const std::string name = yo.string("reward", "the name of a global signal the task sends rewards into");
      for (size_t i = 0; i < r.signals.size(); ++i)
        if (r.signals[i].name == name) r.trial.reward_signal = static_cast<int>(i);
      if (r.trial.reward_signal < 0) fail(yo.at("reward"), (*y)["reward"], "the name of a global signal (\"globals\")");
      const int64_t n = yo.integer_or("baseline_trials", 10, "a number of trials >= 0");
      if (n < 0) fail(yo.at("baseline_trials"), (*y)["baseline_trials"], "a number of trials >= 0");
      r.trial.baseline_trials = static_cast<uint32_t>(n);
      yo.finish("reward, baseline_trials");
      p.reward = true;
    } else if (y && !(y->is_string() && y->get<std::string>() == "post")) {
      fail(r.o.at("y"), *y, y_expected);
    }

    const json* every = r.o.get("every");
    const std::string every_expected = "\"trial\", or a period in ms > 0";
    if (every && every->is_number()) {
      r.trial.period_ms = every->get<double>();
      if (!(r.trial.period_ms > 0)) fail(r.o.at("every"), *every, every_expected);
      if (p.reward) fail(r.o.at("y"), *y, "\"post\" with a period (a reward term needs \"every\": \"trial\": rewards come at trials' ends)");
      if (r.pre.nearest) r.o.reject("traces", "\"all_to_all\" (a periodic taylor rule estimates rates from them)");
      r.pre.count = r.post.count = 1;
      r.pre.tau[0] = r.post.tau[0] = r.positive("tau", 100.0);
    } else if (every && !(every->is_string() && every->get<std::string>() == "trial")) {
      fail(r.o.at("every"), *every, every_expected);
    } else if (r.o.has("tau")) {
      r.o.reject("tau", "no \"tau\" with \"every\": \"trial\" (it is the rate traces' time constant of a periodic rule)");
    }
    if (const json* a = r.o.get("actions")) {
      const std::string expected = "a list of the task's action names (the rule learns on trials with one of these choices)";
      if (!a->is_array() || a->empty()) fail(r.o.at("actions"), *a, expected);
      if (r.trial.period_ms > 0) fail(r.o.at("actions"), *a, "no \"actions\" with a period (they choose trials: \"every\": \"trial\")");
      for (size_t i = 0; i < a->size(); ++i) {
        if (!(*a)[i].is_string()) fail(r.o.at("actions") + "/" + std::to_string(i), (*a)[i], "an action name of the task");
        r.trial.action_names.push_back((*a)[i].get<std::string>());
      }
    }
    r.trial.ptr = r.o.ptr();
    return p;
  }
};

}  // namespace spikesim
