#include "protocols/kinds.hpp"
#include "protocols/distal_reward.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/phase_clock.hpp"
#include "plasticity/network.hpp"
#include "protocols/simulate.hpp"
#include "protocols/recorders.hpp"
#include "plasticity/plasticity.hpp"
#include "protocols/protocol.hpp"
#include "protocols/svg_chart.hpp"

namespace spikesim {

namespace fs = std::filesystem;

DistalRewardProtocol load_distal_reward(const json& raw, const std::string& path) {
  DistalRewardProtocol p;
  JObj o = open_protocol(raw, path, "distal_reward", p);
  JObj c(o.need("chosen", "{\"projection\", \"synapse\"}"), "/chosen");
  p.projection = c.string("projection", "a plastic projection's name");
  const int64_t k = c.integer("synapse", "a synapse index >= 0");
  if (k < 0) c.reject("synapse", "a synapse index >= 0");
  p.synapse = static_cast<uint64_t>(k);
  c.finish("projection, synapse");
  JObj r(o.need("reward", "{\"signal\", \"window\", \"delay\", \"amount\"}"), "/reward");
  p.signal = r.string("signal", "a neuromodulator signal's name");
  p.window = r.number_or("window", p.window, "a window in ms");
  p.delay = r.need("delay", "a delay in ms or a distribution");
  p.amount = r.number_or("amount", p.amount, "the reward's amount");
  r.finish("signal, window, delay, amount");
  if (const json* rec = o.get("record")) {
    JObj ro(*rec, "/record");
    p.record_dt = ro.number_or("dt", p.record_dt, "a recording interval in ms");
    p.sample = static_cast<uint64_t>(ro.integer_or("sample", static_cast<int64_t>(p.sample), "a number of synapses"));
    ro.finish("dt, sample");
  }
  p.control = o.boolean_or("control", p.control);
  p.network = o.need("network", "a network file (without \"output\")");
  if (!p.network.is_object()) fail("/network", p.network, "a network file (an object)");
  o.finish("name, kind, summary, chosen, reward, record, control, network");
  return p;
}

namespace {

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0.0;
  const size_t i = static_cast<size_t>(q * (v.size() - 1));
  std::nth_element(v.begin(), v.begin() + i, v.end());
  return v[i];
}

DistalRewardRun run_one(const DistalRewardProtocol& p, bool reward, const std::string& dir, const RunOptions& engine) {
  json nj = p.network;
  nj["output"] = {{"dir", dir}, {"overwrite", true}};
  if (!nj.contains("monitors")) nj["monitors"] = json::array();
  nj["monitors"].push_back({{"type", "weights"}, {"projection", p.projection}, {"synapses", {p.synapse}},
                            {"dt", p.record_dt}, {"name", "chosen"}});
  nj["monitors"].push_back({{"type", "weights"}, {"projection", p.projection}, {"synapses", {{"sample", p.sample}}},
                            {"dt", p.record_dt}, {"name", "sample"}});
  Network net = build_protocol_network(nj, p.file, "", "/network");
  const int pi = net.spec.find_projection(p.projection);
  if (pi < 0) fail("/chosen/projection", p.projection, "a projection of the network");
  Projection& proj = net.projs[pi];
  if (!proj.plastic) fail("/chosen/projection", p.projection, "a plastic projection");
  const int si = net.spec.find_signal(p.signal);
  if (si < 0 || net.spec.signals[si].type != "neuromodulator") fail("/reward/signal", p.signal, "a neuromodulator of the network");
  DistalRewardRun run;
  run.label = reward ? "rewarded" : "control (no reward delivery)";
  run.w_max = proj.plastic->bounds.w_max;
  const auto& rp = proj.csr.row_ptr;
  run.pre = static_cast<uint64_t>(std::upper_bound(rp.begin(), rp.end(), p.synapse) - rp.begin() - 1);
  run.post = proj.csr.target[p.synapse];
  proj.csr.weight[p.synapse] = 0.0f;
  if (reward) {
    PairReward r;
    r.pre_pop = proj.source;
    r.post_pop = proj.target;
    r.pre = static_cast<uint32_t>(run.pre);
    r.post = static_cast<uint32_t>(run.post);
    r.window = p.window;
    r.amount = p.amount;
    r.delay = parse_distribution(p.delay, "/reward/delay");
    net.spec.signals[si].pair_rewards.push_back(r);
  }
  RunOptions opt = engine;
  opt.threads = 1;
  const auto t0 = std::chrono::steady_clock::now();
  MonitorList rec;  // the chosen and the sampled weights, as the two weights files record them
  const size_t n_mon = net.spec.weights.size();
  rec.push_back(std::make_unique<WeightRecorder>(net, net.spec.weights.at(n_mon - 2)));
  rec.push_back(std::make_unique<WeightRecorder>(net, net.spec.weights.at(n_mon - 1)));
  const RunResult res = simulate(net, opt, rec);
  run.wall_s = seconds_since(t0);
  run.rewards = res.pair_rewards;
  // Over time: the chosen weight and the sampled others.
  const std::vector<float>& cw = static_cast<const WeightRecorder&>(*rec[0]).rows;
  const std::vector<float>& sw = static_cast<const WeightRecorder&>(*rec[1]).rows;
  const std::vector<uint64_t>& ids = static_cast<const WeightRecorder&>(*rec[1]).synapses;
  const size_t cols = ids.size();
  for (size_t row = 0; row < cw.size() && (row + 1) * cols <= sw.size(); ++row) {
    std::vector<double> others;
    for (size_t c = 0; c < cols; ++c)
      if (ids[c] != p.synapse) others.push_back(sw[row * cols + c]);
    double sum = 0;
    for (double x : others) sum += x;
    run.t_s.push_back(row * p.record_dt * 1e-3);
    run.chosen.push_back(cw[row]);
    run.others_mean.push_back(others.empty() ? 0.0 : sum / others.size());
    run.others_p99.push_back(percentile(others, 0.99));
  }
  // At the end: every weight of the projection (brought up to date by the run's end).
  std::vector<double> others;
  others.reserve(proj.csr.size());
  double sum = 0;
  for (uint64_t k = 0; k < proj.csr.size(); ++k)
    if (k != p.synapse) others.push_back(proj.csr.weight[k]), sum += proj.csr.weight[k];
  run.final_chosen = proj.csr.weight[p.synapse];
  run.final_mean = sum / others.size();
  run.final_p99 = percentile(others, 0.99);
  run.t_s.push_back(net.spec.run.tstop * 1e-3);
  run.chosen.push_back(run.final_chosen);
  run.others_mean.push_back(run.final_mean);
  run.others_p99.push_back(run.final_p99);
  run.stands_out = run.final_chosen >= run.w_max * (1 - 1e-6) || run.final_chosen > run.final_p99;
  return run;
}

}  // namespace

