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
#include "neurons/model_list.hpp"
#include "neurons/poisson.hpp"
#include "synapses/poisson_input.hpp"
#include "core/signals.hpp"

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
  Model model = Model::kPoisson;
  uint32_t size = 0;
  float* x[kMaxStateVars] = {};  // neuron models: the state arrays (Population::x)
  int32_t* ref = nullptr;
  ModelProp prop{};
  const ModelProp* props = nullptr;  // per neuron (parameters given per neuron), else every neuron has `prop`
  CounterRng rng{0, 0};
  // poisson: threshold = rate_thr[k] of the last k with rate_at[k] <= n, else threshold0;
  // or per neuron (thresholds)
  uint32_t threshold0 = 0, n_rates = 0;
  const uint32_t* rate_at = nullptr;
  const uint32_t* rate_thr = nullptr;
  uint32_t* thresholds = nullptr;  // a task stimulus: changed between steps
  // spike_generator: neuron i's stamps gen_stamp[gen_ptr[i] .. gen_ptr[i+1]), next unread gen_next[i]
  const uint64_t* gen_ptr = nullptr;
  const uint32_t* gen_stamp = nullptr;
  uint64_t* gen_next = nullptr;
  DevSpikes spikes;
  bool record = false;
  uint32_t rec_offset = 0;
  DevRecord rec;
  uint32_t* trial_count = nullptr;  // spikes per neuron in the task's current trial (trial rules read them)
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

// One neuron's step, per kind of population: a neuron model M, a Poisson source, a spike
// generator. The launcher picks the kind once per population (LauncherOf::update).
template <class M>
struct NeuronStep {
  SPIKESIM_HD static bool run(const DevPop& p, uint32_t i, uint32_t n) {
    return M::step(PropOf<M>::get(p.props ? p.props[i] : p.prop), p.x, p.ref[i], NeuronCtx{p.rng, i, n});
  }
};

struct PoissonStep {
  SPIKESIM_HD static bool run(const DevPop& p, uint32_t i, uint32_t n) {
    uint32_t thr = p.threshold0;
    if (p.thresholds) thr = p.thresholds[i];
    else
      for (uint32_t k = 0; k < p.n_rates && p.rate_at[k] <= n; ++k) thr = p.rate_thr[k];  // rate_at ascending
    return thr != 0 && PoissonSource::step(p.rng, thr, i, n);
  }
};

struct GeneratorStep {
  SPIKESIM_HD static bool run(const DevPop& p, uint32_t i, uint32_t n) {
    const uint32_t stamp = n + 1;
    uint64_t c = p.gen_next[i];
    const uint64_t e = p.gen_ptr[i + 1];
    while (c < e && p.gen_stamp[c] < stamp) ++c;
    bool spike = false;
    if (c < e && p.gen_stamp[c] == stamp) {
      spike = true;
      while (c < e && p.gen_stamp[c] == stamp) ++c;
    }
    p.gen_next[i] = c;
    return spike;
  }
};

