#pragma once
// A plastic projection's rule at run time. The engine calls it once per projection and
// phase (a virtual call per projection and step, never per synapse); the loops inside are
// templates over the rule (plasticity/rule.hpp), so each rule's hooks are inlined.
//
// Order within step n (spikes stamped t = t_{n+1}; core/backend.hpp phase 4):
//   4a deliver + on_pre: each arriving spike first adds the synapse's current weight to the
//      target, then on_pre updates the weight. on_pre sees the presynaptic traces without
//      this arrival and the postsynaptic traces without this step's postsynaptic spikes.
//   4b the presynaptic traces of this step's arrivals are bumped.
//   4c on_post for this step's postsynaptic spikes: it sees the presynaptic traces with this
//      step's arrivals (bumped in 4b) and its own traces before its bump; then the
//      postsynaptic traces are bumped.
// So when a spike arrives in the same step as the postsynaptic spike (dt_s = 0), both the
// depression of on_pre (with x_post from earlier spikes) and the potentiation of on_post
// (with x_pre including this arrival) apply, as in Brian2's default pre-then-post order.
//
// Synapses stay in the projection's CSR table; on_post walks a transposed index (per
// postsynaptic neuron: presynaptic index and synapse index, 8 bytes per synapse).
// Presynaptic traces are per neuron and stamped at arrival, so a plastic projection has one
// delay for all its synapses.
// Before "start" (learn_from) the hooks do not run: weights are delivered as by a static
// projection while the traces follow the spikes, so learning starts from warm traces.
// Hooks read global signals (core/signals.hpp) through HookCtx::signals, at their value at
// t_{n+1} (updated in phase 3, before delivery).
#include <algorithm>
#include <memory>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "plasticity/rule.hpp"
#include "synapses/projection.hpp"

namespace spikesim {

class Plasticity {
 public:
  virtual ~Plasticity() = default;
  virtual std::shared_ptr<Plasticity> clone() const = 0;  // a fresh copy of the parsed rule

  // Sizes traces and builds the transposed index for `p`'s CSR table.
  void attach(const Projection& p, uint32_t n_pre, uint32_t n_post, double dt);
  // The transposed index alone (post_ptr, post_pre, post_syn), for `p`'s table as it is now.
  void index(const Projection& p, uint32_t n_post);
  // 4a: spikes arriving at `step` at the thread's targets: add weights to input (may be null), on_pre.
  virtual void deliver(Projection& p, uint32_t step, float* input, const TargetPart& part,
                       const HookCtx& base) = 0;
  // 4b: bump the presynaptic traces of arrivals [b, e) of this step.
  void bump_pre(const std::vector<uint32_t>& arrivals, size_t b, size_t e, uint32_t step);
  // The partner population's spikes of step `step`: bump the traces of the targets they
  // partner (one thread, after on_post).
  void bump_partner(const std::vector<std::vector<uint32_t>>& step_spikes, uint32_t step) {
    for (const Partner::Source& src : partner.sources)
      for (uint32_t j : step_spikes[src.pop])
        for (uint64_t s = src.first[j]; s < src.first[j + 1]; ++s)
          partner.traces.add(src.targets[s], step, dt, src.amount.empty() ? 1.0 : src.amount[s]);
  }
  // Target i's partner traces at `step` (decayed in place, like xpost: the thread that owns
  // target i is the only one touching them), copied into `out`.
  const double* partner_at(uint32_t i, uint32_t step, double* out) {
    partner.traces.advance(i, step, dt);
    const int n = partner.spec.traces.count;
    for (int k = 0; k < n; ++k) out[k] = partner.traces.values[size_t{i} * n + k];
    return out;
  }
  // 4c: on_post for the postsynaptic spikes (ascending) that lie in [lo, hi); bump their traces.
  virtual void on_post(Projection& p, const std::vector<uint32_t>& spikes, uint32_t lo, uint32_t hi, uint32_t step,
                       const HookCtx& base) = 0;
  // Lazy rules only (plasticity/rule.hpp): once per step after the signals reached t_{now};
  // and bringing every synapse up to step `now` (one thread).
  virtual bool lazy() const { return false; }
  virtual void advance(uint32_t /*now*/, const Signals& /*signals*/) {}
  virtual void settle(Projection& /*p*/, uint32_t /*now*/, const HookCtx& /*base*/) {}
  // Trial rules only: at the end of a task's trial, with each neuron's spikes in the trial.
  virtual bool trial_rule() const { return false; }
  // (not before "start": the trial's end step `now` < learn_from changes nothing)
  virtual void on_trial(Projection& /*p*/, uint64_t /*now*/, const uint32_t* /*n_pre*/, const uint32_t* /*n_post*/,
                        const TrialCtx& /*t*/) {}
  // A trial rule applied every trial.period_ms instead (TrialSpec): at step `now`, from the
  // first traces of both sides (one thread; nothing before "start").
  virtual void on_period(Projection& /*p*/, uint32_t /*now*/, const TrialCtx& /*t*/) {}
  bool periodic() const { return trial_rule() && trial.period_ms > 0; }
  bool at_trial_ends() const { return trial_rule() && trial.period_ms <= 0; }
  uint64_t period_steps() const;  // trial.period_ms in steps of dt (periodic rules)
  bool period_due(uint64_t step) const { return periodic() && step % period_steps() == 0 && step >= learn_from; }
  // What the rule reads at a trial's end (rate_scale from the trial's length, the reward
  // and the mean of the TrialSpec::baseline_trials rewards before it), the reward then
  // remembered; or at a period's end (rate_scale from the traces' time constant).
  TrialCtx trial_ctx(double feedback, double reward, const double* signals, double trial_ms);
  TrialCtx period_ctx(const double* signals) const;
  uint64_t bytes() const;  // traces, transposed index, per-synapse state
  // Plasticity switched off for a whole run (a protocol's control): hooks and trial rules never run.
  void switch_off() {
    start_ms = std::numeric_limits<double>::infinity();
    learn_from = std::numeric_limits<uint64_t>::max();
  }

