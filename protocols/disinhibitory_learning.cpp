#include "protocols/kinds.hpp"
#include "protocols/disinhibitory_learning.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>

#include "plasticity/network.hpp"
#include "core/rng.hpp"
#include "protocols/simulate.hpp"
#include "protocols/recorders.hpp"
#include "core/poisson_rate.hpp"
#include "plasticity/plasticity.hpp"
#include "protocols/protocol.hpp"
#include "protocols/svg_chart.hpp"

namespace spikesim {

namespace fs = std::filesystem;

LearningProtocol load_learning(const json& raw, const std::string& path) {
  LearningProtocol p;
  JObj o = open_protocol(raw, path, "disinhibitory_learning", p);
  JObj c(o.need("circuit", "{\"plastic\", \"input\", \"target\", \"output\", \"interneurons\", \"feedback\"}"), "/circuit");
  p.plastic = c.string("plastic", "the plastic projection's name (rule disinhibitory)");
  p.input = c.string("input", "the input Poisson population's name");
  p.target = c.string("target", "the target Poisson population's name (plays the teacher's rates)");
  p.output = c.string("output", "the learning excitatory population's name");
  p.interneurons = c.string("interneurons", "the interneuron population's name");
  const json& fb = c.need("feedback", "a list of projection names (the error feedback onto the interneurons)");
  if (!fb.is_array() || fb.empty()) fail("/circuit/feedback", fb, "a non-empty list of projection names");
  for (size_t i = 0; i < fb.size(); ++i) {
    if (!fb[i].is_string()) fail("/circuit/feedback/" + std::to_string(i), fb[i], "a projection name");
    p.feedback.push_back(fb[i].get<std::string>());
  }
  c.finish("plastic, input, target, output, interneurons, feedback");
  auto count = [&](JObj& j, const char* key, uint32_t def) {
    const int64_t v = j.integer_or(key, def, "a count >= 1");
    if (v < 1 || v > 100000) j.reject(key, "a count from 1 to 100000");
    return static_cast<uint32_t>(v);
  };
  auto range = [&](JObj& j, const char* key, double& lo, double& hi, const std::string& what) {
    if (!j.has(key)) return;
    const std::vector<double> v = j.numbers(key, "[lo, hi]: " + what);
    if (v.size() != 2 || !(v[0] <= v[1])) j.reject(key, "[lo, hi] with lo <= hi: " + what);
    lo = v[0], hi = v[1];
  };
  JObj pt(o.need("patterns", "{\"train\", \"test\", \"rate\"}"), "/patterns");
  p.train = count(pt, "train", p.train);
  p.test = count(pt, "test", p.test);
  range(pt, "rate", p.rate_lo, p.rate_hi, "input rates in Hz");
  if (p.rate_lo < 0) pt.reject("rate", "rates >= 0 Hz");
  pt.finish("train, test, rate");
  JObj te(o.need("teacher", "{\"weight\": [lo, hi]}"), "/teacher");
  range(te, "weight", p.teacher_lo, p.teacher_hi, "the teacher's weights (uniform)");
  te.finish("weight");
  p.epochs = count(o, "epochs", p.epochs);
  p.present = o.number_or("present", p.present, "a presentation length in ms > 0");
  p.evaluate = o.number_or("evaluate", p.evaluate, "an evaluation length in ms > 0");
  if (!(p.present > 0)) fail("/present", raw["present"], "a presentation length in ms > 0");
  if (!(p.evaluate > 0)) fail("/evaluate", raw["evaluate"], "an evaluation length in ms > 0");
  if (const json* cr = o.get("criteria")) {
    JObj co(*cr, "/criteria");
    p.max_final = co.number_or("max_final", p.max_final, "a fraction of the initial loss");
    p.min_control = co.number_or("min_control", p.min_control, "a fraction of the initial loss");
    co.finish("max_final, min_control");
  }
  p.b_factor = o.number_or("b_factor", p.b_factor, "a factor >= 1 on the fitted slope b");
  if (!(p.b_factor >= 1)) fail("/b_factor", raw["b_factor"], "a factor >= 1 on the fitted slope b");
  p.anneal = o.number_or("anneal", p.anneal, "a factor 0 < anneal <= 1 on the learning rate per epoch");
  if (!(p.anneal > 0 && p.anneal <= 1)) fail("/anneal", raw["anneal"], "a factor 0 < anneal <= 1 on the learning rate per epoch");
  p.control = o.boolean_or("control", p.control);
  p.network = o.need("network", "a network file (without \"output\")");
  if (!p.network.is_object()) fail("/network", p.network, "a network file (an object)");
  o.finish("name, kind, summary, circuit, patterns, teacher, epochs, present, evaluate, criteria, b_factor, anneal, control, network");
  return p;
}

namespace {

struct Ctx {
  const LearningProtocol& p;
  json network;  // the protocol's, with the rule's fitted threshold once known
  std::string scratch;
  uint64_t seed0 = 1;
  uint32_t runs = 0;  // run counter: each run draws its own Poisson noise
  RunOptions engine;
};

// Each neuron's rate over a run of `ms`: its spikes, each adding 1000 / ms Hz.
std::vector<double> per_neuron_rates(const SpikeCounter& c, double ms) {
  std::vector<double> r(c.counts.size(), 0.0);
  for (size_t i = 0; i < r.size(); ++i)
    for (uint64_t k = 0; k < c.counts[i]; ++k) r[i] += 1000.0 / ms;
  return r;
}

struct RunOut {
  std::vector<double> rate_E, rate_I;
  std::vector<float> weights;
  double nu_I_scale = 1.0;
};

// One run of `ms`: input rates `in`, target rates `tgt` (empty: silent), plastic weights `w`
// (empty: the file's), feedback on or off, learning on or off.
RunOut run_once(Ctx& cx, double ms, const std::vector<double>& in, const std::vector<double>& tgt, const std::vector<float>& w,
                bool feedback, bool learn) {
  const LearningProtocol& p = cx.p;
  json nj = network_for_run(cx.network, cx.scratch, cx.seed0 + 7919ull * ++cx.runs);
  nj["run"]["tstop"] = ms;
  for (size_t k = 0; k < p.feedback.size(); ++k)
    if (!feedback) projection_json(nj, p.feedback[k], "/circuit/feedback/" + std::to_string(k))["weight"] = 0.0;
  projection_json(nj, p.plastic, "/circuit/plastic");
  nj["monitors"] = json::array({{{"type", "spikes"}, {"populations", {p.output, p.interneurons}}}});
  Network net = build_protocol_network(nj, p.file, "", "/network");
  const int ip = net.spec.find_projection(p.plastic);
  Projection& proj = net.projs[ip];
  if (!proj.plastic || proj.plastic->rule != "disinhibitory") fail("/circuit/plastic", p.plastic, "a projection with the disinhibitory rule");
  const int pin = population_index(net, p.input, "/circuit/input"), ptg = population_index(net, p.target, "/circuit/target");
  const int pe = population_index(net, p.output, "/circuit/output"), pi = population_index(net, p.interneurons, "/circuit/interneurons");
  if (net.spec.populations[pin].model != Model::kPoisson) fail("/circuit/input", p.input, "a poisson population");
  if (net.spec.populations[ptg].model != Model::kPoisson) fail("/circuit/target", p.target, "a poisson population");
  if (in.size() != net.pops[pin].size) fail("/circuit/input", p.input, "a population of the patterns' size");
  auto thresholds = [&](const std::vector<double>& rates, uint32_t n) {
    std::vector<uint32_t> th(n, poisson_threshold(0.0, net.spec.run.dt));
    for (size_t i = 0; i < rates.size() && i < n; ++i) th[i] = poisson_threshold(rates[i], net.spec.run.dt);
    return th;
  };
  net.pops[pin].thresholds = thresholds(in, net.pops[pin].size);
  net.pops[ptg].thresholds = thresholds(tgt, net.pops[ptg].size);
  if (!w.empty()) {
    if (w.size() != proj.csr.size()) fail("/circuit/plastic", p.plastic, "a projection with the same synapses in every run (one_to_one or all_to_all)");
    proj.csr.weight = w;
  }
  if (!learn) proj.plastic->switch_off();
  RunOut out;
  out.nu_I_scale = proj.plastic->partner.mean_scale();
  RunOptions opt = cx.engine;
  opt.threads = 1;
  MonitorList rec;
  rec.push_back(std::make_unique<SpikeCounter>(pe, net.pops[pe].size));
  rec.push_back(std::make_unique<SpikeCounter>(pi, net.pops[pi].size));
  simulate(net, opt, rec);
  out.weights = proj.csr.weight;
  out.rate_E = per_neuron_rates(static_cast<const SpikeCounter&>(*rec[0]), ms);
  out.rate_I = per_neuron_rates(static_cast<const SpikeCounter&>(*rec[1]), ms);
  return out;
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x / v.size();
  return s;
}

double loss(Ctx& cx, const std::vector<std::vector<double>>& patterns, const std::vector<std::vector<double>>& targets,
            const std::vector<float>& w, std::vector<std::vector<double>>* rates = nullptr) {
  double sum = 0;
  size_t n = 0;
  if (rates) rates->clear();
  for (size_t k = 0; k < patterns.size(); ++k) {
    const RunOut o = run_once(cx, cx.p.evaluate, patterns[k], {}, w, false, false);
    if (rates) rates->push_back(o.rate_E);
    for (size_t i = 0; i < o.rate_E.size(); ++i) sum += (o.rate_E[i] - targets[k][i]) * (o.rate_E[i] - targets[k][i]), ++n;
  }
  return sum / n;
}

}  // namespace

LearningResult run_learning(const LearningProtocol& p, const std::string& out_dir, bool quiet, const RunOptions& engine) {
  fs::create_directories(out_dir);
  LearningResult res;
  Ctx cx{p, p.network, (fs::path(out_dir) / "run").string(), network_seed(p.network), 0, engine};
  // Patterns and the teacher's weights, keyed by (seed, protocol stream).
  const CounterRng rng{cx.seed0, kStreamProtocol};
  Network shape = build_protocol_network(network_for_run(p.network, cx.scratch, cx.seed0), p.file, "", "/network");
  const uint32_t n_in = shape.pops[population_index(shape, p.input, "/circuit/input")].size;
  const int ip = shape.spec.find_projection(p.plastic);
  if (ip < 0) fail("/circuit/plastic", p.plastic, "a projection of the network");
  const std::vector<float> w0 = res.initial = shape.projs[ip].csr.weight;
  std::vector<std::vector<double>> train, test;
  for (uint32_t k = 0; k < p.train + p.test; ++k) {
    std::vector<double> pat(n_in);
    for (uint32_t j = 0; j < n_in; ++j) pat[j] = p.rate_lo + (p.rate_hi - p.rate_lo) * rng.uniform(j, k, 0);
    (k < p.train ? train : test).push_back(std::move(pat));
  }
  std::vector<float>& teacher = res.teacher;
  teacher.resize(w0.size());
  for (size_t s = 0; s < teacher.size(); ++s)
    teacher[s] = static_cast<float>(p.teacher_lo + (p.teacher_hi - p.teacher_lo) * rng.uniform(static_cast<uint32_t>(s), 0, 1));
  // Targets: the teacher's rates, no feedback, no learning.
  auto teacher_rates = [&](const std::vector<std::vector<double>>& patterns) {
    std::vector<std::vector<double>> rates;
    for (const auto& pat : patterns) rates.push_back(run_once(cx, p.evaluate, pat, {}, teacher, false, false).rate_E);
    return rates;
  };
  const std::vector<std::vector<double>> t_train = teacher_rates(train), t_test = teacher_rates(test);
  // theta is calibrated on the student's own circuit before training, at zero error, so
  // that it carries nothing of the teacher: the student's rates on the training patterns
  // (no feedback: the control's calibration), then, with feedback, again with the target
  // playing those rates (the error populations fire at their zero-error baseline, which
  // changes the interneurons' rates).
  std::vector<std::vector<double>> own;  // the student's rates per training pattern, no feedback
  auto calibrate = [&](bool fb, LearningRun& run) {
    for (size_t k = 0; k < train.size(); ++k) {
      const RunOut o = run_once(cx, p.evaluate, train[k], fb ? own[k] : std::vector<double>{}, w0, fb, false);
      if (!fb) own.push_back(o.rate_E);
      for (size_t i = 0; i < o.rate_E.size(); ++i) run.cal_E.push_back(o.rate_E[i]), run.cal_I.push_back(o.rate_I[i] * o.nu_I_scale);
    }
  };
  LearningRun no_fb;
  calibrate(false, no_fb);
  json& rule = projection_json(cx.network, p.plastic, "/circuit/plastic")["plasticity"];
  rule["variant"] = "lin_thresh";
  const double eta0 = rule.at("eta").get<double>();
  if (!quiet) std::printf("  teacher: %zu training + %zu held-out patterns\n", train.size(), test.size());
  for (bool fb : {true, false}) {
    if (!fb && !p.control) break;
    LearningRun run;
    run.label = fb ? "error fed back as disinhibition" : "control: feedback disconnected";
    run.feedback = fb;
    if (fb) calibrate(true, run);
    else run.cal_I = std::move(no_fb.cal_I), run.cal_E = std::move(no_fb.cal_E);
    if (!fit_line(run.cal_I, run.cal_E, run.a, run.b))
      throw RunError("calibration: the interneurons' rates did not vary over the student's calibration runs");
    run.a += (1.0 - p.b_factor) * run.b * mean(run.cal_I);  // b_factor > 1: theta rises faster than the fit
    run.b *= p.b_factor;                                    // (a stable zero) at the runs' mean rates
    rule["a"] = run.a;
    rule["b"] = run.b;
    if (!quiet) std::printf("  %-34s calibration: nu_E = %.3f + %.4f nu_I (Hz)\n", run.label.c_str(), run.a, run.b);
    std::vector<float> w = w0;
    run.loss.push_back(loss(cx, test, t_test, w, &run.rates_before));
    for (uint32_t e = 0; e < p.epochs; ++e) {
      rule["eta"] = eta0 * std::pow(p.anneal, e);
      std::vector<uint32_t> order(train.size());  // each pattern once per epoch, shuffled
      for (uint32_t k = 0; k < order.size(); ++k) order[k] = k;
      for (uint32_t k = static_cast<uint32_t>(order.size()); k > 1; --k)
        std::swap(order[k - 1], order[static_cast<uint32_t>(rng.uniform(k, 1000 + e, 2) * k) % k]);
      for (uint32_t pick : order) w = run_once(cx, p.present, train[pick], t_train[pick], w, fb, true).weights;
      run.loss.push_back(loss(cx, test, t_test, w, &run.rates_after));
      if (!quiet) std::printf("  %-34s epoch %3u: loss %.3f Hz^2 (%.1f%% of the initial)\n", run.label.c_str(), e + 1, run.loss.back(),
                              100.0 * run.loss.back() / run.loss.front());
    }
    run.weights = w;
    res.runs.push_back(std::move(run));
  }
  fs::remove_all(cx.scratch);
  const auto& L = res.runs[0].loss;
  res.learned = L.back() <= p.max_final * L.front();
  res.control_flat = res.runs.size() < 2 || res.runs[1].loss.back() >= p.min_control * res.runs[1].loss.front();
  res.pass = res.learned && res.control_flat;
  const std::string csv = (fs::path(out_dir) / (p.name + ".csv")).string();
  std::ofstream c(csv);
  c << "epoch";
  for (const auto& r : res.runs) c << ",\"" << r.label << " (loss, Hz^2)\"";
  c << '\n';
  for (size_t e = 0; e < L.size(); ++e) {
    c << e;
    for (const auto& r : res.runs) c << ',' << fmt_number(r.loss[e]);
    c << '\n';
  }
  for (const auto& r : res.runs)
    c << "# " << r.label << ": theta = " << fmt_number(r.a, 8) << " Hz + " << fmt_number(r.b, 8) << " nu_I\n";
  res.files.push_back(csv);
  const std::string ccsv = (fs::path(out_dir) / (p.name + "_calibration.csv")).string();
  std::ofstream cc(ccsv);
  cc << "run,nu_I_hz,nu_E_hz\n";
  for (size_t r = 0; r < res.runs.size(); ++r)
    for (size_t i = 0; i < res.runs[r].cal_I.size(); ++i)
      cc << r << ',' << fmt_number(res.runs[r].cal_I[i]) << ',' << fmt_number(res.runs[r].cal_E[i]) << '\n';
  res.files.push_back(ccsv);
  const std::string rcsv = (fs::path(out_dir) / (p.name + "_rates.csv")).string();
  std::ofstream rc(rcsv);
  rc << "run,pattern,neuron,target_hz,before_hz,after_hz\n";
  for (size_t r = 0; r < res.runs.size(); ++r)
    for (size_t k = 0; k < t_test.size(); ++k)
      for (size_t i = 0; i < t_test[k].size(); ++i)
        rc << r << ',' << k << ',' << i << ',' << fmt_number(t_test[k][i]) << ',' << fmt_number(res.runs[r].rates_before[k][i]) << ','
           << fmt_number(res.runs[r].rates_after[k][i]) << '\n';
  res.files.push_back(rcsv);
  ChartPanel lp{"held-out patterns, no feedback", "epoch", "loss / initial loss", {}, {}, true, 360};
  for (size_t i = 0; i < res.runs.size(); ++i) {
    std::vector<double> x, y;
    for (size_t e = 0; e < res.runs[i].loss.size(); ++e) x.push_back(e), y.push_back(res.runs[i].loss[e] / res.runs[i].loss.front());
    lp.series.push_back({res.runs[i].label, x, y, ChartSeries::kLineDots, static_cast<int>(i)});
  }
  lp.series.push_back({"criterion: " + fmt_number(p.max_final), {0.0, double(p.epochs)}, {p.max_final, p.max_final}, ChartSeries::kLine, 3});
  ChartPanel sp{"held-out patterns: output rate against the teacher's (" + res.runs[0].label + ")", "teacher's rate (Hz)",
                "output rate (Hz)", {}, {}, true, 360};
  std::vector<double> tx, before, after;
  for (size_t k = 0; k < t_test.size(); ++k)
    for (size_t i = 0; i < t_test[k].size(); ++i)
      tx.push_back(t_test[k][i]), before.push_back(res.runs[0].rates_before[k][i]), after.push_back(res.runs[0].rates_after[k][i]);
  const double top = tx.empty() ? 1.0 : *std::max_element(tx.begin(), tx.end());
  sp.series.push_back({"before training", tx, before, ChartSeries::kOpenCircles, 4});
  sp.series.push_back({"after " + std::to_string(p.epochs) + " epochs", tx, after, ChartSeries::kDots, 0});
  sp.series.push_back({"output = teacher", {0.0, top}, {0.0, top}, ChartSeries::kLine, 3});
  const std::string svg = (fs::path(out_dir) / (p.name + ".svg")).string();
  write_chart(svg, "Student-teacher learning with the error fed back as disinhibition (Rossbroich & Zenke 2023)", {lp, sp});
  res.files.push_back(svg);
  if (!quiet)
    std::printf("  with feedback: %.3f -> %.3f Hz^2 (%.1f%%, at most %.0f%%): %s; control: %s -> %s\n", L.front(), L.back(),
                100 * L.back() / L.front(), 100 * p.max_final, res.learned ? "yes" : "NO",
                res.runs.size() < 2 ? "(none)"
                                    : (fmt_number(100 * res.runs[1].loss.back() / res.runs[1].loss.front(), 3) + "% of its initial (at least " +
                                       fmt_number(100 * p.min_control) + "%): " + (res.control_flat ? "yes" : "NO"))
                                          .c_str(),
                res.pass ? "PASS" : "FAIL");
  return res;
}

ProtocolOutcome run_disinhibitory_learning_kind(const ProtocolCall& c) {
  return run_kind(c, [&] { return load_learning(c.raw, c.path); }, run_learning,
                  [](const LearningProtocol& l) { return ": " + std::to_string(l.epochs) + " epochs x " + std::to_string(l.train) + " patterns"; });
}

}  // namespace spikesim
