#include "protocols/oja_recovery.hpp"

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

OjaRecoveryProtocol load_oja_recovery(const json& raw, const std::string& path) {
  OjaRecoveryProtocol p;
  JObj o = open_protocol(raw, path, "oja_recovery", p);
  p.network = o.need("network", "the network (a file path or the network itself)");
  if (!p.network.is_object()) fail("/network", p.network, "the network (a file path or the network itself)");
  p.network.erase("output");
  const std::string obj = "an object (as in a fit file, docs/fit.md)";
  p.fit = o.need("fit", obj), p.optimizer = o.need("optimizer", obj), p.runs = o.need("runs", obj);
  for (const char* k : {"fit", "optimizer", "runs"})
    if (!raw[k].is_object()) fail(std::string("/") + k, raw[k], obj);
  p.teacher = o.need("teacher", "the teacher's coefficients, {\"x1y1w0\": 1, \"x0y2w1\": -1}");
  if (!p.teacher.is_object() || p.teacher.empty()) fail("/teacher", p.teacher, "a non-empty object of coefficients");
  for (auto it = p.teacher.begin(); it != p.teacher.end(); ++it)
    if (Taylor::term_index(it.key()) < 0 || !it.value().is_number())
      fail("/teacher/" + it.key(), it.value(), "a number under a coefficient name x<a>y<b>w<c>");
  JObj ob(o.need("observe", "{\"population\", \"bin\", \"noise\", \"fraction\"}"), "/observe");
  p.population = ob.string("population", "the recorded population's name");
  p.bin = ob.number_or("bin", p.bin, "a bin in ms");
  p.noise = ob.number_or("noise", p.noise, "a noise sd in Hz");
  p.fraction = ob.number_or("fraction", p.fraction, "a fraction of the neurons");
  ob.finish("population, bin, noise, fraction");
  if (const json* c = o.get("criteria")) {
    JObj co(*c, "/criteria");
    p.tolerance = co.number_or("tolerance", p.tolerance, "a relative tolerance");
    p.others = co.number_or("others", p.others, "a fraction of x1y1w0");
    p.r2_weights = co.number_or("r2_weights", p.r2_weights, "an R^2");
    co.finish("tolerance, others, r2_weights");
  }
  if (const json* s = o.get("sweep")) {
    JObj so(*s, "/sweep");
    if (so.has("noise")) p.sweep_noise = so.numbers("noise", "noise sds in Hz");
    if (so.has("fraction")) p.sweep_fraction = so.numbers("fraction", "fractions of the neurons");
    p.sweep_fit = so.has("fit") ? (*s)["fit"] : p.fit;
    p.sweep_optimizer = so.has("optimizer") ? (*s)["optimizer"] : p.optimizer;
    so.get("fit"), so.get("optimizer");
    so.finish("noise, fraction, fit, optimizer");
  }
  o.finish("name, kind, summary, network, teacher, fit, observe, optimizer, runs, criteria, sweep");
  return p;
}

namespace {

// Writes the fit file of one fit (observing noise and fraction) into `dir` and reads it back.
FitSpec fit_spec(const OjaRecoveryProtocol& p, const NetworkSpec& ns, const json& fit, const json& optimizer, double noise,
                 double fraction, const std::string& dir, const std::string& teacher_dir) {
  fs::create_directories(dir);
  const std::string rel = fs::relative(teacher_dir, dir).string();
  json data = json::array();
  data.push_back({{"observable", "rates"}, {"population", p.population}, {"bin", p.bin}, {"noise", noise},
                  {"fraction", fraction}, {"file", rel + "/seed{seed}/" + ns.output.spikes_file}});
  for (const WeightMonitorSpec& m : ns.weights)  // reported, not fitted
    data.push_back({{"observable", "weights"}, {"file", rel + "/seed{seed}/" + m.file_name()}, {"weight", 0}});
  json f = {{"name", p.name}, {"network", with_coefficients(p.network, p.fit, json::object())}, {"fit", fit}, {"data", data},
            {"optimizer", optimizer}, {"runs", p.runs}};
  const std::string path = (fs::path(dir) / "fit.json").string();
  std::ofstream(path) << f.dump(1) << "\n";
  return load_fit(f, path);
}

double min_r2(const std::vector<double>& r2, size_t from) {
  double m = INFINITY;
  for (size_t d = from; d < r2.size(); ++d) m = std::min(m, r2[d]);
  return m;
}

}  // namespace

