#include "core/task.hpp"

#include <cmath>
#include <cstdio>

#include "core/backend.hpp"
#include "core/poisson_rate.hpp"
#include "core/rng.hpp"
#include "core/scheduler.hpp"
#include "core/signals.hpp"

namespace spikesim {

TaskRunner::TaskRunner(const TaskSpec& spec, uint32_t stimulus_size, Backend& backend, const std::vector<uint64_t>& counts,
                       Signals& signals, Scheduler& sched, double dt, uint64_t seed, bool log, uint64_t last_step)
    : spec_(spec), backend_(backend), counts_(counts), signals_(signals), sched_(sched), dt_(dt), seed_(seed), log_(log) {
  trial_steps_ = static_cast<uint64_t>(std::llround(spec.trial_ms / dt));
  off_.assign(stimulus_size, poisson_threshold(spec.off_rate, dt));
  for (const auto& pat : spec.patterns) {
    std::vector<uint32_t> th;
    for (double r : pat) th.push_back(poisson_threshold(r, dt));
    patterns_.push_back(std::move(th));
  }
  auto at = [&](uint32_t k, double ms) { return k * trial_steps_ + static_cast<uint64_t>(std::llround(ms / dt)); };
  for (uint32_t k = 0; k < spec.trials && k * trial_steps_ <= last_step; ++k) {
    sched.at(at(k, 0.0), [this, k] { start(k); });
    if (spec.stim_on > 0) sched.at(at(k, spec.stim_on), [this] { backend_.set_thresholds(spec_.stimulus, patterns_[current_.category]); });
    if (spec.stim_off < spec.trial_ms) sched.at(at(k, spec.stim_off), [this] { backend_.set_thresholds(spec_.stimulus, off_); });
    sched.at(at(k, spec.decide_from), [this] {
      window0_.clear();
      for (int p : spec_.action_pops) window0_.push_back(counts_[p]);
    });
    const uint64_t decide_step = at(k, spec.decide_to), end_step = (k + 1) * trial_steps_;
    sched.at(decide_step, [this, k, decide_step] { decide(k, decide_step); });
    sched.at(end_step, [this, k, end_step] { finish(k, end_step); });
  }
}

void TaskRunner::start(uint32_t k) {
  const CounterRng rng{seed_, kStreamTask};
  current_ = TrialRecord{};
  current_.trial = k;
  current_.category = k < spec_.replay.size() ? spec_.replay[k].category
                                              : std::min<int>(static_cast<int>(rng.uniform(k, 0) * spec_.categories.size()),
                                                              static_cast<int>(spec_.categories.size()) - 1);
  backend_.set_thresholds(spec_.stimulus, spec_.stim_on > 0 ? off_ : patterns_[current_.category]);
}

void TaskRunner::decide(uint32_t k, uint64_t step) {
  // The action population with the most spikes in the window; ties at random; none if all 0.
  const CounterRng rng{seed_, kStreamTask};
  uint64_t best = 0;
  std::vector<int> tied;
  for (size_t a = 0; a < spec_.action_pops.size(); ++a) {
    const uint64_t c = counts_[spec_.action_pops[a]] - (a < window0_.size() ? window0_[a] : 0);
    current_.counts.push_back(c);
    if (c > best) best = c, tied.assign(1, static_cast<int>(a));
    else if (c == best && c > 0) tied.push_back(static_cast<int>(a));
  }
  const bool replay = k < spec_.replay.size();
  if (replay) current_.action = spec_.replay[k].action;
  else current_.action = tied.empty() ? -1 : tied[std::min<size_t>(static_cast<size_t>(rng.uniform(k, 1) * tied.size()), tied.size() - 1)];
  current_.correct = current_.action >= 0 && current_.action == spec_.correct[current_.category];
  const TaskOutcome& o = current_.action < 0 ? spec_.none : (current_.correct ? spec_.right : spec_.wrong);
  current_.reward = o.reward;
  if (replay) current_.reward = spec_.replay[k].reward;
  else if (current_.correct && rng.uniform(k, 2) >= reward_probability(k, current_.category)) current_.reward = 0.0;
  current_.feedback = o.feedback;
  if (current_.reward != 0 && spec_.signal >= 0) {
    // Appears in the signal at t_decision + delay (a jump at the end of the step before).
    const int64_t at = static_cast<int64_t>(step) + std::llround(o.delay / dt_) - 1;
    const size_t s = static_cast<size_t>(spec_.signal);
    if (at <= static_cast<int64_t>(step)) signals_.add(s, current_.reward);
    else sched_.jump(static_cast<uint64_t>(at), signals_, s, current_.reward);
  }
}

double TaskRunner::reward_probability(uint32_t k, int category) const {
  if (spec_.reward_probability.empty()) return 1.0;
  uint32_t end = 0;
  for (size_t b = 0; b < spec_.blocks.size(); ++b)
    if (k < (end += spec_.blocks[b])) return spec_.reward_probability[category][b];
  return spec_.reward_probability[category].back();
}

void TaskRunner::finish(uint32_t k, uint64_t step) {
  current_.t_end = step * dt_;
  records_.push_back(current_);
  if (end_) end_(current_);
  if (log_ && ((k + 1) % 10 == 0 || k + 1 == spec_.trials)) {
    const size_t n = std::min<size_t>(20, records_.size());
    int right = 0, all = 0;
    for (size_t i = records_.size() - n; i < records_.size(); ++i) right += records_[i].correct;
    for (const auto& r : records_) all += r.correct;
    std::fprintf(stderr, "  trial %u/%u: accuracy %.0f%% over the last %zu trials, %.0f%% over all\n", k + 1, spec_.trials,
                 100.0 * right / n, n, 100.0 * all / records_.size());
  }
}

namespace {

// Trial records as columns (the current trial is one more row).
void records_state(Archive& a, const std::string& k, std::vector<TrialRecord>& rs) {
  std::vector<uint32_t> trial;
  std::vector<int32_t> category, action;
  std::vector<uint8_t> correct;
  std::vector<double> reward, feedback, t_end;
  std::vector<std::vector<uint64_t>> counts;
  for (const TrialRecord& r : rs) {
    trial.push_back(r.trial), category.push_back(r.category), action.push_back(r.action), correct.push_back(r.correct);
    reward.push_back(r.reward), feedback.push_back(r.feedback), t_end.push_back(r.t_end), counts.push_back(r.counts);
  }
  a.array(k + "/trial", trial);
  a.array(k + "/category", category);
  a.array(k + "/action", action);
  a.array(k + "/correct", correct);
  a.array(k + "/reward", reward);
  a.array(k + "/feedback", feedback);
  a.array(k + "/t_end", t_end);
  a.nested(k + "/counts", counts);
  if (!a.loading()) return;
  const size_t n = trial.size();
  if (category.size() != n || action.size() != n || correct.size() != n || reward.size() != n || feedback.size() != n ||
      t_end.size() != n || counts.size() != n)
    throw CheckpointError(k + ": trial columns of unequal lengths");
  rs.assign(n, TrialRecord{});
  for (size_t i = 0; i < n; ++i)
    rs[i] = {trial[i], category[i], action[i], correct[i] != 0, reward[i], feedback[i], t_end[i], counts[i]};
}

}  // namespace

void TaskRunner::state(Archive& a) {
  records_state(a, "task/records", records_);
  std::vector<TrialRecord> cur{current_};
  records_state(a, "task/current", cur);
  if (a.loading()) {
    if (cur.size() != 1) throw CheckpointError("task/current: expected one trial");
    current_ = cur[0];
  }
  a.array("task/window0", window0_);
}

}  // namespace spikesim