  std::string rule;
  int rule_index = -1;  // position in SPIKESIM_RULES (plasticity/rule_list.hpp)
  virtual const void* params_data() const = 0;  // the rule's Params (the device engine copies them)
  Bounds bounds;
  TraceArray pre, post;
  // A rule's partner (PartnerSpec), resolved by build_network.
  struct Partner {
    PartnerSpec spec;
    // A projection whose spikes feed the traces: its CSR by source (neuron j of `pop` reaches
    // targets[first[j] .. first[j + 1])) and what each synapse adds (empty: 1).
    struct Source {
      int pop = -1;
      std::vector<uint64_t> first;
      std::vector<uint32_t> targets;
      std::vector<float> amount;
    };
    std::vector<Source> sources;  // empty: the rule reads no partner
    TraceArray traces;            // per target neuron
    bool active() const { return !sources.empty(); }
    // The mean amount per spike of the first source (|w| / w_ref, or 1): a partner neuron's
    // rate times this is the nu_I the rule sees, on average.
    double mean_scale() const {
      if (sources.empty() || sources[0].amount.empty()) return 1.0;
      double m = 0.0;
      for (float x : sources[0].amount) m += x / sources[0].amount.size();
      return m;
    }
  } partner;
  uint32_t delay = 1;  // steps
  double dt = 0.1;
  double start_ms = 0.0;     // "start": hooks run from this time on
  uint64_t learn_from = 0;   // the same, in steps (set by attach)
  std::vector<uint64_t> post_ptr;               // n_post + 1
  std::vector<uint32_t> post_pre, post_syn;     // per incoming synapse, grouped by target
  int syn_floats = 0;                           // the rule's kSynState
  std::vector<float> syn_state;                 // syn_floats per synapse
  std::vector<double> global;                   // a lazy rule's per-projection state
  double global_aux = 0.0;
  TrialSpec trial;                              // trial rules: when they apply (TrialSpec)
  std::vector<double> rewards;                  // trial rules: the rewards of the trials so far
};

template <class R>
class PlasticityOf final : public Plasticity {
 public:
  typename R::Params params{};

  std::shared_ptr<Plasticity> clone() const override { return std::make_shared<PlasticityOf<R>>(*this); }
  const void* params_data() const override { return &params; }

