#include "protocols/reward_rule_inference.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "plasticity/taylor.hpp"
#include "protocols/kinds.hpp"
#include "protocols/protocol.hpp"
#include "protocols/svg_chart.hpp"
#include "protocols/teacher.hpp"

namespace spikesim {

namespace fs = std::filesystem;

RewardRuleInferenceProtocol load_reward_rule_inference(const json& raw, const std::string& path) {
  RewardRuleInferenceProtocol p;
  JObj o = open_protocol(raw, path, "reward_rule_inference", p);
  p.network = o.need("network", "the network (a file path or the network itself)");
  if (!p.network.is_object() || !p.network.contains("task")) fail("/network", p.network, "a network with a \"task\" (a file path or the network itself)");
  p.network.erase("output");
  const std::string obj = "an object (as in a fit file, docs/fit.md)";
  p.fit = o.need("fit", obj), p.optimizer = o.need("optimizer", obj), p.runs = o.need("runs", obj);
  for (const char* k : {"fit", "optimizer", "runs"})
    if (!raw[k].is_object()) fail(std::string("/") + k, raw[k], obj);
  p.observe = o.get("observe") ? raw["observe"] : json::object();
  if (!p.observe.is_object()) fail("/observe", p.observe, "{\"temperature\": \"fit\" | T, \"replicas\": R}");
  const json& cs = o.need("conditions", "a list of conditions {\"name\", \"teacher\": {coefficients}}");
  if (!cs.is_array() || cs.empty()) fail("/conditions", cs, "a non-empty list of conditions {\"name\", \"teacher\"}");
  for (size_t i = 0; i < cs.size(); ++i) {
    const std::string at = "/conditions/" + std::to_string(i);
    JObj c(cs[i], at);
    RewardRuleCondition rc;
    rc.name = c.string("name", "the condition's name (its output folder)");
    if (rc.name.empty() || rc.name.find('/') != std::string::npos) fail(c.at("name"), cs[i]["name"], "a folder name");
    rc.teacher = c.need("teacher", "the teacher's coefficients, {\"x1y1w0\": 1, \"x0y0w1\": -10}");
    if (!rc.teacher.is_object() || rc.teacher.empty()) fail(c.at("teacher"), rc.teacher, "a non-empty object of coefficients");
    for (auto it = rc.teacher.begin(); it != rc.teacher.end(); ++it)
      if (Taylor::term_index(it.key()) < 0 || !it.value().is_number())
        fail(c.at("teacher") + "/" + escape_pointer_token(it.key()), it.value(), "a number under a coefficient name x<a>y<b>w<c>");
    c.finish("name, teacher");
    p.conditions.push_back(rc);
  }
  p.term = o.string_or("term", p.term);
  if (Taylor::term_index(p.term) < 0) fail("/term", raw["term"], "a coefficient name x<a>y<b>w<c>");
  if (const json* c = o.get("criteria")) {
    JObj co(*c, "/criteria");
    p.invented = co.number_or("invented", p.invented, "a fraction of the teacher's |phi|");
    p.deviance_explained = co.number_or("deviance_explained", p.deviance_explained, "a fraction of the deviance, at most 1");
    co.finish("invented, deviance_explained");
  }
  o.finish("name, kind, summary, network, conditions, term, fit, observe, optimizer, runs, criteria");
  return p;
}

namespace {

// The fit file of one condition (its teacher's trials in `teacher_dir`), written into `dir`.
FitSpec fit_spec(const RewardRuleInferenceProtocol& p, const std::string& dir, const std::string& teacher_dir) {
  fs::create_directories(dir);
  json d = p.observe;
  d["observable"] = "choices";
  d["file"] = fs::relative(teacher_dir, dir).string() + "/seed{seed}/trials.h5";
  json f = {{"name", p.name}, {"network", with_coefficients(p.network, p.fit, json::object())}, {"fit", p.fit}, {"data", json::array({d})},
            {"optimizer", p.optimizer}, {"runs", p.runs}};
  const std::string path = (fs::path(dir) / "fit.json").string();
  std::ofstream(path) << f.dump(1) << "\n";
  return load_fit(f, path);
}

// One panel of the choices plot: per category, the fraction of trials whose choice was the
// task's first action (the teacher's) and the fitted model's mean P of it, both over the
// held-out sessions (the fitted ones when none is held out) and a window of `smooth` trials.
ChartPanel choices_panel(const std::string& csv, const std::string& title, const TaskSpec& task, int smooth) {
  struct Row {
    bool held_out;
    uint32_t trial;
    std::string category, choice;
    double p;
  };
  std::vector<Row> rows;
  std::ifstream in(csv);
  std::string line;
  std::getline(in, line);
  bool any_held_out = false;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    size_t b = 0;
    for (size_t e = line.find(','); ; e = line.find(',', b)) {
      f.push_back(line.substr(b, e == std::string::npos ? std::string::npos : e - b));
      if (e == std::string::npos) break;
      b = e + 1;
    }
    if (f.size() < 7) continue;
    rows.push_back({f[1] == "1", static_cast<uint32_t>(std::stoul(f[2])), f[3], f[4], std::stod(f[6])});
    any_held_out = any_held_out || rows.back().held_out;
  }
  ChartPanel panel{title + (any_held_out ? " (held-out sessions)" : " (fitted sessions)"), "trial", "P(" + task.actions[0] + ")", {}, {}, true};
  for (size_t c = 0; c < task.categories.size(); ++c) {
    ChartSeries rec{task.categories[c] + ": recorded", {}, {}, ChartSeries::kLine, static_cast<int>(2 * c)};
    ChartSeries fit{task.categories[c] + ": fitted model", {}, {}, ChartSeries::kLine, static_cast<int>(2 * c + 1)};
    for (uint32_t k = 0; k < task.trials; ++k) {
      double n = 0, chosen = 0, p = 0;
      for (const Row& r : rows)
        if (r.held_out == any_held_out && r.category == task.categories[c] && r.trial + smooth / 2 >= k && r.trial < k + smooth / 2)
          n += 1, chosen += r.choice == task.actions[0], p += r.p;
      if (n == 0) continue;
      rec.x.push_back(k), rec.y.push_back(chosen / n);
      fit.x.push_back(k), fit.y.push_back(p / n);
    }
    panel.series.push_back(rec);
    panel.series.push_back(fit);
  }
  ChartSeries edges{"block edges", {}, {}, ChartSeries::kEvents, 6};
  uint32_t end = 0;
  for (size_t b = 0; b + 1 < task.blocks.size(); ++b) edges.x.push_back(end += task.blocks[b]);
  if (!edges.x.empty()) panel.series.push_back(edges);
  return panel;
}

}  // namespace

