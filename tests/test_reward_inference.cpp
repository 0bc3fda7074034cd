// Inferring a reward rule from choices (Mehta et al. 2024's second experiment): a task's
// rewards by chance per block, taylor rules that learn only on chosen trials, replaying a
// recorded session, the fit's "choices" observable and the reward_rule_inference protocol.
#include <doctest/doctest.h>

#include <cmath>

#include "helpers.hpp"
#include "protocols/reward_rule_inference.hpp"
#include "protocols/protocol.hpp"

using namespace spikesim;
using namespace spikesim::test;

namespace {

// examples/reward_rule_teacher.json with the rule's coefficients and other changes.
json teacher(const json& coefficients) {
  json j = json::parse(slurp(source_dir() + "/examples/reward_rule_teacher.json"));
  j.erase("output");
  j["projections"][0]["plasticity"]["coefficients"] = coefficients;
  return j;
}

}  // namespace

TEST_CASE("task reward_probability: a correct choice is rewarded with its block's probability, other choices never") {
  // 2400 trials of 60 ms in 3 blocks of 800; no learning, so each odor is accepted about half
  // the time: about 200 accepted trials per odor and block. The rewarded fraction of them is
  // binomial: sd sqrt(p (1 - p) / n) <= 0.041 for n >= 150; bound 4 sd.
  json j = teacher(json::object());
  j["run"]["tstop"] = 2400 * 60.0;
  j["task"]["trials"] = 2400;
  j["task"]["reward_probability"] = {{"blocks", {800, 800, 800}}, {"A", {0.2, 0.9, 0.5}}, {"B", {0.8, 0.1, 0.5}}};
  j["monitors"] = json::array();
  const RunResult r = run_text(j.dump());
  REQUIRE(r.trials.size() == 2400);
  const double p[2][3] = {{0.2, 0.9, 0.5}, {0.8, 0.1, 0.5}};
  for (int c = 0; c < 2; ++c)
    for (int b = 0; b < 3; ++b) {
      double n = 0, rewarded = 0;
      for (size_t k = 800 * b; k < 800 * (b + 1); ++k) {
        const TrialRecord& t = r.trials[k];
        if (t.category != c) continue;
        if (t.action == 0) n += 1, rewarded += t.reward == 1.0;
        else CHECK(t.reward == 0.0);  // rejected (or no choice): never rewarded
      }
      CAPTURE(c);
      CAPTURE(b);
      REQUIRE(n >= 150);
      CHECK(std::fabs(rewarded / n - p[c][b]) < 4 * std::sqrt(p[c][b] * (1 - p[c][b]) / n));
    }
}

TEST_CASE("taylor \"actions\": weights change, and rewards count for E[r], only on trials with those choices") {
  // x0y1w0 and x0y0w1 do not depend on x: every synapse follows the same recursion,
  // w += eta (theta_1 (r - E[r]) + theta_2 w) on accepted trials, E[r] the mean reward of
  // the last 10 accepted trials; the recursion in double, the run's weights in float. From
  // w = 2 the weights stay far from the bounds 0 and 10; "reject" held at accept's 18 mV.
  json j = teacher({{"x0y1w0", 2.0}, {"x0y0w1", -0.5}});
  j["projections"][0]["weight"] = 2.0;
  j["populations"]["reject"]["params"]["I_e"] = 450.0;
  j["projections"][0]["plasticity"]["w_max"] = 10.0;
  Network net;
  const RunResult r = run_text(j.dump(), &net);
  REQUIRE(r.trials.size() == 240);
  const double eta = 0.005;
  double w = 2.0;
  std::vector<double> rewards;
  int accepted = 0;
  for (const TrialRecord& t : r.trials) {
    if (t.action != 0) continue;
    ++accepted;
    double mean = 0.0;
    const size_t n = std::min<size_t>(10, rewards.size());
    for (size_t k = rewards.size() - n; k < rewards.size(); ++k) mean += rewards[k] / n;
    w += eta * (2.0 * (t.reward - mean) - 0.5 * w);
    rewards.push_back(t.reward);
  }
  CHECK(accepted > 40);
  CHECK(accepted < 200);  // both choices occur
  for (float x : net.projs[0].csr.weight) CHECK(x == doctest::Approx(w).epsilon(1e-4));
  // Without "actions" every trial counts: the same recursion over all trials differs.
  double w_all = 2.0;
  rewards.clear();
  for (const TrialRecord& t : r.trials) {
    double mean = 0.0;
    const size_t n = std::min<size_t>(10, rewards.size());
    for (size_t k = rewards.size() - n; k < rewards.size(); ++k) mean += rewards[k] / n;
    w_all += eta * (2.0 * (t.reward - mean) - 0.5 * w_all);
    rewards.push_back(t.reward);
  }
  CHECK(std::fabs(w_all - w) > 0.01);
}

