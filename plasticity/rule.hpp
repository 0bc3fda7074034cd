#pragma once
// What a plasticity rule is: a struct with
//   Params                         its parameters (plain data, copied to the device)
//   kSynState                      floats of per-synapse state besides the weight
//   static Params parse(RuleReader&)  reads its keys, declares its traces (host only)
//   SPIKESIM_HD static float on_pre(const Params&, float w, float* syn, const double* xpre,
//                                   const double* xpost, const HookCtx&)
//   SPIKESIM_HD static float on_post(... the same ...)
// Hooks return the new weight; the engine then clips it to [w_min, w_max].
// A lazy rule (kLazy = true; da_stdp) changes weights between events too: it also has
//   SPIKESIM_HD static void advance_step(const Params&, double* state, double& aux, const SignalView&, uint32_t now, double dt)
//     once per step (per projection, not per synapse; the device engine's AdvanceKernel),
//   static size_t state_size(const Params&, uint64_t steps, double dt)   doubles of state a run needs,
//   static void advance(const Params&, std::vector<double>& state, double& aux, const Signals&, uint32_t now, double dt)
//     the CPU engine's call (grows state as needed), and
//   SPIKESIM_HD static float settle(const Params&, float w, float* syn, const HookCtx&)
//     bringing one synapse up to date (end of run, before a weights monitor records).
// A trial rule (kTrial = true; plasticity/trial_rules.hpp, taylor.hpp) has
//   SPIKESIM_HD static float on_trial(const Params&, float w, double n_pre, double n_post, const TrialCtx&)
//     at the end of each trial of a task, n_pre and n_post the neurons' spikes in the trial;
//     or, where the rule sets RuleReader::trial.period_ms, every period from the neurons'
//     first traces (an exponentially weighted spike count). Either way n * TrialCtx::rate_scale
//     is a rate in Hz.
// HookCtx::partner: the partner's traces (same timing as xpost), for rules that declare them.
// xpre / xpost: the presynaptic neuron's and the postsynaptic neuron's traces at the time of
// the event, before this event's own bump (value at t - 0). Traces are bumped by the engine
// after the hooks (x += 1, or x = 1 for nearest-spike).
// A new rule: one header here, one line in plasticity/registry.cpp.
#include <cstdint>
#include <string>
#include <type_traits>

#include "core/hd.hpp"
#include "core/json_access.hpp"
#include "core/signals.hpp"
#include "plasticity/traces.hpp"

