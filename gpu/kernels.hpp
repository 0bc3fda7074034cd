#pragma once
// The device engine's kernels, written once as per-thread functors (`operator()(i)` for
// thread i) over plain views of device memory. gpu/launch_cuda.cu runs them as CUDA
// kernels; gpu/launch_host.cpp runs them in a serial loop (`--device emulate`, and the tests
// that check the engine without a GPU). The model math is the CPU engine's own SPIKESIM_HD
// functors (neurons/, plasticity/, core/rng.hpp).
//
// Every kernel reads the step from device memory (`clock`: steps done, n; this step's
// spikes are stamped n + 1), so one step's launches are the same every step and can be
// captured once as a CUDA graph and replayed.
#include <cstdint>

#include "core/hd.hpp"
#include "core/rng.hpp"
#include "core/spec.hpp"
#include "gpu/atomics.hpp"
#include "neurons/izhikevich.hpp"
#include "neurons/lif_cond_exp.hpp"
#include "neurons/lif_curr_exp.hpp"
#include "neurons/poisson.hpp"
#include "plasticity/disinhibitory.hpp"
#include "plasticity/global_istdp.hpp"
#include "plasticity/rule.hpp"
#include "plasticity/stdp.hpp"
#include "plasticity/triplet_stdp.hpp"
#include "plasticity/vogels_istdp.hpp"

// The plasticity rules the device engine runs: (rule type, name in the network file).
// A rule whose hooks need only traces, signals and the postsynaptic state runs on the
// device by one line here.
#define SPIKESIM_DEVICE_RULES(X)   \
  X(Stdp, "stdp")                  \
  X(TripletStdp, "triplet_stdp")   \
  X(VogelsIstdp, "vogels_istdp")   \
  X(GlobalIstdp, "global_istdp")   \
  X(Disinhibitory, "disinhibitory")

namespace spikesim {

// A population's spikes of the last `slots` steps: stamp s in slot s % slots, as a list
// (for per-spike propagation) and as bits (for per-target propagation and on_post).
struct DevSpikes {
  uint32_t size = 0, slots = 1, words = 0;
  uint32_t* count = nullptr;  // [slots]
  uint32_t* list = nullptr;   // [slots * size], unordered within a slot
  uint32_t* bits = nullptr;   // [slots * words]