  void deliver(Projection& p, uint32_t step, float* input, const TargetPart& part,
               const HookCtx& base) override {
    if (step < delay) return;
    if (step < learn_from) {
      if (input) p.deliver(step, input, part);
      return;
    }
    const uint32_t* tgt = p.csr.target.data();
    float* w = p.csr.weight.data();
    double xpre[kMaxTraces], xpart[kMaxTraces];
    const bool has_partner = partner.active();
    HookCtx c = context(base, step);
    p.for_each_row(step, delay, part, [&](uint32_t j, uint64_t b, uint64_t e) {
      pre.read(j, step, dt, xpre);
      for (uint64_t k = b; k < e; ++k) {
        const uint32_t i = tgt[k];
        if (input) input[i] += w[k];
        post.advance(i, step, dt);
        c.post = i;
        if (has_partner) c.partner = partner_at(i, step, xpart);
        const double* xpost = post.values.data() + size_t{i} * post.spec.count;
        w[k] = bounds.clip(R::on_pre(params, w[k], syn(k), xpre, xpost, c));
      }
    });
  }

  void on_post(Projection& p, const std::vector<uint32_t>& spikes, uint32_t lo, uint32_t hi, uint32_t step,
               const HookCtx& base) override {
    float* w = p.csr.weight.data();
    double xpre[kMaxTraces], xpost[kMaxTraces], xpart[kMaxTraces];
    HookCtx c = context(base, step);
    const bool learn = step >= learn_from;
    for (auto it = std::lower_bound(spikes.begin(), spikes.end(), lo); it != spikes.end() && *it < hi; ++it) {
      const uint32_t i = *it;
      if (!learn) {
        post.bump(i, step, dt);
        continue;
      }
      post.read(i, step, dt, xpost);
      c.post = i;
      if (partner.active()) c.partner = partner_at(i, step, xpart);
      for (uint64_t s = post_ptr[i]; s < post_ptr[i + 1]; ++s) {
        const uint32_t k = post_syn[s];
        pre.read(post_pre[s], step, dt, xpre);
        w[k] = bounds.clip(R::on_post(params, w[k], syn(k), xpre, xpost, c));
      }
      post.bump(i, step, dt);
    }
  }

  bool lazy() const override { return IsLazyRule<R>::value; }
  bool trial_rule() const override { return IsTrialRule<R>::value; }
  void on_trial(Projection& p, uint64_t now, const uint32_t* n_pre, const uint32_t* n_post, const TrialCtx& t) override {
    if constexpr (IsTrialRule<R>::value) {
      if (now < learn_from) return;
      float* w = p.csr.weight.data();
      for (uint32_t j = 0; j < p.csr.rows(); ++j)
        for (uint64_t k = p.csr.row_ptr[j]; k < p.csr.row_ptr[j + 1]; ++k)
          w[k] = bounds.clip(R::on_trial(params, w[k], n_pre[j], n_post[p.csr.target[k]], t));
    }
  }
  void on_period(Projection& p, uint32_t now, const TrialCtx& t) override {
    if constexpr (IsTrialRule<R>::value) {
      if (now < learn_from) return;
      float* w = p.csr.weight.data();
      double xpre[kMaxTraces], xpost[kMaxTraces];
      for (uint32_t i = 0; i + 1 < post_ptr.size(); ++i) {
        post.read(i, now, dt, xpost);
        for (uint64_t s = post_ptr[i]; s < post_ptr[i + 1]; ++s) {
          const uint32_t k = post_syn[s];
          pre.read(post_pre[s], now, dt, xpre);
          w[k] = bounds.clip(R::on_trial(params, w[k], xpre[0], xpost[0], t));
        }
      }
    }
  }
  void advance(uint32_t now, const Signals& signals) override {
    if constexpr (IsLazyRule<R>::value) R::advance(params, global, global_aux, signals, now, dt);
  }
  void settle(Projection& p, uint32_t now, const HookCtx& base) override {
    if constexpr (IsLazyRule<R>::value) {
      if (now < learn_from) return;
      HookCtx c = context(base, now);
      float* w = p.csr.weight.data();
      for (uint64_t k = 0; k < p.csr.size(); ++k) w[k] = bounds.clip(R::settle(params, w[k], syn(k), c));
    }
  }

 private:
  HookCtx context(const HookCtx& base, uint32_t step) const {
    HookCtx c = base;
    c.t = step * dt;
    c.step = step;
    c.dt = dt;
    c.bounds = bounds;
    c.rule_state = global.data();
    return c;
  }
  float* syn(uint64_t k) { return R::kSynState ? syn_state.data() + k * R::kSynState : nullptr; }
};

}  // namespace spikesim
