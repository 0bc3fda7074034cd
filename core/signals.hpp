#pragma once
// Global scalar signals ("globals" in the network file): values every synapse may read by
// name, computed from the activity of whole populations and from reward events. Types:
//   rate_estimate {population, tau}: dH/dt = -H/tau, H += 1/(tau N) per spike of the
//     population (N neurons), so H estimates the population rate in Hz.
//   neuromodulator {tau, baseline, population, per_spike, rewards}: a volume-transmitted
//     concentration d (e.g. dopamine): dd/dt = -(d - baseline)/tau; each spike of the
//     population (optional) adds per_spike, each reward event adds its amount.
// Both are one update, value = baseline + (value - baseline) e^(-dt/tau) + jumps.
// Step n (core/backend.hpp): after the spikes stamped t_{n+1} are gathered (phase 3),
// every signal decays exactly over dt and adds those spikes and the rewards due at t_{n+1}
// (queued by add() in phase 1), giving its value at t_{n+1}; phase 4 (delivery, on_pre,
// on_post) then reads it. Between grid points a signal is baseline + (value at t_n -
// baseline) e^(-(t - t_n)/tau) (prev holds the value at t_n), which rules that integrate a
// signal over time (da_stdp) use. One thread computes the signals from the step's spike
// counts, so they are the same for any thread count.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "core/archive.hpp"
#include "core/distribution.hpp"
#include "core/hd.hpp"

namespace spikesim {

// A reward each time neuron `post` fires within (0, window] ms after neuron `pre` fired
// (Izhikevich 2007's distal reward): `amount` into the signal, `delay` ms later.
struct PairReward {
  int pre_pop = -1, post_pop = -1;
  uint32_t pre = 0, post = 0;
  double window = 20.0, amount = 0.5;
  Distribution delay;
};

struct SignalSpec {
  std::string name, ptr, type = "rate_estimate", unit = "Hz";
  int population = -1;  // whose spikes raise it (-1: none)
  double tau = 100.0;   // ms
  double baseline = 0.0, per_spike = 0.0;  // neuromodulator (rate_estimate: 1/(tau N), set at build)
  std::vector<double> reward_times, reward_amounts;  // neuromodulator: scheduled reward events (ms)
  std::vector<PairReward> pair_rewards;              // neuromodulator: rewards triggered by spike pairs
};

// One step of a signal: relax towards baseline by `decay`, then add the step's jumps
// (the spikes times their weight, then the rewards). Shared by Signals::step and the device engine.
SPIKESIM_HD double signal_update(double value, double baseline, double decay, double spikes, double rewards) {
  return baseline + (value - baseline) * decay + spikes + rewards;
}

// What a pair reward remembers between steps, and its one step (PairRewards::on_step on the
// CPU, the device engine's emit kernel): `pre_fired`/`post_fired` say whether its two neurons
// fired at step `now`; returns the step whose phase 1 adds the reward to the signal, or -1.
// A post spike counts within (0, window] ms after pre's last spike, checked before this
// step's pre spike; the delay is drawn from (seed, kStreamReward | signal, reward count).
struct PairRewardState {
  int64_t last_pre = -1;  // step of pre's last spike
  uint64_t count = 0;     // rewards triggered
};
SPIKESIM_HD int64_t pair_reward_step(const PairReward& r, PairRewardState& s, bool pre_fired, bool post_fired, uint64_t now,
                                     double dt, const CounterRng& rng) {
  int64_t at = -1;
  if (s.last_pre >= 0 && post_fired && now > static_cast<uint64_t>(s.last_pre) && (now - s.last_pre) * dt <= r.window + 1e-9) {
    const double delay = r.delay.sample(rng, static_cast<uint32_t>(s.count++), 0);
    const int64_t due = llround(now + delay / dt) - 1;
    at = due > static_cast<int64_t>(now) ? due : static_cast<int64_t>(now);
  }
  if (pre_fired) s.last_pre = static_cast<int64_t>(now);
  return at;
}

// What a lazy rule's per-step advance reads of the signals (plasticity/da_stdp.hpp): host
// vectors on the CPU, device arrays on the device.
struct SignalView {
  const double* prev = nullptr;      // at t_n
  const double* baseline = nullptr;
  const double* tau = nullptr;       // ms
};

// The file's scheduled rewards ("rewards": {"times", "amounts"}) of every signal, in stamp
// order (stable): the jump is in the signal at `stamp` (t / dt, at least 1), so the CPU
// engine adds it in phase 1 of step stamp - 1 and the device engine in its emit kernel.
struct ScheduledReward {
  uint64_t stamp;
  uint32_t signal;
  double amount;
};
std::vector<ScheduledReward> scheduled_rewards(const std::vector<SignalSpec>& specs, double dt);

class Scheduler;
class Signals;

// The pair rewards of all signals at run time: checked once per step on the step's spikes
// (one thread); a triggered reward is scheduled as a jump of the signal at t + delay. The
// delays are drawn from (seed, signal, reward count), so they do not depend on threads.
class PairRewards {
 public:
  PairRewards(const std::vector<SignalSpec>& specs, uint64_t seed);
  // spikes[p]: this step's spikes of population p (ascending), stamped step `now`.
  void on_step(const std::vector<std::vector<uint32_t>>& spikes, uint64_t now, double dt, Scheduler& sched,
               Signals& signals);
  uint64_t triggered() const { return triggered_; }
  // Each rule's last pre spike and reward count (checkpoints; the rewards still to come are
  // jumps in the scheduler).
  void state(Archive& a, const std::string& k);

