// The "task" block of a network file (core/task.hpp):
//   {"trials": N, "trial_length": ms,
//    "stimulus": {"population": P, "on": ms, "off": ms, "off_rate": Hz, "categories": {NAME: [Hz per neuron], ...}},
//    "decision": {"actions": {NAME: POPULATION, ...}, "window": [from, to]},
//    "correct": {CATEGORY: ACTION, ...},
//    "outcomes": {"correct": {"reward", "delay", "feedback"}, "wrong": {...}, "none": {...}},
//    "signal": NEUROMODULATOR,
//    "reward_probability": {"blocks": [trials per block, ...], CATEGORY: [probability per block], ...}}
#include <cmath>

#include "core/spec.hpp"

namespace spikesim {

int population_index(const json& j, const std::string& ptr, const NetworkSpec& net);

namespace {

TaskOutcome parse_outcome(const json* j, const std::string& ptr) {
  TaskOutcome out;
  if (!j) return out;
  JObj o(*j, ptr);
  out.reward = o.number_or("reward", 0.0, "a reward amount");
  out.delay = o.number_or("delay", 0.0, "a delay in ms >= 0");
  if (!(out.delay >= 0)) fail(o.at("delay"), (*j)["delay"], "a delay in ms >= 0");
  out.feedback = o.number_or("feedback", 0.0, "a feedback value for trial rules");
  o.finish("reward, delay, feedback");
  return out;
}

double within_trial(JObj& o, const std::string& key, double def, double trial_ms) {
  const double v = o.number_or(key, def, "a time within the trial in ms");
  if (!(v >= 0 && v <= trial_ms)) o.reject(key, "a time within the trial, 0 to " + std::to_string(trial_ms) + " ms");
  return v;
}

// {"blocks": [80, 80, 80], "A": [0.2, 0.9, 0.2], "B": [0.8, 0.1, 0.8]}: a correct choice
// of category A in the second block is rewarded with probability 0.9.
void parse_reward_probability(const json& j, const std::string& ptr, TaskSpec& t) {
  JObj o(j, ptr);
  const std::string blocks_expected = "block lengths in trials (integers >= 1) summing to \"trials\" (" + std::to_string(t.trials) + ")";
  const json& b = o.need("blocks", blocks_expected);
  if (!b.is_array() || b.empty()) fail(o.at("blocks"), b, blocks_expected);
  uint64_t sum = 0;
  for (size_t i = 0; i < b.size(); ++i) {
    if (!b[i].is_number_integer() || b[i].get<int64_t>() < 1) fail(o.at("blocks") + "/" + std::to_string(i), b[i], "a block length in trials >= 1");
    t.blocks.push_back(static_cast<uint32_t>(b[i].get<int64_t>()));
    sum += t.blocks.back();
  }
  if (sum != t.trials) fail(o.at("blocks"), b, blocks_expected);
  for (const auto& cat : t.categories) {
    const std::string expected = std::to_string(t.blocks.size()) + " probabilities (0 to 1) that a correct choice of category \"" + cat +
                                 "\" is rewarded, one per block";
    const std::vector<double> p = o.numbers(cat, expected);
    if (p.size() != t.blocks.size()) fail(o.at(cat), j[cat], expected);
    for (size_t i = 0; i < p.size(); ++i)
      if (!(p[i] >= 0 && p[i] <= 1)) fail(o.at(cat) + "/" + std::to_string(i), j[cat][i], "a probability, 0 to 1");
    t.reward_probability.push_back(p);
  }
  o.finish();
}

}  // namespace

void parse_task(const json& j, NetworkSpec& net) {
  TaskSpec& t = net.task;
  JObj o(j, "/task");
  t.ptr = "/task";
  const int64_t trials = o.integer("trials", "a number of trials >= 1");
  if (trials < 1 || trials > 0xFFFFFFFFll) fail(o.at("trials"), j["trials"], "a number of trials from 1 to 2^32 - 1");
  t.trials = static_cast<uint32_t>(trials);
  t.trial_ms = o.number("trial_length", "a trial length in ms, a multiple of dt");
  const double steps = t.trial_ms / net.run.dt;
  if (!(t.trial_ms > 0) || std::fabs(steps - std::round(steps)) > 1e-9 * steps)
    fail(o.at("trial_length"), j["trial_length"], "a trial length in ms > 0, a multiple of dt");

  JObj s(o.need("stimulus", "{\"population\", \"categories\", ...}"), o.at("stimulus"));
  t.stimulus = population_index(s.need("population", "a poisson population"), s.at("population"), net);
  const PopulationSpec& sp = net.populations[t.stimulus];
  if (sp.model != Model::kPoisson) s.reject("population", "a poisson population");
  t.stim_on = within_trial(s, "on", 0.0, t.trial_ms);
  t.stim_off = within_trial(s, "off", t.trial_ms, t.trial_ms);
  if (!(t.stim_off > t.stim_on)) s.reject("off", "a time after \"on\"");
  t.off_rate = s.number_or("off_rate", 0.0, "a rate in Hz >= 0");
  if (t.off_rate < 0 || t.off_rate * net.run.dt * 1e-3 > 1.0) s.reject("off_rate", "a rate in Hz, 0 <= rate <= 1/dt");
  const json& cats = s.need("categories", "an object of categories: name -> one rate (Hz) per stimulus neuron");
  if (!cats.is_object() || cats.empty()) fail(s.at("categories"), cats, "a non-empty object of categories: name -> rates");
  for (auto it = cats.begin(); it != cats.end(); ++it) {
    const std::string pc = s.at("categories") + "/" + escape_pointer_token(it.key());
    if (!it.value().is_array() || it.value().size() != sp.size)
      fail(pc, it.value(), std::to_string(sp.size) + " rates in Hz, one per neuron of \"" + sp.name + "\"");
    std::vector<double> rates;
    for (size_t i = 0; i < it.value().size(); ++i) {
      const double r = as_number(it.value()[i], pc + "/" + std::to_string(i), "a rate in Hz");
      if (r < 0 || r * net.run.dt * 1e-3 > 1.0) fail(pc + "/" + std::to_string(i), it.value()[i], "a rate in Hz, 0 <= rate <= 1/dt");
      rates.push_back(r);
    }
    t.categories.push_back(it.key());
    t.patterns.push_back(std::move(rates));
  }
  s.finish("population, on, off, off_rate, categories");

  JObj d(o.need("decision", "{\"actions\", \"window\"}"), o.at("decision"));
  const json& acts = d.need("actions", "an object: action name -> population");
  if (!acts.is_object() || acts.size() < 2) fail(d.at("actions"), acts, "at least two actions: name -> population");
  for (auto it = acts.begin(); it != acts.end(); ++it) {
    t.actions.push_back(it.key());
    t.action_pops.push_back(population_index(it.value(), d.at("actions") + "/" + escape_pointer_token(it.key()), net));
  }
  const std::vector<double> w = d.numbers("window", "[from, to] in ms within the trial");
  if (w.size() != 2 || !(w[0] >= 0 && w[0] < w[1] && w[1] <= t.trial_ms))
    d.reject("window", "[from, to] with 0 <= from < to <= trial_length (ms)");
  t.decide_from = w[0];
  t.decide_to = w[1];
  d.finish("actions, window");

  JObj c(o.need("correct", "an object: category -> action"), o.at("correct"));
  for (const auto& cat : t.categories) {
    const std::string expected = "an action name for category \"" + cat + "\"";
    const std::string a = c.string(cat, expected);
    int k = -1;
    for (size_t i = 0; i < t.actions.size(); ++i)
      if (t.actions[i] == a) k = static_cast<int>(i);
    if (k < 0) c.reject(cat, expected);
    t.correct.push_back(k);
  }
  c.finish();

  if (const json* oc = o.get("outcomes")) {
    JObj oo(*oc, o.at("outcomes"));
    t.right = parse_outcome(oo.get("correct"), oo.at("correct"));
    t.wrong = parse_outcome(oo.get("wrong"), oo.at("wrong"));
    t.none = parse_outcome(oo.get("none"), oo.at("none"));
    oo.finish("correct, wrong, none");
  }
  if (const json* sg = o.get("signal")) {
    const int k = sg->is_string() ? net.find_signal(sg->get<std::string>()) : -1;
    if (k < 0 || net.signals[k].type != "neuromodulator") fail(o.at("signal"), *sg, "the name of a neuromodulator in \"globals\"");
    t.signal = k;
  }
  if (t.signal < 0 && (t.right.reward != 0 || t.wrong.reward != 0 || t.none.reward != 0))
    fail_msg(o.at("outcomes"), "rewards without a \"signal\", expected \"signal\": the neuromodulator that receives them");
  if (const json* rp = o.get("reward_probability")) parse_reward_probability(*rp, o.at("reward_probability"), t);
  o.finish("trials, trial_length, stimulus, decision, correct, outcomes, signal, reward_probability");
  const double fit = std::floor(net.run.tstop / t.trial_ms + 1e-9);
  if (fit < t.trials)
    warn(o.at("trials"), "tstop (" + std::to_string(net.run.tstop) + " ms) allows " + std::to_string(static_cast<uint64_t>(fit)) +
                             " of the " + std::to_string(t.trials) + " trials of " + std::to_string(t.trial_ms) +
                             " ms; the others do not run" + (fit == 0 ? " (no trial completes)" : ""));
  else if (net.run.tstop >= (t.trials + 1.0) * t.trial_ms)
    warn(o.at("trials"), "the " + std::to_string(t.trials) + " trials end at " + std::to_string(t.trials * t.trial_ms) +
                             " ms; the network then runs without a task until tstop (" + std::to_string(net.run.tstop) + " ms)");
}

}  // namespace spikesim