// One neuron's step from t_n to t_{n+1} (core/backend.hpp phase 2), then its spike.
template <class Step>
struct UpdateKernel {
  DevPop p;
  const uint32_t* clock;
  SPIKESIM_HD void operator()(uint64_t t) const {
    const auto i = static_cast<uint32_t>(t);
    const uint32_t n = *clock, stamp = n + 1;
    const bool spike = Step::run(p, i, n);
    if (!spike) return;
    p.spikes.emit(i, stamp);
    if (p.trial_count) ++p.trial_count[i];
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

// A poisson_generator's trains (synapses/poisson_input.hpp): thread i adds its neuron's
// count x weight, after the projections' deliveries, as the CPU engine does.
struct PoissonInputKernel {
  PoissonDrive d;
  float* input;
  const uint32_t* clock;
  SPIKESIM_HD void operator()(uint64_t t) const {
    const uint32_t now = *clock + 1;
    if (d.active(now)) d.add(input, static_cast<uint32_t>(t), now);
  }
};

// A reward triggered by a spike pair (core/signals.hpp), with its two neurons' spikes.
struct DevPairReward {
  PairReward r;
  DevSpikes pre, post;
  uint32_t signal = 0;
  CounterRng rng{0, 0};
};

// Phase 3 on one thread: each population's spike count of this step into the history, the
// global signals (core/signals.hpp) to t_{n+1}. Jumps join a signal in the CPU engine's
// phase 1 of their step, in the order of the CPU's scheduler: `future`, a ring of
// `future_slots` steps, holds step n's jumps in slot n % future_slots; the file's scheduled
// rewards go in first (the slot is filled with them `future_slots` steps ahead, when it is
// freed), then the rewards triggered by spike pairs, in the order triggered. Jumps the host
// queued (Signals::add, moved to `pending` between chunks) are added to the slot's sum.
struct DevEmit {
  uint32_t n_pops = 0, n_signals = 0, history = 1;
  double dt = 0.1;
  uint32_t* const* pop_count = nullptr;  // [n_pops] each population's DevSpikes::count
  const uint32_t* pop_slots = nullptr;   // [n_pops]
  uint32_t* count_hist = nullptr;        // [history * n_pops]
  double *value = nullptr, *prev = nullptr, *pending = nullptr;  // [n_signals]
  const double *baseline = nullptr, *decay = nullptr, *per_spike = nullptr, *tau = nullptr;
  const int32_t* source = nullptr;       // population whose spikes raise the signal, or -1
  double* signal_hist = nullptr;         // [history * n_signals]
  const uint32_t* reward_stamp = nullptr;  // scheduled rewards, by stamp
  const uint32_t* reward_signal = nullptr;
  const double* reward_amount = nullptr;
  uint32_t n_rewards = 0;
  uint32_t* reward_next = nullptr;       // the first scheduled reward not yet in the ring
  const DevPairReward* pairs = nullptr;  // [n_pairs]
  PairRewardState* pair_state = nullptr;
  uint32_t n_pairs = 0, future_slots = 1;
  double* future = nullptr;              // [future_slots * n_signals]: the jumps of step n in slot n % future_slots
  const uint32_t* clock = nullptr;

  SignalView view() const { return {prev, baseline, tau}; }
};

struct EmitKernel {
  DevEmit e;
  SPIKESIM_HD void operator()(uint64_t) const {
    const uint32_t n = *e.clock, stamp = n + 1, h = n % e.history;
    for (uint32_t p = 0; p < e.n_pops; ++p) e.count_hist[h * e.n_pops + p] = e.pop_count[p][stamp % e.pop_slots[p]];
    double* slot = e.future + static_cast<uint64_t>(n % e.future_slots) * e.n_signals;
    for (uint32_t k = 0; k < e.n_signals; ++k) {
      e.pending[k] += slot[k];
      slot[k] = 0.0;
    }
    const uint64_t ahead = static_cast<uint64_t>(stamp) + e.future_slots;  // the slot's next step stamps this
    uint32_t r = *e.reward_next;
    for (; r < e.n_rewards && e.reward_stamp[r] <= ahead; ++r)
      if (e.reward_stamp[r] == ahead) slot[e.reward_signal[r]] += e.reward_amount[r];
    *e.reward_next = r;
    for (uint32_t q = 0; q < e.n_pairs; ++q) {  // spike pairs of this step: rewards at a later step
      const DevPairReward& pr = e.pairs[q];
      const int64_t at = pair_reward_step(pr.r, e.pair_state[q], pr.pre.fired(pr.r.pre, stamp), pr.post.fired(pr.r.post, stamp),
                                          stamp, e.dt, pr.rng);
      if (at >= 0) e.future[static_cast<uint64_t>(at % e.future_slots) * e.n_signals + pr.signal] += pr.r.amount;
    }
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