 private:
  struct Rule {
    size_t signal;
    PairReward r;
    PairRewardState state;
  };
  std::vector<Rule> rules_;
  uint64_t seed_ = 0, triggered_ = 0;
};

class Signals {
 public:
  Signals() = default;
  Signals(const std::vector<SignalSpec>& specs, const std::vector<uint32_t>& pop_sizes, double dt);
  // Advances every signal from t_n to t_{n+1}; spikes[p] = spikes of population p stamped t_{n+1}.
  void step(const std::vector<std::vector<uint32_t>>& spikes) {
    for (size_t k = 0; k < value.size(); ++k) {
      prev[k] = value[k];
      const double count = pop_[k] >= 0 ? static_cast<double>(spikes[pop_[k]].size()) : 0.0;
      value[k] = signal_update(value[k], baseline[k], decay_[k], count * per_spike_[k], pending_[k]);
      pending_[k] = 0.0;
    }
  }
  // A jump of `amount` in signal k, applied at the end of this step (at t_{n+1}).
  void add(size_t k, double amount) { pending_[k] += amount; }
  bool empty() const { return value.empty(); }
  // Values at t_n and t_{n+1} and the jumps queued for this step (checkpoints).
  void state(Archive& a) {
    a.fixed("signals/value", value);
    a.fixed("signals/prev", prev);
    a.fixed("signals/pending", pending_);
  }
  SignalView view() const { return {prev.data(), baseline.data(), tau.data()}; }
  // The jumps queued by add() since the last step, taken (the device engine moves them to the device).
  std::vector<double> take_pending() {
    std::vector<double> p = pending_;
    std::fill(pending_.begin(), pending_.end(), 0.0);
    return p;
  }
  // What step() uses, for the device engine (gpu/engine.cpp): decay over dt, the jump per
  // spike, and the population whose spikes raise each signal (-1: none).
  const std::vector<double>& decay() const { return decay_; }
  const std::vector<double>& per_spike() const { return per_spike_; }
  const std::vector<int>& source() const { return pop_; }

  std::vector<double> value;     // at t_{n+1} (what HookCtx::signals points to)
  std::vector<double> prev;      // at t_n, after its jumps
  std::vector<double> baseline;  // what each signal relaxes to
  std::vector<double> tau;       // ms

 private:
  std::vector<double> decay_, per_spike_, pending_;
  std::vector<int> pop_;
};

}  // namespace spikesim
