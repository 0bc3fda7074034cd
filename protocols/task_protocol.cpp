#include "protocols/kinds.hpp"
#include "protocols/task_protocol.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>

#include "core/phase_clock.hpp"
#include "plasticity/network.hpp"
#include "io/checkpoint.hpp"
#include "protocols/simulate.hpp"
#include "plasticity/plasticity.hpp"
#include "protocols/protocol.hpp"
#include "protocols/svg_chart.hpp"

namespace spikesim {

namespace fs = std::filesystem;

TaskProtocol load_task_protocol(const json& raw, const std::string& path) {
  TaskProtocol p;
  JObj o = open_protocol(raw, path, "task", p);
  p.seeds = read_protocol_seeds(o, p.seeds, 1);
  p.control = o.boolean_or("control", p.control);
  if (const json* c = o.get("criteria")) {
    JObj co(*c, "/criteria");
    auto count = [&](const char* key, uint32_t def) {
      const int64_t v = co.integer_or(key, def, "a number of trials >= 1");
      if (v < 1) fail(co.at(key), (*c)[key], "a number of trials >= 1");
      return static_cast<uint32_t>(v);
    };
    p.first = count("first", p.first);
    p.last = count("last", p.last);
    p.block = count("block", p.block);
    p.min_accuracy = co.number_or("min_accuracy", p.min_accuracy, "an accuracy in [0, 1]");
    if (!(p.min_accuracy >= 0 && p.min_accuracy <= 1)) fail("/criteria/min_accuracy", (*c)["min_accuracy"], "an accuracy in [0, 1]");
    p.chance_se = co.number_or("chance_se", p.chance_se, "a number of standard errors > 0");
    if (!(p.chance_se > 0)) fail("/criteria/chance_se", (*c)["chance_se"], "a number of standard errors > 0");
    co.finish("first, last, block, min_accuracy, chance_se");
  }
  p.network = o.need("network", "a network file with a \"task\" block (without \"output\")");
  if (!p.network.is_object()) fail("/network", p.network, "a network file with a \"task\" block");
  if (!p.network.contains("task"))
    throw SpecError("/network", "found a network without \"task\", expected a network file with a \"task\" block");
  if (const json* t = o.get("test")) {
    JObj to(*t, "/test");
    const int64_t n = to.integer("trials", "a number of test trials >= 1");
    if (n < 1 || n > 1000000) fail(to.at("trials"), (*t)["trials"], "a number of test trials in [1, 1e6]");
    p.test_trials = static_cast<uint32_t>(n);
    to.finish("trials");
  }
  o.finish("name, kind, summary, seeds, control, criteria, network, test");
  return p;
}

namespace {

double accuracy(const std::vector<TrialRecord>& t, size_t from, size_t to) {
  if (to <= from) return 0.0;
  int right = 0;
  for (size_t i = from; i < to; ++i) right += t[i].correct;
  return static_cast<double>(right) / (to - from);
}

ChanceCheck pooled(const std::vector<const TaskProtocolRun*>& runs, bool first_trials, uint32_t n, double chance, double se) {
  ChanceCheck c;
  double right = 0;
  for (const auto* r : runs) {
    const size_t m = std::min<size_t>(n, r->trials.size());
    const size_t from = first_trials ? 0 : r->trials.size() - m;
    right += accuracy(r->trials, from, from + m) * m;
    c.trials += m;
  }
  c.accuracy = c.trials ? right / c.trials : 0.0;
  const double half = se * std::sqrt(chance * (1 - chance) / std::max<uint64_t>(c.trials, 1));
  c.low = chance - half;
  c.high = chance + half;
  c.at_chance = c.trials > 0 && c.accuracy >= c.low && c.accuracy <= c.high;
  return c;
}

TaskProtocolRun run_one(const TaskProtocol& p, uint64_t seed, bool plastic, const std::string& dir, TaskProtocolResult& res,
                        const RunOptions& engine) {
  Network net = build_protocol_network(network_for_run(p.network, dir, seed), p.file, "", "/network");
  if (!plastic)  // switched off: hooks and trial rules start after the run's end
    for (auto& proj : net.projs)
      if (proj.plastic) proj.plastic->switch_off();
  res.categories = net.spec.task.categories;
  res.actions = net.spec.task.actions;
  res.chance = 1.0 / net.spec.task.actions.size();
  TaskProtocolRun run;
  run.seed = seed;
  run.plastic = plastic;
  RunOptions opt = engine;
  opt.threads = 1;
  const auto t0 = std::chrono::steady_clock::now();
  RunResult r = simulate(net, opt);
  run.wall_s = seconds_since(t0);
  run.trials = std::move(r.trials);
  const size_t n = run.trials.size();
  run.first_acc = accuracy(run.trials, 0, std::min<size_t>(p.first, n));
  run.last_acc = accuracy(run.trials, n - std::min<size_t>(p.last, n), n);
  if (plastic && p.test_trials > 0) {  // saved, then tested from the saved state
    const std::string state = (fs::path(dir) / "trained_state.h5").string();
    save_state(state, net, r.steps);
    json tj = network_for_run(p.network, dir + "_test", seed);
    tj["task"]["trials"] = p.test_trials;
    tj["task"].erase("reward_probability");
    tj["run"]["tstop"] = p.test_trials * net.spec.task.trial_ms;
    tj["init_from"] = state;
    Network test = build_protocol_network(tj, p.file, "", "/network");
    for (auto& proj : test.projs)
      if (proj.plastic) proj.plastic->switch_off();
    const RunResult tr = simulate(test, opt);
    run.test_acc = accuracy(tr.trials, 0, tr.trials.size());
  }
  return run;
}

// Accuracy per block of trials, mean over the runs given.
void curve(const std::vector<const TaskProtocolRun*>& runs, uint32_t block, std::vector<double>& x, std::vector<double>& y) {
  x.clear();
  y.clear();
  if (runs.empty()) return;
  const size_t n = runs[0]->trials.size();
  for (size_t from = 0; from < n; from += block) {
    const size_t to = std::min<size_t>(from + block, n);
    double sum = 0;
    for (const auto* r : runs) sum += accuracy(r->trials, from, to);
    x.push_back(0.5 * (from + to));
    y.push_back(sum / runs.size());
  }
}

void write_outputs(const TaskProtocol& p, const std::string& out_dir, TaskProtocolResult& res) {
  const std::string trials_csv = (fs::path(out_dir) / (p.name + ".csv")).string();
  std::ofstream t(trials_csv);
  t << "run,seed,trial,category,action,correct,reward,feedback\n";
  for (const auto& r : res.runs)
    for (const auto& rec : r.trials)
      t << (r.plastic ? "learning" : "control") << ',' << r.seed << ',' << rec.trial << ',' << res.categories[rec.category] << ','
        << (rec.action < 0 ? std::string("none") : res.actions[rec.action]) << ',' << rec.correct << ','
        << fmt_number(rec.reward) << ',' << fmt_number(rec.feedback) << '\n';
  res.files.push_back(trials_csv);
  std::vector<const TaskProtocolRun*> learning, control;
  for (const auto& r : res.runs) (r.plastic ? learning : control).push_back(&r);
  std::vector<double> x, yl, yc;
  curve(learning, p.block, x, yl);
  curve(control, p.block, x, yc);
  const std::string curve_csv = (fs::path(out_dir) / (p.name + "_curve.csv")).string();
  std::ofstream c(curve_csv);
  c << "trial_from,trial_to,learning_mean" << (control.empty() ? "" : ",control_mean");
  for (const auto* r : learning) c << ",learning_seed" << r->seed;
  c << '\n';
  for (size_t b = 0; b < x.size(); ++b) {
    const size_t from = b * p.block, to = std::min<size_t>(from + p.block, learning[0]->trials.size());
    c << from << ',' << to << ',' << fmt_number(yl[b]);
    if (!control.empty()) c << ',' << fmt_number(yc[b]);
    for (const auto* r : learning) c << ',' << fmt_number(accuracy(r->trials, from, to));
    c << '\n';
  }
  res.files.push_back(curve_csv);
  // Plot: the mean curves against chance and the criterion, then each seed's curve.
  const std::string blk = "accuracy per block of " + std::to_string(p.block) + " trials";
  ChartPanel mean{"mean over " + std::to_string(learning.size()) + " seeds", "trial", blk, {}, {}, true, 360};
  mean.series.push_back({"with plasticity", x, yl, ChartSeries::kLineDots, 0});
  if (!control.empty()) mean.series.push_back({"plasticity switched off", x, yc, ChartSeries::kLineDots, 1});
  const double n = static_cast<double>(learning[0]->trials.size());
  mean.series.push_back({"chance", {0.0, n}, {res.chance, res.chance}, ChartSeries::kLine, 7});
  const double last_from = n - std::min<double>(p.last, n);
  mean.series.push_back({"criterion: last " + std::to_string(p.last) + " trials", {last_from, n}, {p.min_accuracy, p.min_accuracy},
                         ChartSeries::kLine, 3});
  ChartPanel seeds{"each seed, with plasticity", "trial", blk, {}, {}, true, 300};
  seeds.series.push_back({"chance", {0.0, n}, {res.chance, res.chance}, ChartSeries::kLine, 7});
  for (const auto* r : learning) {
    std::vector<double> xs, ys;
    curve({r}, p.block, xs, ys);
    seeds.series.push_back({"seed " + std::to_string(r->seed), xs, ys, ChartSeries::kLine, -1});
  }
  const std::string svg = (fs::path(out_dir) / (p.name + ".svg")).string();
  write_chart(svg, p.name + ": accuracy over trials", {mean, seeds});
  res.files.push_back(svg);
}

}  // namespace

TaskProtocolResult run_task_protocol(const TaskProtocol& p, const std::string& out_dir, bool quiet, const RunOptions& engine) {
  fs::create_directories(out_dir);
  TaskProtocolResult res;
  const uint64_t seed0 = network_seed(p.network);
  for (bool plastic : {true, false}) {
    if (!plastic && !p.control) break;
    for (int s = 0; s < p.seeds; ++s) {
      const uint64_t seed = seed0 + s;
      const std::string dir = (fs::path(out_dir) / ((plastic ? "seed" : "control_seed") + std::to_string(seed))).string();
      res.runs.push_back(run_one(p, seed, plastic, dir, res, engine));
      const TaskProtocolRun& r = res.runs.back();
      if (!quiet)
        std::printf("  %-10s seed %-3llu accuracy: first %u trials %.2f, last %u trials %.2f (%.1f s wall)\n",
                    plastic ? "learning" : "control", static_cast<unsigned long long>(seed), p.first, r.first_acc, p.last,
                    r.last_acc, r.wall_s);
      if (!quiet && r.test_acc >= 0)
        std::printf("  %-10s seed %-3llu accuracy over %u trials from the saved state, plasticity off: %.2f\n", "test",
                    static_cast<unsigned long long>(seed), p.test_trials, r.test_acc);
    }
  }
  std::vector<const TaskProtocolRun*> learning, control;
  for (const auto& r : res.runs) (r.plastic ? learning : control).push_back(&r);
  for (const auto* r : learning) res.last_mean += r->last_acc / learning.size();
  res.learned = res.last_mean >= p.min_accuracy;
  res.first = pooled(learning, true, p.first, res.chance, p.chance_se);
  res.control_last = pooled(control, false, p.last, res.chance, p.chance_se);
  res.pass = res.learned && res.first.at_chance && (control.empty() || res.control_last.at_chance);
  if (p.test_trials > 0) {
    res.test_mean = 0;
    for (const auto* r : learning) res.test_mean += r->test_acc / learning.size();
    res.pass = res.pass && res.test_mean >= p.min_accuracy;
  }
  write_outputs(p, out_dir, res);
  if (!quiet) {
    std::printf("  last %u trials, mean over %zu seeds: %.3f (at least %.2f): %s\n", p.last, learning.size(), res.last_mean,
                p.min_accuracy, res.learned ? "yes" : "NO");
    std::printf("  first %u trials, pooled (%llu trials): %.3f, chance band [%.3f, %.3f]: %s\n", p.first,
                static_cast<unsigned long long>(res.first.trials), res.first.accuracy, res.first.low, res.first.high,
                res.first.at_chance ? "yes" : "NO");
    if (!control.empty())
      std::printf("  control, last %u trials, pooled (%llu trials): %.3f, chance band [%.3f, %.3f]: %s\n", p.last,
                  static_cast<unsigned long long>(res.control_last.trials), res.control_last.accuracy, res.control_last.low,
                  res.control_last.high, res.control_last.at_chance ? "yes" : "NO");
    if (p.test_trials > 0)
      std::printf("  test from the saved states, %u trials, mean over %zu seeds: %.3f (at least %.2f): %s\n", p.test_trials,
                  learning.size(), res.test_mean, p.min_accuracy, res.test_mean >= p.min_accuracy ? "yes" : "NO");
    std::printf("  -> %s\n", res.pass ? "PASS" : "FAIL");
  }
  return res;
}

ProtocolOutcome run_task_kind(const ProtocolCall& c) {
  return run_kind(c, [&] { return load_task_protocol(c.raw, c.path); }, run_task_protocol,
                  [](const TaskProtocol& t) { return ": " + std::to_string(t.seeds) + " seeds" + (t.control ? ", with and without plasticity" : ""); });
}

}  // namespace spikesim
