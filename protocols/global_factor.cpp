#include "protocols/kinds.hpp"
#include "protocols/global_factor.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "plasticity/network.hpp"
#include "protocols/simulate.hpp"
#include "protocols/recorders.hpp"
#include "plasticity/global_istdp.hpp"
#include "plasticity/plasticity.hpp"
#include "protocols/protocol.hpp"
#include "protocols/svg_chart.hpp"

namespace spikesim {

namespace fs = std::filesystem;

GlobalFactorProtocol load_global_factor(const json& raw, const std::string& path) {
  GlobalFactorProtocol p;
  JObj o = open_protocol(raw, path, "global_factor", p);
  read_protocol_run(o, p.dt, p.seed);
  p.seeds = read_protocol_seeds(o, p.seeds, 1);
  JObj pop(o.need("population", "{\"size\", \"rates\"}"), "/population");
  p.size = static_cast<uint32_t>(pop.integer("size", "a population size >= 1"));
  if (p.size < 1) pop.reject("size", "a population size >= 1");
  p.rates = pop.numbers("rates", "one rate (Hz) per epoch");
  pop.finish("size, rates");
  p.epoch = o.number_or("epoch", p.epoch, "an epoch length in ms");
  p.delay = o.number_or("delay", p.delay, "a delay in ms");
  JObj pr(o.need("pairing", "{\"at\", \"dt_s\"}"), "/pairing");
  p.at = pr.number("at", "the presynaptic arrival time within each epoch (ms)");
  p.dt_s = pr.number("dt_s", "t_post - t_pre at the synapse (ms)");
  pr.finish("at, dt_s");
  if (!(p.at > p.delay && p.at + std::max(p.dt_s, 0.0) < p.epoch)) pr.reject("at", "a pairing inside the epoch");
  JObj sig(o.need("signal", "{\"tau\"}"), "/signal");
  p.tau_H = sig.number("tau", "tau_H in ms");
  sig.finish("tau");
  p.gamma = o.number("gamma", "the target rate gamma (Hz)");
  p.initial_weight = o.number_or("initial_weight", p.initial_weight, "a weight");
  p.plasticity = o.need("plasticity", "a projection's \"plasticity\" object");
  if (!p.plasticity.is_object()) fail("/plasticity", p.plasticity, "a projection's \"plasticity\" object");
  if (!p.plasticity.contains("factor")) p.plasticity["factor"] = {{"signal", "H"}, {"offset", -p.gamma}};
  JObj ex(o.need("expected", "{\"dw\", \"sd_G\"}"), "/expected");
  p.expected_dw = ex.numbers("dw", "one expected dw per epoch");
  p.sd_G = ex.numbers("sd_G", "one sd of G (Hz) per epoch");
  ex.finish("dw, sd_G");
  if (p.expected_dw.size() != p.rates.size() || p.sd_G.size() != p.rates.size())
    fail("/expected", raw["expected"], std::to_string(p.rates.size()) + " values each (one per epoch)");
  if (const json* t = o.get("tolerance")) {
    JObj to(*t, "/tolerance");
    p.tol_sd = to.number_or("sd", p.tol_sd, "standard deviations per seed");
    p.tol_se = to.number_or("mean_se", p.tol_se, "standard errors of the mean over seeds");
    p.rel_exact = to.number_or("relative_exact", p.rel_exact, "relative tolerance where sd is 0");
    to.finish("sd, mean_se, relative_exact");
  }
  o.finish("name, kind, summary, run, seeds, population, epoch, pairing, delay, signal, gamma, initial_weight, plasticity, expected, tolerance");
  return p;
}

namespace {

json protocol_network(const GlobalFactorProtocol& p, uint64_t seed, const std::string& dir) {
  json rates = json::array(), times = json::array(), pre = json::array(), post = json::array();
  for (size_t k = 0; k < p.rates.size(); ++k) {
    rates.push_back(p.rates[k]);
    times.push_back(k * p.epoch);
    pre.push_back(k * p.epoch + p.at - p.delay);
    post.push_back(k * p.epoch + p.at + p.dt_s);
  }
  return {{"description", "protocol " + p.name + ", seed " + std::to_string(seed)},
          {"run", {{"tstop", p.rates.size() * p.epoch + 1.0}, {"dt", p.dt}, {"seed", seed}}},
          {"output", {{"dir", dir}, {"overwrite", true}}},
          {"populations",
           {{"drive", {{"model", "poisson"}, {"size", p.size}, {"params", {{"rates", rates}, {"times", times}}}}},
            {"pre", {{"model", "spike_generator"}, {"params", {{"spike_times", json::array({pre})}}}}},
            {"post", {{"model", "spike_generator"}, {"params", {{"spike_times", json::array({post})}}}}}}},
          {"globals", {{"H", {{"type", "rate_estimate"}, {"population", "drive"}, {"tau", p.tau_H}}}}},
          {"projections",
           json::array({{{"name", "pair"}, {"source", "pre"}, {"target", "post"}, {"connectivity", {{"rule", "one_to_one"}}},
                         {"weight", p.initial_weight}, {"delay", p.delay}, {"plasticity", p.plasticity}}})},
          {"monitors", json::array({{{"type", "spikes"}, {"populations", {"pre", "post"}}},
                                    {{"type", "signals"}, {"dt", 1.0}},
                                    {{"type", "weights"}, {"projection", "pair"}, {"synapses", "all"}, {"dt", 1.0}}})}};
}

}  // namespace

GlobalFactorResult run_global_factor(const GlobalFactorProtocol& p, const std::string& out_dir, bool quiet, const RunOptions& engine) {
  fs::create_directories(out_dir);
  GlobalFactorResult res;
  const size_t E = p.rates.size();
  std::vector<double> t_ms, G1, w1;  // time series of the first seed
  double eta = 0, tau = 0;
  for (int s = 0; s < p.seeds; ++s) {
    const uint64_t seed = p.seed + s;
    const std::string dir = (fs::path(out_dir) / ("seed" + std::to_string(seed))).string();
    Network net = build_protocol_network(protocol_network(p, seed, dir), p.file, "/projections/0/plasticity", "/plasticity");
    const auto* rule = dynamic_cast<const PlasticityOf<GlobalIstdp>*>(net.projs[0].plastic.get());
    if (!rule) fail("/plasticity/rule", p.plasticity["rule"], "\"global_istdp\"");
    eta = rule->params.eta;
    tau = rule->pre.spec.tau[0];
    RunOptions opt = engine;
    opt.threads = 1;
    MonitorList rec;  // the weight and H every 1 ms, as the files record them
    rec.push_back(std::make_unique<WeightRecorder>(net, net.spec.weights.at(0)));
    rec.push_back(std::make_unique<SignalRecorder>(net.spec.find_signal("H"), static_cast<uint64_t>(std::llround(1.0 / net.spec.run.dt))));
    const RunResult run = simulate(net, opt, rec);
    res.files.insert(res.files.end(), run.files.begin(), run.files.end());
    const std::vector<float>& w = static_cast<const WeightRecorder&>(*rec[0]).rows;
    const std::vector<double>& H = static_cast<const SignalRecorder&>(*rec[1]).values;
    std::vector<double> dw(E), G(E);
    for (size_t k = 0; k < E; ++k) {  // rows every 1 ms
      const auto r0 = static_cast<size_t>(std::llround(k * p.epoch)), r1 = static_cast<size_t>(std::llround((k + 1) * p.epoch));
      dw[k] = static_cast<double>(w.at(r1)) - w.at(r0);
      G[k] = H.at(static_cast<size_t>(std::llround(k * p.epoch + p.at))) - p.gamma;
    }
    res.dw.push_back(dw);
    res.G.push_back(G);
    if (s == 0)
      for (size_t r = 0; r < H.size() && r < w.size(); ++r) t_ms.push_back(r * 1.0), G1.push_back(H[r] - p.gamma), w1.push_back(w[r]);
  }
  // Expected values and checks
  const double pair = 1.0 + std::exp(-p.dt_s / tau);  // x_post + 1 at the pre spike, x_pre at the post spike
  res.seed_fail.assign(p.seeds, 0);
  for (size_t k = 0; k < E; ++k) {
    const double r_prev = k ? p.rates[k - 1] : 0.0, relax = std::exp(-p.at / p.tau_H);
    const double EG_pre = p.rates[k] + (r_prev - p.rates[k]) * relax - p.gamma;
    const double EG_post = p.rates[k] + (r_prev - p.rates[k]) * std::exp(-(p.at + p.dt_s) / p.tau_H) - p.gamma;
    res.analytic_dw.push_back(eta * (EG_pre + EG_post * std::exp(-p.dt_s / tau)));
    const double sd = eta * pair * p.sd_G[k], ex = p.expected_dw[k];
    res.sd_dw.push_back(sd);
    double sum = 0;
    for (int s = 0; s < p.seeds; ++s) {
      const double d = res.dw[s][k];
      sum += d;
      const bool ok = sd > 0 ? std::fabs(d - ex) <= p.tol_sd * sd : std::fabs(d - ex) <= p.rel_exact * std::fabs(ex);
      if (!ok) ++res.seed_fail[s];
      // signs: -, +, or ~0 where the expected value is within tol_sd sd of zero
      const int want = std::fabs(ex) <= p.tol_sd * sd ? 0 : (ex > 0 ? 1 : -1);
      if (want != 0 && (d > 0 ? 1 : -1) != want) res.signs_ok = false;
      if (want == 0 && std::fabs(d) > p.tol_sd * sd) res.signs_ok = false;
    }
    const double mean = sum / p.seeds, se = sd / std::sqrt(static_cast<double>(p.seeds));
    res.mean_dw.push_back(mean);
    res.se_dw.push_back(se);
    res.mean_ok.push_back(sd > 0 ? std::fabs(mean - ex) <= p.tol_se * se : std::fabs(mean - ex) <= p.rel_exact * std::fabs(ex));
    res.pass = res.pass && res.mean_ok.back();
  }
  for (int f : res.seed_fail) res.pass = res.pass && f == 0;
  res.pass = res.pass && res.signs_ok;

  // CSVs
  const std::string per_seed = (fs::path(out_dir) / (p.name + ".csv")).string();
  std::ofstream c(per_seed);
  c << "seed,epoch,rate_hz,G_at_pairing_hz,dw,expected_dw,sd_dw,z\n";
  for (int s = 0; s < p.seeds; ++s)
    for (size_t k = 0; k < E; ++k)
      c << p.seed + s << ',' << k << ',' << fmt_number(p.rates[k]) << ',' << fmt_number(res.G[s][k]) << ',' << fmt_number(res.dw[s][k]) << ','
        << fmt_number(p.expected_dw[k]) << ',' << fmt_number(res.sd_dw[k]) << ','
        << (res.sd_dw[k] > 0 ? fmt_number((res.dw[s][k] - p.expected_dw[k]) / res.sd_dw[k]) : "") << '\n';
  const std::string summary = (fs::path(out_dir) / (p.name + "_summary.csv")).string();
  std::ofstream m(summary);
  m << "epoch,rate_hz,mean_dw,se_dw,expected_dw,analytic_dw,seeds,within\n";
  for (size_t k = 0; k < E; ++k)
    m << k << ',' << fmt_number(p.rates[k]) << ',' << fmt_number(res.mean_dw[k]) << ',' << fmt_number(res.se_dw[k]) << ',' << fmt_number(p.expected_dw[k]) << ','
      << fmt_number(res.analytic_dw[k]) << ',' << p.seeds << ',' << (res.mean_ok[k] ? "yes" : "no") << '\n';
  const std::string series = (fs::path(out_dir) / (p.name + "_seed" + std::to_string(p.seed) + ".csv")).string();
  std::ofstream ts(series);
  ts << "t_ms,G_hz,w\n";
  for (size_t r = 0; r < t_ms.size(); ++r) ts << fmt_number(t_ms[r]) << ',' << fmt_number(G1[r]) << ',' << fmt_number(w1[r]) << '\n';
  res.files.insert(res.files.end(), {per_seed, summary, series});

  // Plot: G(t) and w(t) of the first seed with the pairings marked; dw against G.
  ChartSeries pairings{"pairings (pre arrival)", {}, {}, ChartSeries::kEvents, 7};
  for (size_t k = 0; k < E; ++k) pairings.x.push_back((k * p.epoch + p.at) * 1e-3);
  std::vector<double> t_s;
  for (double t : t_ms) t_s.push_back(t * 1e-3);
  ChartPanel pg{"global factor G = H - gamma (seed " + std::to_string(p.seed) + ")", "time (s)", "G (Hz)",
                {{"G(t)", t_s, G1, ChartSeries::kLine, 0}, pairings}, {}, true, 300};
  ChartPanel pw{"weight of the paired synapse (seed " + std::to_string(p.seed) + ")", "time (s)", "w (weight units)",
                {{"w(t)", t_s, w1, ChartSeries::kLine, 1}, pairings}, {}, true, 300};
  ChartSeries sim{"dw per epoch, " + std::to_string(p.seeds) + " seeds", {}, {}, ChartSeries::kDots, 2};
  for (int s = 0; s < p.seeds; ++s)
    for (size_t k = 0; k < E; ++k) sim.x.push_back(res.G[s][k]), sim.y.push_back(res.dw[s][k]);
  double g0 = 0, g1 = 0;
  for (double g : sim.x) g0 = std::min(g0, g), g1 = std::max(g1, g);
  ChartSeries line{"eta G (1 + exp(-dt_s/tau))", {g0, g1}, {eta * pair * g0, eta * pair * g1}, ChartSeries::kLine, 0};
  ChartSeries ref{"expected dw at E[G] (docs/plasticity.md)", {}, {}, ChartSeries::kOpenCircles};
  for (size_t k = 0; k < E; ++k) ref.x.push_back(p.expected_dw[k] / (eta * pair)), ref.y.push_back(p.expected_dw[k]);
  ChartPanel pd{"dw per epoch against G at the pairing", "G (Hz)", "dw (weight units)", {sim, line, ref}, {}, true, 420};
  const std::string svg = (fs::path(out_dir) / (p.name + ".svg")).string();
  write_chart(svg, p.summary.empty() ? p.name : p.name + ": rate steps " + fmt_number(p.rates.front()) + " to " + fmt_number(p.rates.back()) + " Hz",
              {pg, pw, pd});
  res.files.push_back(svg);

  if (!quiet) {
    std::printf("  epoch  rate (Hz)  expected dw  analytic dw   mean dw (%d seeds)   2 SE    seed 1 dw   G seed 1\n", p.seeds);
    for (size_t k = 0; k < E; ++k)
      std::printf("  %5zu %10.2f %12.4f %12.4f %14.4f %12.4f %11.4f %10.3f  %s\n", k, p.rates[k], p.expected_dw[k],
                  res.analytic_dw[k], res.mean_dw[k], p.tol_se * res.se_dw[k], res.dw[0][k], res.G[0][k],
                  res.mean_ok[k] ? "ok" : "OUTSIDE");
    int bad = 0;
    for (int f : res.seed_fail) bad += f > 0;
    std::printf("  signs (-, -, ~0, +, +) in every seed: %s; seeds with an epoch beyond %g sd: %d of %d; overall: %s\n",
                res.signs_ok ? "yes" : "NO", p.tol_sd, bad, p.seeds, res.pass ? "PASS" : "FAIL");
  }
  return res;
}

ProtocolOutcome run_global_factor_kind(const ProtocolCall& c) {
  return run_kind(c, [&] { return load_global_factor(c.raw, c.path); }, run_global_factor,
                  [](const GlobalFactorProtocol& g) { return ": " + std::to_string(g.rates.size()) + " epochs x " + std::to_string(g.seeds) + " seeds"; });
}

}  // namespace spikesim