namespace spikesim {

// The postsynaptic population's state, for rules that read it (null for spike generators).
struct PostView {
  const float* V = nullptr;   // V_m - E_L
  const float* ex = nullptr;  // g_ex (nS) or I_syn_ex (pA)
  const float* in = nullptr;
  float E_L = 0.0f;           // the population's (its mean where E_L differs between neurons)
};

// Weight bounds shared by every rule: hard clipping after each hook.
struct Bounds {
  float w_min = 0.0f, w_max = 0.0f;
  SPIKESIM_HD float clip(float w) const { return w < w_min ? w_min : (w > w_max ? w_max : w); }
};

// Everything a hook may read besides the traces.
struct HookCtx {
  uint32_t post = 0;                 // postsynaptic neuron index
  double t = 0.0;                    // time of the event (ms)
  uint32_t step = 0;                 // the same, in steps of dt
  double dt = 0.1;                   // ms
  PostView post_state;
  const double* signals = nullptr;   // scalar signals (global factors, neuromodulators)
  Bounds bounds;                     // the projection's [w_min, w_max] (soft-bound rules read it)
  const double* rule_state = nullptr;  // a lazy rule's per-projection state (Plasticity::global)
  const double* partner = nullptr;     // traces of the postsynaptic neuron's partner (below), if the rule keeps any
};

// A scalar factor a rule reads at each event: a global signal plus an offset
// (G = H - gamma is {"signal": "H", "offset": -gamma}), or a constant (signal < 0).
struct Factor {
  int signal = -1;
  double offset = 0.0;
  SPIKESIM_HD double value(const double* signals) const { return (signal >= 0 ? signals[signal] : 0.0) + offset; }
};

// What a trial rule (kTrial = true; plasticity/trial_rules.hpp) reads at the end of a trial.
struct TrialCtx {
  double feedback = 0.0;              // the task's outcome value for this trial
  const double* signals = nullptr;    // global signals at the end of the trial
  double rate_scale = 0.0;            // Hz per count: 1000 / trial_ms, or 1000 / tau of a periodic rule's traces
  double reward = 0.0;                // the reward the task sent in this trial
  double reward_mean = 0.0;           // the mean reward of the trials before it (TrialSpec::baseline_trials)
};

// When a trial rule applies: at the end of each trial of a task (period_ms = 0) or every
// period_ms from traces; and the trials it averages for TrialCtx::reward_mean.
struct TrialSpec {
  double period_ms = 0.0;
  uint32_t baseline_trials = 0;
  int reward_signal = -1;  // the rule reads the reward the task sends into this signal (-1: none)
  std::string ptr;         // where the file says so (for errors found when the network is built)
  // Trials the rule learns from: those whose choice is one of these task actions (their
  // names in the file; indices into the task's actions once the network is built). Empty:
  // every trial. The others change no weight and do not count for reward_mean.
  std::vector<std::string> action_names;
  std::vector<int> actions;
  bool learns_on(int action) const {
    if (action_names.empty()) return true;
    for (int a : actions)
      if (a == action) return true;
    return false;
  }
};

// Partner traces: a rule that reads the rate of each postsynaptic neuron's partner (e.g. its
// paired interneuron) names a projection onto the same population with exactly one synapse
// per target neuron; the partner of target i is that synapse's source. The engine keeps the
// partner's traces per target neuron and passes them in HookCtx::partner.
struct PartnerSpec {
  TraceSpec traces;              // count 0: the rule reads no partner
  std::string projection, ptr;   // the projection's name, and where the file gives it
  double w_ref = 0.0;            // > 0: traces scaled by |w| / w_ref of the partner's synapse
  bool all_inhibitory = false;   // instead of one projection: every "in" projection onto the
                                 // population, each spike adding |w| / w_ref of its synapse
};

// Reading a rule's parameters from its "plasticity" object.
struct RuleReader {
  JObj& o;
  TraceSpec& pre;   // the rule sets count and tau of its presynaptic traces
  TraceSpec& post;  // and of its postsynaptic traces
  Bounds& bounds;
  const std::vector<SignalSpec>& signals;  // the file's "globals", for factors
  PartnerSpec& partner;  // a rule that reads a partner fills it (PartnerSpec)
  TrialSpec& trial;      // a trial rule that applies periodically or reads rewards fills it

  double number_or(const std::string& key, double def) { return o.number_or(key, def, "a number"); }
  double positive(const std::string& key, double def);  // > 0 (time constants, in ms)
  double nonnegative(const std::string& key, double def);
  double number(const std::string& key, const std::string& expected) { return o.number(key, expected); }
  // One trace on each side (pair rules): time constants from these keys, in ms, default
  // 20 ms (one key for both when they are equal).
  void pair_traces(const std::string& pre_key, const std::string& post_key) {
    pre.count = post.count = 1;
    pre.tau[0] = positive(pre_key, 20.0);
    post.tau[0] = pre_key == post_key ? pre.tau[0] : positive(post_key, 20.0);
  }
  // A number (a constant), or {"signal": NAME, "offset": number}.
  Factor factor(const std::string& key);
};

template <class R, class = void>
struct IsTrialRule : std::false_type {};
template <class R>
struct IsTrialRule<R, std::void_t<decltype(R::kTrial)>> : std::bool_constant<R::kTrial> {};

template <class R, class = void>
struct IsLazyRule : std::false_type {};
template <class R>
struct IsLazyRule<R, std::void_t<decltype(R::kLazy)>> : std::bool_constant<R::kLazy> {};

}  // namespace spikesim
