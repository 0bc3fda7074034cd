#include "protocols/kinds.hpp"
#include "protocols/disinhibition_sign.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>

#include "plasticity/network.hpp"
#include "protocols/simulate.hpp"
#include "plasticity/plasticity.hpp"
#include "protocols/protocol.hpp"
#include "protocols/svg_chart.hpp"

namespace spikesim {

namespace fs = std::filesystem;

DisinhibitionProtocol load_disinhibition(const json& raw, const std::string& path) {
  DisinhibitionProtocol p;
  JObj o = open_protocol(raw, path, "disinhibition_sign", p);
  p.seeds = read_protocol_seeds(o, p.seeds, 2, " (a standard error needs 2)");
  JObj c(o.need("circuit", "{\"plastic\", \"excitatory\", \"interneurons\", \"topdown\", \"inhibition\", \"input\"}"), "/circuit");
  p.plastic = c.string("plastic", "the plastic projection's name (rule disinhibitory)");
  p.excitatory = c.string("excitatory", "the excitatory population's name");
  p.interneurons = c.string("interneurons", "the interneuron population's name");
  p.topdown = c.string("topdown", "the name of the top-down projection onto the interneurons");
  p.inhibition = c.string("inhibition", "the name of the interneurons' projection onto the excitatory neurons");
  p.input = c.string("input", "the name of the Poisson population of the plastic inputs");
  c.finish("plastic, excitatory, interneurons, topdown, inhibition, input");
  p.drives = o.numbers("drives", "a list of top-down weights (negative: inhibits the interneurons)");
  if (p.drives.size() < 3 || !std::is_sorted(p.drives.begin(), p.drives.end()) ||
      std::adjacent_find(p.drives.begin(), p.drives.end()) != p.drives.end() || p.drives.front() >= 0 || p.drives.back() <= 0 ||
      std::find(p.drives.begin(), p.drives.end(), 0.0) == p.drives.end())
    fail("/drives", raw["drives"], "at least 3 increasing drives, from negative through 0 to positive");
  p.calibration_rates = o.numbers("calibration_rates", "input rates (Hz) for the calibration runs");
  if (p.calibration_rates.size() < 2) fail("/calibration_rates", raw["calibration_rates"], "at least 2 input rates (Hz)");
  for (double r : p.calibration_rates)
    if (!(r >= 0)) fail("/calibration_rates", raw["calibration_rates"], "input rates >= 0 Hz");
  if (const json* pr = o.get("predictions")) {
    JObj po(*pr, "/predictions");
    p.prediction_drive = po.number_or("drive", p.prediction_drive, "a top-down weight");
    p.block = po.number_or("block", p.block, "a factor on the inhibition's weight");
    p.enhance = po.number_or("enhance", p.enhance, "a factor on the inhibition's weight");
    if (!(p.block < 1) || !(p.block >= 0)) fail("/predictions/block", (*pr)["block"], "a factor in [0, 1)");
    if (!(p.enhance > 1)) fail("/predictions/enhance", (*pr)["enhance"], "a factor > 1");
    po.finish("drive, block, enhance");
  }
  p.zero_fraction = o.number_or("zero_fraction", p.zero_fraction, "a fraction in (0, 1)");
  if (!(p.zero_fraction > 0 && p.zero_fraction < 1)) fail("/zero_fraction", raw["zero_fraction"], "a fraction in (0, 1)");
  p.network = o.need("network", "a network file (without \"output\")");
  if (!p.network.is_object()) fail("/network", p.network, "a network file (an object)");
  o.finish("name, kind, summary, seeds, circuit, drives, calibration_rates, predictions, zero_fraction, network");
  return p;
}

namespace {

struct RunSetting {
  uint64_t seed = 1;
  double drive = 0, inhibition_scale = 1;
  bool learn = true;
  double a = 0, b = 0, input_rate = -1;  // input_rate < 0: the file's
};

struct RunOut {
  double dw = 0, rate_E = 0, rate_I = 0, nu_I_scale = 1;
};

RunOut run_one(const DisinhibitionProtocol& p, const RunSetting& s, const std::string& dir, const RunOptions& engine) {
  json nj = network_for_run(p.network, dir, s.seed);
  json& td = projection_json(nj, p.topdown, "/circuit/topdown");
  td["weight"] = s.drive;
  td["receptor"] = s.drive < 0 ? "in" : "ex";
  json& inh = projection_json(nj, p.inhibition, "/circuit/inhibition");
  if (!inh.contains("weight") || !inh["weight"].is_number())
    fail("/circuit/inhibition", p.inhibition, "a projection whose \"weight\" is a number (the predictions scale it)");
  inh["weight"] = inh["weight"].get<double>() * s.inhibition_scale;
  json& pl = projection_json(nj, p.plastic, "/circuit/plastic");
  if (!pl.contains("plasticity") || !pl["plasticity"].is_object() || pl["plasticity"].value("rule", "") != "disinhibitory")
    fail("/circuit/plastic", p.plastic, "a projection with the disinhibitory rule");
  pl["plasticity"]["a"] = s.a;
  pl["plasticity"]["b"] = s.b;
  if (s.input_rate >= 0) {
    if (!nj.contains("populations") || !nj["populations"].contains(p.input))
      fail("/circuit/input", p.input, "a population of the network");
    nj["populations"][p.input]["params"]["rate"] = s.input_rate;
  }
  Network net = build_protocol_network(nj, p.file, "", "/network");
  const int ip = net.spec.find_projection(p.plastic), e = population_index(net, p.excitatory, "/circuit/excitatory"),
            i = population_index(net, p.interneurons, "/circuit/interneurons");
  Projection& proj = net.projs[ip];
  if (!s.learn) proj.plastic->switch_off();
  RunOut out;
  double before = 0, after = 0;
  for (float w : proj.csr.weight) before += w;
  out.nu_I_scale = proj.plastic->partner.mean_scale();
  RunOptions opt = engine;
  opt.threads = 1;
  const RunResult r = simulate(net, opt);
  for (float w : proj.csr.weight) after += w;
  const double n = static_cast<double>(std::max<uint64_t>(proj.csr.size(), 1)), T = net.spec.run.tstop * 1e-3;
  out.dw = (after - before) / n;
  out.rate_E = r.spike_counts[e] / (T * net.pops[e].size);
  out.rate_I = r.spike_counts[i] / (T * net.pops[i].size);
  return out;
}

void summarize(DisinhibitionPoint& pt) {
  const double n = static_cast<double>(pt.dw.size());
  pt.mean = pt.mean_E = pt.mean_I = 0;
  for (size_t k = 0; k < pt.dw.size(); ++k) pt.mean += pt.dw[k] / n, pt.mean_E += pt.rate_E[k] / n, pt.mean_I += pt.rate_I[k] / n;
  double var = 0;
  for (double x : pt.dw) var += (x - pt.mean) * (x - pt.mean) / (n - 1);
  pt.se = std::sqrt(var / n);
}

}  // namespace

DisinhibitionResult run_disinhibition(const DisinhibitionProtocol& p, const std::string& out_dir, bool quiet, const RunOptions& engine) {
  fs::create_directories(out_dir);
  DisinhibitionResult res;
  const std::string scratch = (fs::path(out_dir) / "run").string();
  const uint64_t seed0 = network_seed(p.network);
  // 1. Calibration: nu_E = a + b nu_I over input rates, no drive, no learning.
  for (double rate : p.calibration_rates)
    for (int s = 0; s < p.seeds; ++s) {
      RunSetting st;
      st.seed = seed0 + 1000 + s;  // seeds of their own
      st.learn = false;
      st.input_rate = rate;
      const RunOut o = run_one(p, st, scratch, engine);
      res.cal_nu_E.push_back(o.rate_E);
      res.cal_nu_I.push_back(o.rate_I * o.nu_I_scale);
    }
  if (!fit_line(res.cal_nu_I, res.cal_nu_E, res.a, res.b))
    throw RunError("calibration: the interneurons' rate did not change with the input rate; no threshold can be fitted");
  if (!quiet) std::printf("  calibration (%zu runs): nu_E = %.3f + %.4f nu_I (Hz)\n", res.cal_nu_E.size(), res.a, res.b);
  auto point = [&](const std::string& label, double drive, double scale) {
    DisinhibitionPoint pt;
    pt.label = label;
    pt.drive = drive;
    for (int s = 0; s < p.seeds; ++s) {
      RunSetting st;
      st.seed = seed0 + s;
      st.drive = drive;
      st.inhibition_scale = scale;
      st.a = res.a;
      st.b = res.b;
      const RunOut o = run_one(p, st, scratch, engine);
      pt.dw.push_back(o.dw);
      pt.rate_E.push_back(o.rate_E);
      pt.rate_I.push_back(o.rate_I);
    }
    summarize(pt);
    if (!quiet)
      std::printf("  %-24s drive %8.2f: dw %+.4f +- %.4f (SE, %d seeds); E %.2f Hz, I %.2f Hz\n", label.c_str(), drive, pt.mean, pt.se,
                  p.seeds, pt.mean_E, pt.mean_I);
    return pt;
  };
  // 2. Sweep.
  for (double d : p.drives) res.sweep.push_back(point("sweep", d, 1.0));
  // 3. Predictions (the intact circuit is the sweep's point when the drive is one of them).
  const auto at = std::find(p.drives.begin(), p.drives.end(), p.prediction_drive);
  if (at != p.drives.end()) res.baseline = res.sweep[at - p.drives.begin()];
  else res.baseline = point("", p.prediction_drive, 1.0);
  res.baseline.label = "inhibition intact";
  res.blocked = point("inhibition x " + fmt_number(p.block), p.prediction_drive, p.block);
  res.enhanced = point("inhibition x " + fmt_number(p.enhance), p.prediction_drive, p.enhance);
  fs::remove_all(scratch);
  // Checks.
  double max_abs = 0;
  res.monotone = res.signs = true;
  for (size_t k = 0; k < res.sweep.size(); ++k) {
    const auto& pt = res.sweep[k];
    max_abs = std::max(max_abs, std::fabs(pt.mean));
    if (k > 0 && !(pt.mean < res.sweep[k - 1].mean)) res.monotone = false;
    if ((pt.drive < 0 && !(pt.mean > 0)) || (pt.drive > 0 && !(pt.mean < 0))) res.signs = false;
  }
  for (const auto& pt : res.sweep)
    if (pt.drive == 0) res.zero = std::fabs(pt.mean) <= p.zero_fraction * max_abs;
  res.block_ok = res.blocked.mean > res.baseline.mean;
  res.enhance_ok = res.enhanced.mean < res.baseline.mean;
  res.pass = res.monotone && res.signs && res.zero && res.block_ok && res.enhance_ok;
  // Outputs.
  const std::string runs_csv = (fs::path(out_dir) / (p.name + ".csv")).string();
  std::ofstream c(runs_csv);
  c << "condition,drive,seed,dw,rate_E_Hz,rate_I_Hz\n";
  auto rows = [&](const DisinhibitionPoint& pt) {
    for (size_t s = 0; s < pt.dw.size(); ++s)
      c << '"' << pt.label << "\"," << fmt_number(pt.drive) << ',' << seed0 + s << ',' << fmt_number(pt.dw[s], 8) << ','
        << fmt_number(pt.rate_E[s]) << ',' << fmt_number(pt.rate_I[s]) << '\n';
  };
  for (const auto& pt : res.sweep) rows(pt);
  for (const auto* pt : {&res.baseline, &res.blocked, &res.enhanced}) rows(*pt);
  res.files.push_back(runs_csv);
  const std::string sum_csv = (fs::path(out_dir) / (p.name + "_summary.csv")).string();
  std::ofstream sc(sum_csv);
  sc << "condition,drive,mean_dw,se_dw,rate_E_Hz,rate_I_Hz\n";
  std::vector<const DisinhibitionPoint*> all;
  for (const auto& pt : res.sweep) all.push_back(&pt);
  for (const auto* pt : {&res.baseline, &res.blocked, &res.enhanced}) all.push_back(pt);
  for (const auto* pt : all)
    sc << '"' << pt->label << "\"," << fmt_number(pt->drive) << ',' << fmt_number(pt->mean, 8) << ',' << fmt_number(pt->se, 8) << ','
       << fmt_number(pt->mean_E) << ',' << fmt_number(pt->mean_I) << '\n';
  sc << "# calibration: nu_E = a + b nu_I, a = " << fmt_number(res.a, 8) << " Hz, b = " << fmt_number(res.b, 8) << '\n';
  res.files.push_back(sum_csv);
  // Plot: dw against the drive (mean, its +-SE and each seed), the rates, the predictions.
  ChartPanel dwp{"mean weight change of the plastic inputs", "top-down drive onto the interneurons (< 0: disinhibition, > 0: added inhibition)",
                 "dw", {}, {}, true, 340};
  std::vector<double> x, m, lo, hi, xs, ys;
  for (const auto& pt : res.sweep) {
    x.push_back(pt.drive), m.push_back(pt.mean), lo.push_back(pt.mean - pt.se), hi.push_back(pt.mean + pt.se);
    for (double d : pt.dw) xs.push_back(pt.drive), ys.push_back(d);
  }
  dwp.series.push_back({"mean over " + std::to_string(p.seeds) + " seeds", x, m, ChartSeries::kLineDots, 0});
  dwp.series.push_back({"mean - SE", x, lo, ChartSeries::kLine, 7});
  dwp.series.push_back({"mean + SE", x, hi, ChartSeries::kLine, 7});
  dwp.series.push_back({"each seed", xs, ys, ChartSeries::kOpenCircles, 0});
  ChartPanel rp{"rates", "top-down drive", "rate (Hz)", {}, {}, true, 260};
  std::vector<double> rE, rI;
  for (const auto& pt : res.sweep) rE.push_back(pt.mean_E), rI.push_back(pt.mean_I);
  rp.series.push_back({"excitatory neurons", x, rE, ChartSeries::kLineDots, 1});
  rp.series.push_back({"interneurons", x, rI, ChartSeries::kLineDots, 3});
  ChartPanel pp{"predictions at drive " + fmt_number(p.prediction_drive), "", "dw", {}, {}, true, 260};
  pp.x_categories = {res.baseline.label, res.blocked.label, res.enhanced.label};
  pp.series.push_back({"mean over seeds", {0, 1, 2}, {res.baseline.mean, res.blocked.mean, res.enhanced.mean}, ChartSeries::kDots, 0});
  const std::string svg = (fs::path(out_dir) / (p.name + ".svg")).string();
  write_chart(svg, "Disinhibitory sign control (Rossbroich & Zenke 2023): the sign of plasticity follows the top-down drive",
              {dwp, rp, pp});
  res.files.push_back(svg);
  if (!quiet) {
    auto yn = [](bool b) { return b ? "yes" : "NO"; };
    std::printf("  dw falls strictly with the drive: %s; > 0 under disinhibition and < 0 under added inhibition: %s\n",
                yn(res.monotone), yn(res.signs));
    std::printf("  |dw| with no drive <= %.0f%% of the largest |dw| (%.4f): %s\n", 100 * p.zero_fraction, max_abs, yn(res.zero));
    std::printf("  blocking inhibition enhances LTP: %s; enhancing it suppresses or reverses LTP: %s -> %s\n", yn(res.block_ok),
                yn(res.enhance_ok), res.pass ? "PASS" : "FAIL");
  }
  return res;
}

ProtocolOutcome run_disinhibition_sign_kind(const ProtocolCall& c) {
  return run_kind(c, [&] { return load_disinhibition(c.raw, c.path); }, run_disinhibition,
                  [](const DisinhibitionProtocol& d) { return ": " + std::to_string(d.drives.size()) + " drives x " + std::to_string(d.seeds) + " seeds"; });
}

}  // namespace spikesim