OjaRecoveryResult run_oja_recovery(const OjaRecoveryProtocol& p, const std::string& out_dir, bool quiet, const RunOptions& engine) {
  OjaRecoveryResult res;
  fs::create_directories(out_dir);
  const std::string teacher_dir = (fs::path(out_dir) / "teacher").string();
  const json teacher_net = with_coefficients(p.network, p.fit, p.teacher);
  const NetworkSpec ns = parse_network(teacher_net, p.file, Overrides{});
  if (ns.find_population(p.population) < 0) fail("/observe/population", p.population, "a population of the network");
  if (!ns.record_spikes) fail_msg("/network/monitors", "the teacher records no spikes, expected a spikes monitor of the observed population");
  // The teacher's recordings, one folder per seed (fitted and held out).
  const std::vector<uint64_t> seeds = run_seeds(p.runs);
  record_teacher(teacher_net, p.file, seeds, teacher_dir, engine);
  if (!quiet) std::printf("  teacher: %zu runs recorded in %s\n", seeds.size(), teacher_dir.c_str());

  const FitSpec spec = fit_spec(p, ns, p.fit, p.optimizer, p.noise, p.fraction, out_dir, teacher_dir);
  res.fit = run_fit(spec, out_dir, quiet);
  res.files = res.fit.files;
  int i110 = -1;
  for (size_t i = 0; i < spec.terms.size(); ++i) {
    const std::string name = Taylor::term_name(spec.terms[i]);
    res.teacher_phi.push_back(p.teacher.value(name, 0.0) / res.fit.scale[i]);
    if (name == "x1y1w0") i110 = static_cast<int>(i);
  }
  const double ref = i110 >= 0 ? std::fabs(res.fit.phi[i110]) : 0.0;
  bool terms_ok = true;
  {
    std::ofstream c((fs::path(out_dir) / "oja_recovery.csv").string());
    c << "term,teacher_theta,fitted_theta,teacher_phi,fitted_phi,criterion,ok\n";
    for (size_t i = 0; i < spec.terms.size(); ++i) {
      const double t = res.teacher_phi[i], f = res.fit.phi[i];
      const bool teacher_term = t != 0.0;
      const double measure = teacher_term ? std::fabs(f - t) / std::fabs(t) : (ref > 0 ? std::fabs(f) / ref : INFINITY);
      const bool ok = measure <= (teacher_term ? p.tolerance : p.others);
      terms_ok = terms_ok && ok;
      if (teacher_term) res.max_rel_error = std::max(res.max_rel_error, measure);
      else res.max_other = std::max(res.max_other, measure);
      char line[256];
      std::snprintf(line, sizeof line, "%s,%.9g,%.9g,%.6g,%.6g,%s %.4f,%d\n", Taylor::term_name(spec.terms[i]).c_str(),
                    t * res.fit.scale[i], res.fit.theta[spec.terms[i]], t, f,
                    teacher_term ? "relative error" : "|phi| / |phi_x1y1w0|", measure, ok ? 1 : 0);
      c << line;
    }
    res.files.push_back((fs::path(out_dir) / "oja_recovery.csv").string());
  }
  const auto& r2 = spec.held_out.empty() ? res.fit.r2_fit : res.fit.r2_held_out;
  res.r2_weights = min_r2(r2, 1);
  res.pass = terms_ok && res.r2_weights >= p.r2_weights;
  if (!quiet)
    std::printf("  teacher's terms within %.1f%% (criterion %.0f%%), others at most %.3f of x1y1w0 (criterion %.2f), "
                "weights R^2 %.4f on %s runs (criterion %.2f): %s\n",
                100 * res.max_rel_error, 100 * p.tolerance, res.max_other, p.others, res.r2_weights,
                spec.held_out.empty() ? "the fitted" : "held-out", p.r2_weights, res.pass ? "PASS" : "FAIL");

  // The sweep: recording noise (all neurons), then the fraction recorded (no noise).
  std::vector<std::pair<double, double>> points;
  for (double n : p.sweep_noise) points.push_back({n, 1.0});
  for (double f : p.sweep_fraction) points.push_back({0.0, f});
  for (const auto& [noise, fraction] : points) {
    char name[64];
    std::snprintf(name, sizeof name, "noise%g_fraction%g", noise, fraction);
    const FitSpec s = fit_spec(p, ns, p.sweep_fit, p.sweep_optimizer, noise, fraction,
                               (fs::path(out_dir) / "sweep" / name).string(), teacher_dir);
    const FitResult r = run_fit(s, (fs::path(out_dir) / "sweep" / name).string(), true);
    const auto& rr = s.held_out.empty() ? r.r2_fit : r.r2_held_out;
    res.sweep.push_back({noise, fraction, min_r2(rr, 1), rr[0], r.loss});
    if (!quiet) std::printf("  sweep: noise %g Hz, fraction %g: weights R^2 %.4f, rates R^2 %.4f\n", noise, fraction, res.sweep.back().r2_weights, rr[0]);
  }
  if (!res.sweep.empty()) {
    const std::string csv = (fs::path(out_dir) / "oja_recovery_sweep.csv").string();
    std::ofstream c(csv);
    c << "noise_hz,fraction,r2_weights,r2_rates,loss\n";
    ChartPanel pn{"Held-out weight trajectories against recording noise (all neurons)", "noise sd (Hz)", "R^2", {}, {}, false};
    ChartPanel pf{"Against the fraction of neurons recorded (no noise)", "fraction recorded", "R^2", {}, {}, false};
    ChartSeries wn{"weights", {}, {}}, rn{"rates", {}, {}}, wf{"weights", {}, {}}, rf{"rates", {}, {}};
    for (const OjaSweepPoint& s : res.sweep) {
      c << s.noise << "," << s.fraction << "," << s.r2_weights << "," << s.r2_rates << "," << s.loss << "\n";
      const bool by_noise = &s - res.sweep.data() < static_cast<long>(p.sweep_noise.size());
      (by_noise ? wn : wf).x.push_back(by_noise ? s.noise : s.fraction);
      (by_noise ? wn : wf).y.push_back(s.r2_weights);
      (by_noise ? rn : rf).x.push_back(by_noise ? s.noise : s.fraction);
      (by_noise ? rn : rf).y.push_back(s.r2_rates);
    }
    pn.series = {wn, rn}, pf.series = {wf, rf};
    const std::string svg = (fs::path(out_dir) / "oja_recovery_sweep.svg").string();
    write_chart(svg, "Oja's rule recovered from spiking activity: R^2 of the fitted rule (Mehta et al. 2024, Fig. 2D-F)", {pn, pf});
    res.files.push_back(csv);
    res.files.push_back(svg);
  }
  return res;
}

ProtocolOutcome run_oja_recovery_kind(const ProtocolCall& c) {
  return run_kind(c, [&] { return load_oja_recovery(c.raw, c.path); }, run_oja_recovery, [](const OjaRecoveryProtocol& p) {
    return ": teacher " + p.teacher.dump() + ", fit " + p.fit.value("coefficients", json()).dump();
  });
}

}  // namespace spikesim