TEST_CASE("task replay: the recorded categories, choices and rewards replayed with the same seed give the same run") {
  json j = teacher({{"x1y1w0", 1.0}});
  j["run"]["seed"] = 5;
  Network a;
  const RunResult ra = run_text(j.dump(), &a);
  NetworkSpec spec = parse_network_text(j.dump());
  for (const TrialRecord& t : ra.trials) spec.task.replay.push_back({t.category, t.action, t.reward});
  spec.output.dir = temp_dir("replay").string();
  Network b = build_network(std::move(spec));
  RunOptions opt;
  opt.threads = 1;
  const RunResult rb = simulate(b, opt);
  REQUIRE(rb.trials.size() == ra.trials.size());
  for (size_t k = 0; k < ra.trials.size(); ++k) {
    CAPTURE(k);
    CHECK(rb.trials[k].category == ra.trials[k].category);
    CHECK(rb.trials[k].action == ra.trials[k].action);
    CHECK(rb.trials[k].reward == ra.trials[k].reward);
    CHECK(rb.trials[k].counts == ra.trials[k].counts);
  }
  CHECK(b.projs[0].csr.weight == a.projs[0].csr.weight);

  // Another seed: the replayed trials are the recorded ones whatever the network does.
  NetworkSpec other = parse_network_text(j.dump());
  other.run.seed = 6;
  other.task.replay = b.spec.task.replay;
  other.output.dir = temp_dir("replay6").string();
  Network c = build_network(std::move(other));
  const RunResult rc = simulate(c, opt);
  int differ = 0;
  for (size_t k = 0; k < ra.trials.size(); ++k) {
    CHECK(rc.trials[k].action == ra.trials[k].action);
    CHECK(rc.trials[k].reward == ra.trials[k].reward);
    differ += rc.trials[k].counts != ra.trials[k].counts;
  }
  CHECK(differ > 100);  // the network's own spikes
}

TEST_CASE("reward_rule_inference protocol, reduced: forgetting's sign found where the teacher has it, not invented where not") {
  // protocols/reward_rule_inference.json with 3 fitted and 1 held-out session, 4 replicas and
  // fewer generations. Criteria as in the protocol: x0y0w1 < 0 in the forgetting condition,
  // |phi| below a quarter of that teacher's in the Hebbian one, x1y1w0 > 0 in both, held-out
  // deviance explained > 0.
  json raw = read_protocol_json(source_dir() + "/protocols/reward_rule_inference.json");
  raw["runs"] = {{"seeds", {1u, 2u, 3u}}, {"held_out", {101u}}};
  raw["observe"]["replicas"] = 4;
  raw["optimizer"]["generations"] = 25;
  raw["optimizer"]["population"] = 8;
  const RewardRuleInferenceProtocol p = load_reward_rule_inference(raw, source_dir() + "/protocols/reward_rule_inference.json");
  const fs::path dir = temp_dir("reward_rule_inference");
  const RewardRuleInferenceResult r = run_reward_rule_inference(p, dir.string());
  REQUIRE(r.conditions.size() == 2);
  const auto& hebbian = r.conditions[0];
  const auto& forgetting = r.conditions[1];
  CAPTURE(hebbian.term_fitted);
  CAPTURE(forgetting.term_fitted);
  CAPTURE(forgetting.term_teacher);
  CHECK(forgetting.term_teacher < 0);
  CHECK(forgetting.term_fitted < 0);
  CHECK(std::fabs(hebbian.term_fitted) <= 0.25 * std::fabs(forgetting.term_teacher));
  CHECK(hebbian.hebbian > 0);
  CHECK(forgetting.hebbian > 0);
  CHECK(hebbian.deviance_held_out > 0);
  CHECK(r.pass);
  for (const char* f : {"reward_rule_inference.csv", "hebbian/fit_coefficients.json", "forgetting/fit_history.svg",
                        "forgetting/teacher/seed101/trials.h5"})
    CHECK(fs::exists(dir / f));
  const json fc = json::parse(slurp(dir / "hebbian/fit_coefficients.json"));
  CHECK(fc["r2"][0]["observable"] == "choices");
  CHECK(fc["r2"][0]["temperature"].get<double>() > 0);
}