RewardRuleInferenceResult run_reward_rule_inference(const RewardRuleInferenceProtocol& p, const std::string& out_dir, bool quiet,
                                                    const RunOptions& engine) {
  RewardRuleInferenceResult res;
  fs::create_directories(out_dir);
  bool pass = true;
  std::vector<ChartPanel> panels;
  double term_reference = 0.0;  // the largest teacher |phi| of `term`
  for (const RewardRuleCondition& c : p.conditions) {
    const std::string dir = (fs::path(out_dir) / c.name).string(), teacher_dir = (fs::path(dir) / "teacher").string();
    const json teacher_net = with_coefficients(p.network, p.fit, c.teacher);
    record_teacher(teacher_net, p.file, run_seeds(p.runs), teacher_dir, engine);
    const FitSpec spec = fit_spec(p, dir, teacher_dir);
    if (!quiet) std::printf("  %s: teacher %s, sessions recorded in %s\n", c.name.c_str(), c.teacher.dump().c_str(), teacher_dir.c_str());
    RewardRuleConditionResult r;
    r.name = c.name;
    r.terms = spec.terms;
    r.fit = run_fit(spec, dir, quiet);
    res.files.insert(res.files.end(), r.fit.files.begin(), r.fit.files.end());
    for (size_t i = 0; i < spec.terms.size(); ++i) {
      const std::string name = Taylor::term_name(spec.terms[i]);
      r.teacher_phi.push_back(c.teacher.value(name, 0.0) / r.fit.scale[i]);
      if (name == p.term) r.term_teacher = r.teacher_phi[i], r.term_fitted = r.fit.phi[i];
      if (name == "x1y1w0") r.hebbian = r.fit.phi[i];
    }
    if (std::find(spec.terms.begin(), spec.terms.end(), Taylor::term_index(p.term)) == spec.terms.end())
      fail("/fit/coefficients", p.fit["coefficients"], "a list that holds \"" + p.term + "\" (the protocol's \"term\")");
    r.deviance_fit = r.fit.r2_fit.empty() ? NAN : r.fit.r2_fit[0];
    r.deviance_held_out = r.fit.r2_held_out.empty() ? r.deviance_fit : r.fit.r2_held_out[0];
    term_reference = std::max(term_reference, std::fabs(r.term_teacher));
    panels.push_back(choices_panel((fs::path(dir) / "fit_choices.csv").string(), c.name + " " + c.teacher.dump(), spec.net.task, 20));
    res.conditions.push_back(r);
  }
  const std::string svg = (fs::path(out_dir) / "reward_rule_inference.svg").string();
  write_chart(svg, "Reward rules inferred from choices (Mehta et al. 2024): recorded and fitted P(accept), 20-trial windows", panels);
  res.files.push_back(svg);
  const std::string csv = (fs::path(out_dir) / "reward_rule_inference.csv").string();
  std::ofstream out(csv);
  out << "condition,term,teacher_theta,fitted_theta,teacher_phi,fitted_phi,criterion,ok\n";
  for (size_t k = 0; k < res.conditions.size(); ++k) {
    const RewardRuleConditionResult& r = res.conditions[k];
    const bool has = r.term_teacher != 0.0;
    const bool term_ok = has ? r.term_fitted * r.term_teacher > 0 : std::fabs(r.term_fitted) <= p.invented * term_reference;
    const bool hebb_ok = r.hebbian > 0, dev_ok = r.deviance_held_out >= p.deviance_explained;
    pass = pass && term_ok && hebb_ok && dev_ok && term_reference > 0;
    for (size_t i = 0; i < r.terms.size(); ++i) {
      const int t = r.terms[i];
      const std::string name = Taylor::term_name(t);
      std::string criterion = "";
      bool ok = true;
      if (name == p.term) {
        char b[96];
        if (has) std::snprintf(b, sizeof b, "sign of the teacher's");
        else std::snprintf(b, sizeof b, "|phi| <= %.3g", p.invented * term_reference);
        criterion = b, ok = term_ok;
      } else if (name == "x1y1w0") {
        criterion = "phi > 0", ok = hebb_ok;
      }
      char line[320];
      std::snprintf(line, sizeof line, "%s,%s,%.9g,%.9g,%.6g,%.6g,%s,%d\n", r.name.c_str(), name.c_str(), r.teacher_phi[i] * r.fit.scale[i],
                    r.fit.theta[t], r.teacher_phi[i], r.fit.phi[i], criterion.c_str(), ok ? 1 : 0);
      out << line;
    }
    char line[200];
    std::snprintf(line, sizeof line, "%s,deviance_explained_held_out,,,,%.6g,>= %g,%d\n", r.name.c_str(), r.deviance_held_out,
                  p.deviance_explained, dev_ok ? 1 : 0);
    out << line;
    if (!quiet)
      std::printf("  %s: %s phi %.4f (teacher %.4f, %s), x1y1w0 phi %.4f, temperature %.3g spikes, deviance explained %.1f%% fitted, "
                  "%.1f%% held out: %s\n",
                  r.name.c_str(), p.term.c_str(), r.term_fitted, r.term_teacher,
                  has ? "sign recovered?" : "not invented?", r.hebbian, r.fit.temperature, 100 * r.deviance_fit,
                  100 * r.deviance_held_out, term_ok && hebb_ok && dev_ok ? "ok" : "FAIL");
  }
  res.files.push_back(csv);
  res.pass = pass;
  if (!quiet) std::printf("  reward_rule_inference: %s\n", pass ? "PASS" : "FAIL");
  return res;
}

ProtocolOutcome run_reward_rule_inference_kind(const ProtocolCall& c) {
  return run_kind(c, [&] { return load_reward_rule_inference(c.raw, c.path); }, run_reward_rule_inference,
                  [](const RewardRuleInferenceProtocol& p) {
                    std::string s;
                    for (const auto& c : p.conditions) s += (s.empty() ? ": " : "; ") + c.name + " " + c.teacher.dump();
                    return s + "; fit " + p.fit.value("coefficients", json()).dump() + " from choices";
                  });
}

}  // namespace spikesim