DistalRewardResult run_distal_reward(const DistalRewardProtocol& p, const std::string& out_dir, bool quiet, const RunOptions& engine) {
  fs::create_directories(out_dir);
  DistalRewardResult res;
  for (bool reward : {true, false}) {
    if (!reward && !p.control) break;
    const std::string dir = (fs::path(out_dir) / (reward ? "rewarded" : "control")).string();
    res.runs.push_back(run_one(p, reward, dir, engine));
    const DistalRewardRun& r = res.runs.back();
    if (!quiet)
      std::printf("  %-28s synapse %llu (%llu -> %llu): w = %.3f (w_max %g); others: mean %.3f, 99th percentile %.3f; "
                  "%llu rewards; %.1f s wall\n",
                  r.label.c_str(), static_cast<unsigned long long>(p.synapse), static_cast<unsigned long long>(r.pre),
                  static_cast<unsigned long long>(r.post), r.final_chosen, r.w_max, r.final_mean, r.final_p99,
                  static_cast<unsigned long long>(r.rewards), r.wall_s);
  }
  const DistalRewardRun& rw = res.runs[0];
  res.pass = rw.stands_out && rw.final_mean < 0.25 * rw.w_max && (res.runs.size() < 2 || !res.runs[1].stands_out);
  const std::string csv = (fs::path(out_dir) / (p.name + ".csv")).string();
  std::ofstream c(csv);
  c << "run,t_s,chosen_w,others_mean,others_p99\n";
  for (const auto& r : res.runs)
    for (size_t i = 0; i < r.t_s.size(); ++i)
      c << '"' << r.label << "\"," << r.t_s[i] << ',' << r.chosen[i] << ',' << r.others_mean[i] << ',' << r.others_p99[i] << '\n';
  res.files.push_back(csv);
  ChartPanel panel{"", "time (s)", "weight", {}, {}, true, 480};
  for (size_t i = 0; i < res.runs.size(); ++i) {
    const auto& r = res.runs[i];
    const int col = i == 0 ? 1 : 0;
    panel.series.push_back({"chosen synapse, " + r.label, r.t_s, r.chosen, ChartSeries::kLineDots, col});
    panel.series.push_back({"mean of the others (sample), " + r.label, r.t_s, r.others_mean, ChartSeries::kLine, col + 2});
    panel.series.push_back({"99th percentile of the others, " + r.label, r.t_s, r.others_p99, ChartSeries::kLine, col + 4});
  }
  const std::string svg = (fs::path(out_dir) / (p.name + ".svg")).string();
  write_chart(svg, "Distal reward (Izhikevich 2007): the rewarded synapse against the others", {panel});
  res.files.push_back(svg);
  if (!quiet)
    std::printf("  chosen synapse stands out with reward: %s; others' mean below 25%% of w_max: %s; control does not stand out: %s -> %s\n",
                rw.stands_out ? "yes" : "NO", rw.final_mean < 0.25 * rw.w_max ? "yes" : "NO",
                res.runs.size() < 2 ? "(no control run)" : (!res.runs[1].stands_out ? "yes" : "NO"), res.pass ? "PASS" : "FAIL");
  return res;
}

ProtocolOutcome run_distal_reward_kind(const ProtocolCall& c) {
  return run_kind(c, [&] { return load_distal_reward(c.raw, c.path); }, run_distal_reward,
                  [](const DistalRewardProtocol&) { return std::string(); });
}

}  // namespace spikesim
