#pragma once
// The device engine's plasticity kernels (see gpu/kernels.hpp): a plastic projection runs
// per target, one delay, in the phases of plasticity/plasticity.hpp, each trace and weight
// with a single writing thread. The rules' math is their own SPIKESIM_HD functors.
#include "gpu/kernels.hpp"
#include "plasticity/rule_list.hpp"

namespace spikesim {

struct DevTraces {
  TraceSpec spec;
  double* values = nullptr;
  uint32_t* stamp = nullptr;
};

// A projection whose source spikes feed a rule's partner traces (Plasticity::Partner):
// by target, its sources in CSR order, and what each synapse adds (null: 1).
struct DevPartnerSource {
  DevSpikes src;
  const uint64_t* ptr = nullptr;
  const uint32_t* pre = nullptr;
  const float* amount = nullptr;
};

// A plastic projection on the device (per target, one delay; plasticity/plasticity.hpp
// gives the order of the phases): weights and per-synapse state in incoming order.
struct DevPlastic {
  int rule = -1;             // index in SPIKESIM_RULES (plasticity/rule_list.hpp)
  const void* params = nullptr;  // the rule's Params (host memory, copied into each launch)
  DevSpikes src, tgt;
  DevIncoming in;
  float* syn = nullptr;      // syn_floats per synapse
  int syn_floats = 0;
  uint32_t delay = 1;
  uint64_t learn_from = 0;
  float* input = nullptr;    // null: deliver nothing (target without receptors)
  DevTraces pre, post;
  DevTraces partner;                          // per target, when n_sources > 0
  const DevPartnerSource* sources = nullptr;  // [n_sources]
  uint32_t n_sources = 0;
  HookCtx base;              // post_state, signals (device), bounds, dt, rule_state
  double* rule_state = nullptr;  // lazy rules: R::state_size doubles (base.rule_state), and aux
  double* rule_aux = nullptr;
  const uint32_t* clock = nullptr;
  // Incoming synapse s's per-synapse state (null when the rule keeps none).
  SPIKESIM_HD float* syn_at(uint64_t s) const { return syn ? syn + s * syn_floats : nullptr; }
};

// Target i's partner traces decayed to `stamp` in place (only i's thread touches them).
SPIKESIM_HD const double* partner_at(const DevPlastic& p, uint32_t i, uint32_t stamp) {
  trace_advance(p.partner.spec, p.partner.values, p.partner.stamp, i, stamp, p.base.dt);
  return p.partner.values + static_cast<uint64_t>(i) * p.partner.spec.count;
}

// What a hook of target i reads at `stamp`, besides the traces.
SPIKESIM_HD HookCtx hook_at(const DevPlastic& p, uint32_t i, uint32_t stamp) {
  HookCtx c = p.base;
  c.post = i;
  c.step = stamp;
  c.t = stamp * c.dt;
  return c;
}

// 4a: delivery and on_pre, thread per target.
template <class R>
struct PlasticPreKernel {
  DevPlastic p;
  typename R::Params prm;
  SPIKESIM_HD void operator()(uint64_t t) const {
    const auto i = static_cast<uint32_t>(t);
    const uint32_t stamp = *p.clock + 1;
    if (stamp < p.delay) return;
    const bool learn = stamp >= p.learn_from;
    HookCtx c = hook_at(p, i, stamp);
    double xpre[kMaxTraces];
    for (uint64_t s = p.in.ptr[i]; s < p.in.ptr[i + 1]; ++s) {
      const uint32_t j = p.in.pre[s];
      if (!p.src.fired(j, stamp - p.delay)) continue;
      float& w = p.in.weight[s];
      if (p.input) p.input[i] += w;
      if (!learn) continue;
      trace_advance(p.post.spec, p.post.values, p.post.stamp, i, stamp, c.dt);
      if (p.n_sources) c.partner = partner_at(p, i, stamp);
      trace_read(p.pre.spec, p.pre.values, p.pre.stamp, j, stamp, c.dt, xpre);
      const double* xpost = p.post.values + static_cast<uint64_t>(i) * p.post.spec.count;
      w = c.bounds.clip(R::on_pre(prm, w, p.syn_at(s), xpre, xpost, c));
    }
  }
};

// 4b: presynaptic traces of this step's arrivals, thread per source neuron.
struct BumpPreKernel {
  DevPlastic p;
  SPIKESIM_HD void operator()(uint64_t t) const {
    const auto j = static_cast<uint32_t>(t);
    const uint32_t stamp = *p.clock + 1;
    if (stamp >= p.delay && p.src.fired(j, stamp - p.delay))
      trace_bump(p.pre.spec, p.pre.values, p.pre.stamp, j, stamp, p.base.dt);
  }
};

// 4c: on_post for the target's spikes of this step, thread per target; then its trace bump.
template <class R>
struct OnPostKernel {
  DevPlastic p;
  typename R::Params prm;
  SPIKESIM_HD void operator()(uint64_t t) const {
    const auto i = static_cast<uint32_t>(t);
    const uint32_t stamp = *p.clock + 1;
    if (!p.tgt.fired(i, stamp)) return;
    const double dt = p.base.dt;
    if (stamp >= p.learn_from) {
      HookCtx c = hook_at(p, i, stamp);
      double xpre[kMaxTraces], xpost[kMaxTraces];
      trace_read(p.post.spec, p.post.values, p.post.stamp, i, stamp, dt, xpost);
      if (p.n_sources) c.partner = partner_at(p, i, stamp);
      for (uint64_t s = p.in.ptr[i]; s < p.in.ptr[i + 1]; ++s) {
        trace_read(p.pre.spec, p.pre.values, p.pre.stamp, p.in.pre[s], stamp, dt, xpre);
        float& w = p.in.weight[s];
        w = c.bounds.clip(R::on_post(prm, w, p.syn_at(s), xpre, xpost, c));
      }
    }
    trace_bump(p.post.spec, p.post.values, p.post.stamp, i, stamp, dt);
  }
};

// After on_post: this step's spikes of the partner sources into the targets' partner
// traces, thread per target, in the CPU engine's order (source, neuron, synapse).
struct PartnerKernel {
  DevPlastic p;
  SPIKESIM_HD void operator()(uint64_t t) const {
    const auto i = static_cast<uint32_t>(t);
    const uint32_t stamp = *p.clock + 1;
    for (uint32_t q = 0; q < p.n_sources; ++q) {
      const DevPartnerSource& s = p.sources[q];
      for (uint64_t k = s.ptr[i]; k < s.ptr[i + 1]; ++k)
        if (s.src.fired(s.pre[k], stamp))
          trace_add(p.partner.spec, p.partner.values, p.partner.stamp, i, stamp, p.base.dt, s.amount ? s.amount[k] : 1.0);
    }
  }
};

// Lazy rules, once per step after the emit kernel: the projection's state (one thread).
template <class R>
struct AdvanceKernel {
  DevPlastic p;
  typename R::Params prm;
  SignalView sig;
  SPIKESIM_HD void operator()(uint64_t) const { R::advance_step(prm, p.rule_state, *p.rule_aux, sig, *p.clock + 1, p.base.dt); }
};

// Lazy rules, between steps: every synapse of target i brought up to the steps done.
template <class R>
struct SettleKernel {
  DevPlastic p;
  typename R::Params prm;
  SPIKESIM_HD void operator()(uint64_t t) const {
    const auto i = static_cast<uint32_t>(t);
    const HookCtx c = hook_at(p, i, *p.clock);
    for (uint64_t s = p.in.ptr[i]; s < p.in.ptr[i + 1]; ++s)
      p.in.weight[s] = c.bounds.clip(R::settle(prm, p.in.weight[s], p.syn_at(s), c));
  }
};

// Trial rules, at the end of a task's trial: target i's synapses from the trial's spike counts.
template <class R>
struct TrialKernel {
  DevPlastic p;
  typename R::Params prm;
  const uint32_t* n_pre;
  const uint32_t* n_post;
  TrialCtx ctx;  // signals: device memory
  SPIKESIM_HD void operator()(uint64_t t) const {
    const auto i = static_cast<uint32_t>(t);
    for (uint64_t s = p.in.ptr[i]; s < p.in.ptr[i + 1]; ++s)
      p.in.weight[s] = p.base.bounds.clip(R::on_trial(prm, p.in.weight[s], n_pre[p.in.pre[s]], n_post[i], ctx));
  }
};

// Periodic trial rules, at the end of a period: target i's synapses from the first traces
// of both sides at `now` (read, not advanced: the spike kernels own the stamps).
template <class R>
struct PeriodKernel {
  DevPlastic p;
  typename R::Params prm;
  uint32_t now;
  TrialCtx ctx;  // signals: device memory
  SPIKESIM_HD void operator()(uint64_t t) const {
    const auto i = static_cast<uint32_t>(t);
    double xpre[kMaxTraces], xpost[kMaxTraces];
    trace_read(p.post.spec, p.post.values, p.post.stamp, i, now, p.base.dt, xpost);
    for (uint64_t s = p.in.ptr[i]; s < p.in.ptr[i + 1]; ++s) {
      trace_read(p.pre.spec, p.pre.values, p.pre.stamp, p.in.pre[s], now, p.base.dt, xpre);
      p.in.weight[s] = p.base.bounds.clip(R::on_trial(prm, p.in.weight[s], xpre[0], xpost[0], ctx));
    }
  }
};

}  // namespace spikesim