TEST_CASE("reward probabilities, taylor actions and choices fits: bad input exits 2 with the file and the JSON pointer") {
  const fs::path dir = temp_dir("reward_bad");
  struct Case {
    const char* what;
    json net;
    const char* pointer;
  };
  auto with = [](const std::string& ptr, const json& v) {
    json j = teacher({{"x1y1w0", 1.0}});
    j[json::json_pointer(ptr)] = v;
    return j;
  };
  const std::vector<Case> nets = {
      {"blocks not summing to trials", with("/task/reward_probability/blocks", {80, 80}), "/task/reward_probability/blocks"},
      {"probability above 1", with("/task/reward_probability/A", {0.2, 1.5, 0.2}), "/task/reward_probability/A/1"},
      {"probabilities per block missing", with("/task/reward_probability/B", {0.8}), "/task/reward_probability/B"},
      {"unknown action", with("/projections/0/plasticity/actions", {"lick"}), "/projections/0/plasticity/actions/0"},
  };
  for (size_t i = 0; i < nets.size(); ++i) {
    CAPTURE(std::string(nets[i].what));
    const fs::path f = write_file(dir, "net" + std::to_string(i) + ".json", nets[i].net.dump());
    const Proc pr = run_cli({"run", f.string(), "-o", (dir / "out").string()});
    CAPTURE(pr.err);
    CHECK(pr.code == 2);
    CHECK(pr.err.find(f.string()) != std::string::npos);
    CHECK(pr.err.find(nets[i].pointer) != std::string::npos);
  }

  // Fit files: a recorded session with other action names, a bad temperature, choices with rates.
  json rec = teacher({{"x1y1w0", 1.0}});
  rec["task"]["decision"]["actions"] = {{"go", "accept"}, {"nogo", "reject"}};
  rec["task"]["correct"] = {{"A", "go"}, {"B", "go"}};
  rec["projections"][0]["plasticity"].erase("actions");
  rec["output"] = {{"dir", (dir / "rec").string()}, {"overwrite", true}};
  const fs::path recf = write_file(dir, "rec.json", rec.dump());
  REQUIRE(run_cli({"run", recf.string()}).code == 0);
  write_file(dir, "model.json", teacher({{"x1y1w0", 1.0}}).dump());
  auto fit = [&](const std::string& data) {
    return R"({"network": "model.json", "fit": {"projection": "odor_accept", "coefficients": ["x1y1w0"]}, "data": )" + data +
           R"(, "optimizer": {"generations": 1, "population": 5}, "runs": {"seeds": [1]}})";
  };
  const std::vector<std::pair<std::string, const char*>> fits = {
      {fit(R"([{"observable": "choices", "file": "rec/trials.h5"}])"), "/data/0/file"},
      {fit(R"([{"observable": "choices", "file": "rec/trials.h5", "temperature": -1}])"), "/data/0/temperature"},
      {fit(R"([{"observable": "choices", "file": "rec/trials.h5", "replicas": 0}])"), "/data/0/replicas"},
      {fit(R"([{"observable": "choices", "file": "rec/trials.h5"}, {"observable": "rates", "population": "accept", "file": "rec/spikes.h5"}])"),
       "/data/0"},
  };
  for (size_t i = 0; i < fits.size(); ++i) {
    CAPTURE(fits[i].first);
    const fs::path f = write_file(dir, "fit" + std::to_string(i) + ".json", fits[i].first);
    const Proc pr = run_cli({"fit", f.string(), "-o", (dir / "fit_out").string(), "--quiet"});
    CAPTURE(pr.err);
    CHECK(pr.code == 2);
    CHECK(pr.err.find(f.string()) != std::string::npos);
    CHECK(pr.err.find(fits[i].second) != std::string::npos);
  }
}