  SPIKESIM_HD bool fired(uint32_t i, uint32_t stamp) const {
    return (bits[(stamp % slots) * words + (i >> 5)] >> (i & 31u)) & 1u;
  }
  SPIKESIM_HD void emit(uint32_t i, uint32_t stamp) const {
    const uint32_t s = stamp % slots;
    atomic_or(bits + s * words + (i >> 5), 1u << (i & 31u));
    list[static_cast<uint64_t>(s) * size + atomic_inc(count + s)] = i;
  }
};

// Spikes recorded for the spike file: (stamp << 32 | offset + neuron), appended.
struct DevRecord {
  uint64_t* entries = nullptr;
  uint32_t* count = nullptr;
  uint32_t capacity = 0;
};

struct DevPop {
  Model model = Model::kLifCondExp;
  uint32_t size = 0;
  float *V = nullptr, *ex = nullptr, *in = nullptr;
  int32_t* ref = nullptr;
  LifCurrExp::Prop curr{};
  LifCondExp::Prop cond{};
  Izhikevich::Params izh{};
  CounterRng rng{0, 0};
  // poisson: threshold = rate_thr[k] of the last k with rate_at[k] <= n, else threshold0;
  // or per neuron (thresholds)
  uint32_t threshold0 = 0, n_rates = 0;
  const uint32_t* rate_at = nullptr;
  const uint32_t* rate_thr = nullptr;
  const uint32_t* thresholds = nullptr;
  // spike_generator: neuron i's stamps gen_stamp[gen_ptr[i] .. gen_ptr[i+1]), next unread gen_next[i]
  const uint64_t* gen_ptr = nullptr;
  const uint32_t* gen_stamp = nullptr;
  uint64_t* gen_next = nullptr;
  DevSpikes spikes;
  bool record = false;
  uint32_t rec_offset = 0;
  DevRecord rec;
};

// Clears the slot this step's spikes go to (words + 1 threads).
struct ClearSlotKernel {
  DevSpikes s;
  const uint32_t* clock;
  SPIKESIM_HD void operator()(uint64_t t) const {
    const uint32_t slot = (*clock + 1) % s.slots;
    if (t < s.words) s.bits[slot * s.words + t] = 0u;
    else s.count[slot] = 0u;
  }
};

// One neuron's step from t_n to t_{n+1} (core/simulation.hpp phase 2).
struct UpdateKernel {
  DevPop p;
  const uint32_t* clock;
  SPIKESIM_HD void operator()(uint64_t t) const {
    const auto i = static_cast<uint32_t>(t);
    const uint32_t n = *clock, stamp = n + 1;
    bool spike = false;
    switch (p.model) {
      case Model::kLifCondExp: spike = LifCondExp::step(p.cond, p.V[i], p.ex[i], p.in[i], p.ref[i]); break;
      case Model::kLifCurrExp: spike = LifCurrExp::step(p.curr, p.V[i], p.ex[i], p.in[i], p.ref[i]); break;
      case Model::kIzhikevich: {
        const float u01 = p.izh.I_noise != 0.0f ? static_cast<float>(p.rng.uniform(i, n)) : 0.5f;
        spike = Izhikevich::step(p.izh, p.V[i], p.in[i], p.ex[i], u01);
        break;
      }
      case Model::kPoisson: {
        uint32_t thr = p.threshold0;
        if (p.thresholds) thr = p.thresholds[i];
        else
          for (uint32_t k = 0; k < p.n_rates; ++k)
            if (p.rate_at[k] <= n) thr = p.rate_thr[k];
        spike = thr != 0 && PoissonSource::step(p.rng, thr, i, n);
        break;
      }
      case Model::kSpikeGenerator: {
        uint64_t c = p.gen_next[i];
        const uint64_t e = p.gen_ptr[i + 1];
        while (c < e && p.gen_stamp[c] < stamp) ++c;
        if (c < e && p.gen_stamp[c] == stamp) {
          spike = true;
          while (c < e && p.gen_stamp[c] == stamp) ++c;
        }
        p.gen_next[i] = c;
        break;
      }
    }
    if (!spike) return;
    p.spikes.emit(i, stamp);
    if (p.record) {
      const uint32_t r = atomic_inc(p.rec.count);
      if (r < p.rec.capacity) p.rec.entries[r] = (static_cast<uint64_t>(stamp) << 32) | (p.rec_offset + i);
    }
  }
};

// The first index in [b, e) of sorted `v` whose value is >= x (e if none).
SPIKESIM_HD uint64_t first_at_least(const uint16_t* v, uint64_t b, uint64_t e, uint32_t x) {
  while (b < e) {
    const uint64_t m = b + (e - b) / 2;
    if (v[m] < x) b = m + 1;
    else e = m;
  }
  return b;
}

// Per-spike propagation of a static projection: warp w takes spikes w, w + warps, ... of
// each delay's slot, its 32 lanes the row's synapses of that delay; weights added with atomics
// (fast for sparse activity; the summation order varies from run to run).
struct PushKernel {
  DevSpikes src;
  const uint64_t* row_ptr;
  const uint32_t* target;
  const float* weight;
  const uint16_t* delay;  // null: every synapse has delay dmin
  uint32_t dmin, dmax, warps;
  float* input;
  const uint32_t* clock;
  SPIKESIM_HD void operator()(uint64_t t) const {
    const uint32_t stamp = *clock + 1, warp = static_cast<uint32_t>(t >> 5), lane = static_cast<uint32_t>(t & 31u);
    for (uint32_t d = dmin; d <= dmax && d <= stamp; ++d) {
      const uint32_t slot = (stamp - d) % src.slots, n = src.count[slot];
      for (uint32_t a = warp; a < n; a += warps) {
        const uint32_t j = src.list[static_cast<uint64_t>(slot) * src.size + a];
        uint64_t b = row_ptr[j], e = row_ptr[j + 1];
        if (delay) {  // the row's synapses of delay d (rows are sorted by delay)
          b = first_at_least(delay, b, e, d);
          e = first_at_least(delay, b, e, d + 1);
        }
        for (uint64_t k = b + lane; k < e; k += 32) atomic_add(input + target[k], weight[k]);
      }
    }
  }
};

// Incoming synapses grouped by target (transposed CSR), ordered within a target by (delay,
// source, CSR index): the order in which the CPU engine adds them.
struct DevIncoming {
  const uint64_t* ptr = nullptr;  // n_target + 1
  const uint32_t* pre = nullptr;
  float* weight = nullptr;
  const uint16_t* delay = nullptr;  // null: all dmin
  uint32_t dmin = 1;
};

// Per-target propagation: thread i sums the weights of its synapses whose source spiked
// `delay` steps ago, in the CPU engine's order: no atomics, the same float sums as the CPU.
struct PullKernel {
  DevSpikes src;
  DevIncoming in;
  float* input;
  const uint32_t* clock;
  SPIKESIM_HD void operator()(uint64_t t) const {
    const auto i = static_cast<uint32_t>(t);
    const uint32_t stamp = *clock + 1;
    float acc = input[i];
    bool any = false;
    for (uint64_t s = in.ptr[i]; s < in.ptr[i + 1]; ++s) {
      const uint32_t d = in.delay ? in.delay[s] : in.dmin;
      if (d <= stamp && src.fired(in.pre[s], stamp - d)) {
        acc += in.weight[s];
        any = true;
      }
    }
    if (any) input[i] = acc;
  }
};

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
  int rule = -1;             // index in SPIKESIM_DEVICE_RULES
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
  HookCtx base;              // post_state, signals (device), bounds, dt
  const uint32_t* clock = nullptr;
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
      w = c.bounds.clip(R::on_pre(prm, w, p.syn ? p.syn + s * p.syn_floats : nullptr, xpre, xpost, c));
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
        w = c.bounds.clip(R::on_post(prm, w, p.syn ? p.syn + s * p.syn_floats : nullptr, xpre, xpost, c));
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

// Phase 3 on one thread: each population's spike count of this step into the history, the
// global signals (core/signals.hpp) to t_{n+1} with the rewards due at n + 1.
struct DevEmit {
  uint32_t n_pops = 0, n_signals = 0, history = 1;
  uint32_t* const* pop_count = nullptr;  // [n_pops] each population's DevSpikes::count
  const uint32_t* pop_slots = nullptr;   // [n_pops]
  uint32_t* count_hist = nullptr;        // [history * n_pops]
  double *value = nullptr, *prev = nullptr, *pending = nullptr;  // [n_signals]
  const double *baseline = nullptr, *decay = nullptr, *per_spike = nullptr;
  const int32_t* source = nullptr;       // population whose spikes raise the signal, or -1
  double* signal_hist = nullptr;         // [history * n_signals]
  const uint32_t* reward_stamp = nullptr;  // scheduled rewards, by stamp
  const uint32_t* reward_signal = nullptr;
  const double* reward_amount = nullptr;
  uint32_t n_rewards = 0;
  uint32_t* reward_next = nullptr;
  const uint32_t* clock = nullptr;
};

struct EmitKernel {
  DevEmit e;
  SPIKESIM_HD void operator()(uint64_t) const {
    const uint32_t n = *e.clock, stamp = n + 1, h = n % e.history;
    for (uint32_t p = 0; p < e.n_pops; ++p) e.count_hist[h * e.n_pops + p] = e.pop_count[p][stamp % e.pop_slots[p]];
    uint32_t r = *e.reward_next;
    for (; r < e.n_rewards && e.reward_stamp[r] <= stamp; ++r)
      if (e.reward_stamp[r] == stamp) e.pending[e.reward_signal[r]] += e.reward_amount[r];
    *e.reward_next = r;
    for (uint32_t k = 0; k < e.n_signals; ++k) {
      e.prev[k] = e.value[k];
      const double count = e.source[k] >= 0 ? static_cast<double>(e.count_hist[h * e.n_pops + e.source[k]]) : 0.0;
      e.value[k] = signal_update(e.value[k], e.baseline[k], e.decay[k], count * e.per_spike[k], e.pending[k]);
      e.pending[k] = 0.0;
      e.signal_hist[h * e.n_signals + k] = e.value[k];
    }
  }
};

struct TickKernel {
  uint32_t* clock;
  SPIKESIM_HD void operator()(uint64_t) const { ++*clock; }
};

}  // namespace spikesim
