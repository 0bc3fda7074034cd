#include "core/signals.hpp"

#include <algorithm>

#include "core/scheduler.hpp"

namespace spikesim {

Signals::Signals(const std::vector<SignalSpec>& specs, const std::vector<uint32_t>& pop_sizes, double dt) {
  for (const SignalSpec& s : specs) {
    value.push_back(s.baseline);
    prev.push_back(s.baseline);
    baseline.push_back(s.baseline);
    tau.push_back(s.tau);
    decay_.push_back(std::exp(-dt / s.tau));
    // rate_estimate: 1/(tau N) per spike, tau in s, so H is in Hz.
    per_spike_.push_back(s.type == "rate_estimate" ? 1000.0 / (s.tau * pop_sizes[s.population]) : s.per_spike);
    pending_.push_back(0.0);
    pop_.push_back(s.population);
  }
}

std::vector<ScheduledReward> scheduled_rewards(const std::vector<SignalSpec>& specs, double dt) {
  std::vector<ScheduledReward> out;
  for (size_t k = 0; k < specs.size(); ++k)
    for (size_t i = 0; i < specs[k].reward_times.size(); ++i) {
      const int64_t stamp = std::llround(specs[k].reward_times[i] / dt);
      if (stamp >= 1) out.push_back({static_cast<uint64_t>(stamp), static_cast<uint32_t>(k), specs[k].reward_amounts[i]});
    }
  std::stable_sort(out.begin(), out.end(), [](const ScheduledReward& a, const ScheduledReward& b) { return a.stamp < b.stamp; });
  return out;
}

PairRewards::PairRewards(const std::vector<SignalSpec>& specs, uint64_t seed) : seed_(seed) {
  for (size_t k = 0; k < specs.size(); ++k)
    for (const PairReward& r : specs[k].pair_rewards) rules_.push_back({k, r, PairRewardState{}});
}

void PairRewards::on_step(const std::vector<std::vector<uint32_t>>& spikes, uint64_t now, double dt, Scheduler& sched,
                          Signals& signals) {
  auto fired = [&](int pop, uint32_t i) { return std::binary_search(spikes[pop].begin(), spikes[pop].end(), i); };
  for (Rule& rule : rules_) {
    const PairReward& r = rule.r;
    const CounterRng rng{seed_, kStreamReward | static_cast<uint32_t>(rule.signal)};
    const int64_t at = pair_reward_step(r, rule.state, fired(r.pre_pop, r.pre), fired(r.post_pop, r.post), now, dt, rng);
    if (at < 0) continue;
    sched.jump(static_cast<uint64_t>(at), signals, rule.signal, r.amount);
    ++triggered_;
  }
}

void PairRewards::state(Archive& a, const std::string& k) {
  std::vector<int64_t> last;
  std::vector<uint64_t> count;
  for (const Rule& r : rules_) last.push_back(r.state.last_pre), count.push_back(r.state.count);
  a.fixed(k + "/last_pre", last);
  a.fixed(k + "/count", count);
  a.value(k + "/triggered", triggered_);
  for (size_t i = 0; i < rules_.size(); ++i) rules_[i].state = {last[i], count[i]};
}

}  // namespace spikesim
