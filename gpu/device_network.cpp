#include "gpu/device_network.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/poisson_rate.hpp"
#include "plasticity/plasticity.hpp"
#include "synapses/by_target.hpp"

namespace spikesim {

// The device rule index of a plastic projection's rule, and its Params; -1 if it has none.
Propagation choose_propagation(const Network& net, size_t i, Propagation command_line) {
  const Propagation file = net.spec.projections[i].propagation;
  if (file != Propagation::kAuto) return file;
  if (command_line != Propagation::kAuto) return command_line;
  const Population& src = net.pops[net.projs[i].source];
  const PopulationSpec& spec = net.spec.populations[net.projs[i].source];
  double share = 0.0;  // of the sources spiking in a step, at most (0: unknown)
  if (src.model == Model::kPoisson) {
    uint64_t thr = src.threshold;
    for (const auto& step_thr : rate_schedule(spec.rates, spec.rate_times, net.spec.run.dt))
      thr = std::max<uint64_t>(thr, step_thr.second);
    for (uint32_t t : src.thresholds) thr = std::max<uint64_t>(thr, t);
    share = static_cast<double>(thr) / 4294967296.0;
  } else if (src.model == Model::kSpikeGenerator && src.size && net.steps()) {
    share = static_cast<double>(src.generator_events.size()) / (static_cast<double>(src.size) * static_cast<double>(net.steps()));
  }
  return share >= kPerTargetShare ? Propagation::kPerTarget : Propagation::kPerSpike;
}

namespace {

// A lazy rule's state for a run of `steps` steps (R::state_size); 0 for other rules.
template <class R>
size_t state_size_of(const void* params, uint64_t steps, double dt) {
  if constexpr (IsLazyRule<R>::value) return R::state_size(*static_cast<const typename R::Params*>(params), steps, dt);
  else return 0;
}
size_t device_state_size(const DevPlastic& p, uint64_t steps, double dt) {
  int k = 0;
#define SPIKESIM_RULE_SIZE(R, name, summary) \
  if (p.rule == k++) return state_size_of<R>(p.params, steps, dt);
  SPIKESIM_RULES(SPIKESIM_RULE_SIZE)
#undef SPIKESIM_RULE_SIZE
  return 0;
}

template <class T>
std::vector<T> gather(const std::vector<T>& v, const std::vector<uint32_t>& idx, size_t per = 1) {
  std::vector<T> out(idx.size() * per);
  for (size_t s = 0; s < idx.size(); ++s)
    for (size_t f = 0; f < per; ++f) out[s * per + f] = v[idx[s] * per + f];
  return out;
}

}  // namespace

DeviceNetwork::DeviceNetwork(Network& net_, const RunOptions& opt, const std::vector<int>& recorded_pops, Launcher& l)
    : L(l), net(net_), dev(l) {
  const size_t n_pops = net.pops.size(), n_projs = net.projs.size();
  clock = dev.alloc<uint32_t>(1);
  // Each population's spike ring holds as many steps as its longest outgoing delay needs.
  std::vector<uint32_t> slots(n_pops, 1);
  for (const Projection& pr : net.projs) slots[pr.source] = std::max<uint32_t>(slots[pr.source], pr.csr.delay_max + 1u);
  setup_record(recorded_pops);
  upload_populations(slots, recorded_pops);
  upload_signals(slots);
  projs.resize(n_projs);
  for (size_t i = 0; i < n_projs; ++i) upload_projection(i, opt.propagation);
  for (const PoissonInput& in : net.poisson_inputs) {  // the tables to the device; the rest by value
    PoissonDrive d = in.view();
    d.cdf = dev.copy(in.cdf);
    poisson_inputs.push_back({PoissonInputKernel{d, receptor_array(in.target, in.receptor), clock}, pops[in.target].size});
  }
  reported_pop_.assign(n_pops, false);
  reported_proj_.assign(n_projs, false);
  for (const auto& m : net.spec.states) reported_pop_[m.population] = true;
  for (const auto& m : net.spec.weights) reported_proj_[m.projection] = true;
}


// The spike record: the recorded populations' neurons, numbered one after another.
void DeviceNetwork::setup_record(const std::vector<int>& recorded_pops) {
  const size_t n_pops = net.pops.size();
  rec_offset.assign(n_pops, 0);
  rec_pop = recorded_pops;
  for (int p : rec_pop) {
    rec_offset[p] = static_cast<uint32_t>(recorded);
    recorded += net.pops[p].size;
  }
  if (recorded > 0xFFFFFFFFull) throw RunError("--device: more than 2^32 recorded neurons");
  // At most one spike per neuron and step: a chunk of k steps needs k * recorded entries.
  const uint64_t rec_cap = recorded ? std::min<uint64_t>(std::max<uint64_t>(recorded * 64, 1u << 20), 1u << 27) : 0;
  rec_steps = recorded ? std::max<uint64_t>(1, rec_cap / recorded) : kHistory;
  if (recorded) {
    rec.entries = dev.alloc<uint64_t>(rec_cap);
    rec.count = dev.alloc<uint32_t>(1);
    rec.capacity = static_cast<uint32_t>(rec_cap);
  }

}

// Populations: state, Poisson rates and generator events, spike rings.
void DeviceNetwork::upload_populations(const std::vector<uint32_t>& slots, const std::vector<int>& recorded_pops) {
  const size_t n_pops = net.pops.size();
  const double dt = net.spec.run.dt;
  std::vector<bool> is_recorded(n_pops, false);
  for (int p : recorded_pops) is_recorded[p] = true;
  // A task's trial rules read per-neuron spike counts of a trial; its stimulus population's
  // per-neuron thresholds change at trial events (uploaded by upload_events).
  std::vector<bool> counted(n_pops, false);
  if (net.spec.task.active())
    for (const Projection& pr : net.projs)
      if (pr.plastic && pr.plastic->trial_rule()) counted[pr.source] = counted[pr.target] = true;
  pops.resize(n_pops);
  for (size_t p = 0; p < n_pops; ++p) {
    Population& h = net.pops[p];
    const PopulationSpec& s = net.spec.populations[p];
    DevPop& d = pops[p];
    d.model = h.model;
    d.size = h.size;
    for (size_t k = 0; k < h.x.size(); ++k) d.x[k] = dev.copy(h.x[k]);
    d.ref = dev.copy(h.ref);
    d.prop = h.prop;
    d.props = dev.copy(h.props);
    d.rng = h.rng;
    d.threshold0 = h.threshold;
    std::vector<uint32_t> at, thr;
    for (const auto& [step, th] : rate_schedule(s.rates, s.rate_times, dt)) {
      at.push_back(static_cast<uint32_t>(step));
      thr.push_back(th);
    }
    d.n_rates = static_cast<uint32_t>(at.size());
    d.rate_at = dev.copy(at);
    d.rate_thr = dev.copy(thr);
    d.thresholds = dev.copy(h.thresholds);
    if (net.spec.task.active() && static_cast<int>(p) == net.spec.task.stimulus) {
      if (!d.thresholds) d.thresholds = dev.alloc<uint32_t>(h.size);
      stimulus_on_device_ = h.thresholds;
    }
    if (counted[p]) d.trial_count = dev.alloc<uint32_t>(h.size);
    if (h.model == Model::kSpikeGenerator) {  // per neuron, ascending stamps
      std::vector<uint64_t> ptr(h.size + 1ull, 0);
      for (const auto& e : h.generator_events) ++ptr[e.second + 1ull];
      for (uint32_t i = 0; i < h.size; ++i) ptr[i + 1ull] += ptr[i];
      std::vector<uint32_t> stamps(h.generator_events.size());
      std::vector<uint64_t> fill(ptr.begin(), ptr.end() - 1);
      for (const auto& e : h.generator_events) stamps[fill[e.second]++] = e.first;
      d.gen_ptr = dev.copy(ptr);
      d.gen_stamp = dev.copy(stamps);
      d.gen_next = dev.alloc<uint64_t>(h.size);
      L.upload(d.gen_next, ptr.data(), h.size * sizeof(uint64_t));
    }
    d.spikes.size = h.size;
    d.spikes.slots = slots[p];
    d.spikes.words = (h.size + 31) / 32;
    d.spikes.count = dev.alloc<uint32_t>(slots[p]);
    d.spikes.list = dev.alloc<uint32_t>(static_cast<size_t>(slots[p]) * h.size);
    d.spikes.bits = dev.alloc<uint32_t>(static_cast<size_t>(slots[p]) * d.spikes.words);
    d.record = is_recorded[p];
    d.rec_offset = rec_offset[p];
    d.rec = rec;
  }

}

void DeviceNetwork::upload_signals(const std::vector<uint32_t>& slots) {
  const size_t n_pops = net.pops.size(), n_sig = net.signals.value.size();
  const double dt = net.spec.run.dt;
  // Global signals and their scheduled rewards (by stamp: scheduled_rewards).
  emit.dt = dt;
  emit.n_pops = static_cast<uint32_t>(n_pops);
  emit.n_signals = static_cast<uint32_t>(n_sig);
  emit.history = kHistory;
  std::vector<uint32_t*> counts(n_pops);
  for (size_t p = 0; p < n_pops; ++p) counts[p] = pops[p].spikes.count;
  emit.pop_count = dev.copy(counts);
  emit.pop_slots = dev.copy(slots);
  emit.count_hist = dev.alloc<uint32_t>(static_cast<size_t>(kHistory) * std::max<size_t>(n_pops, 1));
  emit.value = dev.copy(net.signals.value);
  emit.prev = dev.copy(net.signals.prev);
  emit.pending = dev.alloc<double>(std::max<size_t>(n_sig, 1));
  emit.baseline = dev.copy(net.signals.baseline);
  emit.decay = dev.copy(net.signals.decay());
  emit.per_spike = dev.copy(net.signals.per_spike());
  emit.tau = dev.copy(net.signals.tau);
  std::vector<int32_t> source(net.signals.source().begin(), net.signals.source().end());
  emit.source = dev.copy(source);
  emit.signal_hist = dev.alloc<double>(static_cast<size_t>(kHistory) * std::max<size_t>(n_sig, 1));
  {  // pair rewards: their neurons' spikes; the ring of future jumps is as long as the longest delay
    std::vector<DevPairReward> pairs;
    for (size_t k = 0; k < n_sig; ++k)
      for (const PairReward& r : net.spec.signals[k].pair_rewards) {
        DevPairReward d;
        d.r = r;
        d.pre = pops[r.pre_pop].spikes;
        d.post = pops[r.post_pop].spikes;
        d.signal = static_cast<uint32_t>(k);
        d.rng = CounterRng{net.spec.run.seed, kStreamReward | static_cast<uint32_t>(k)};
        pairs.push_back(d);
        emit.future_slots = std::max<uint32_t>(emit.future_slots, static_cast<uint32_t>(std::ceil(std::max(r.delay.max_value(), 0.0) / dt)) + 3u);
      }
    emit.n_pairs = static_cast<uint32_t>(pairs.size());
    if (!pairs.empty()) {
      emit.pairs = dev.copy(pairs);
      emit.pair_state = dev.alloc<PairRewardState>(pairs.size());
      const std::vector<PairRewardState> fresh(pairs.size());
      L.upload(emit.pair_state, fresh.data(), fresh.size() * sizeof(PairRewardState));
    }
  }
  {  // scheduled rewards (by stamp, scheduled_rewards): those of the ring's first steps now, the rest by the emit kernel
    std::vector<uint32_t> st, sg;
    std::vector<double> am;
    for (const ScheduledReward& r : scheduled_rewards(net.spec.signals, dt))
      st.push_back(static_cast<uint32_t>(r.stamp)), sg.push_back(r.signal), am.push_back(r.amount);
    emit.n_rewards = static_cast<uint32_t>(st.size());
    emit.reward_stamp = dev.copy(st);
    emit.reward_signal = dev.copy(sg);
    emit.reward_amount = dev.copy(am);
    std::vector<double> ring(static_cast<size_t>(emit.future_slots) * std::max<size_t>(n_sig, 1), 0.0);
    uint32_t next = 0;
    for (; next < st.size() && st[next] <= emit.future_slots; ++next)  // step st - 1 in slot (st - 1) % slots
      ring[static_cast<size_t>(st[next] - 1) * n_sig + sg[next]] += am[next];
    emit.future = dev.copy(ring);
    emit.reward_next = dev.alloc<uint32_t>(1);
    L.upload(emit.reward_next, &next, sizeof next);
  }
  emit.clock = clock;

}

float* DeviceNetwork::receptor_array(int pop, Receptor r) const {
  const Population& h = net.pops[pop];  // the device copy of the array Population::receptor picks
  return h.receptor(r) ? pops[pop].x[r == kReceptorEx ? h.ex_var : h.in_var] : nullptr;
}

// Projection i: a static one per spike (atomics) or per target; a plastic one per target.
void DeviceNetwork::upload_projection(size_t i, Propagation command_line) {
  Projection& pr = net.projs[i];
  ProjOnDevice& d = projs[i];
  const DevPop& src = pops[pr.source];
  DevPop& tgt = pops[pr.target];
  float* input = receptor_array(pr.target, pr.receptor);
  d.n_source = src.size;
  d.n_target = tgt.size;
  const Csr& csr = pr.csr;
  if (pr.plastic) {
    upload_plastic(i, d, src, tgt, input);
    return;
  }
  if (choose_propagation(net, i, command_line) == Propagation::kPerTarget) {
    d.kind = ProjOnDevice::kPull;
    const ByTarget inc = by_target(csr, tgt.size);
    DevIncoming& in = d.pull.in;
    in.ptr = dev.copy(inc.ptr, &synapse_bytes);
    in.pre = dev.copy(inc.pre, &synapse_bytes);
    in.weight = dev.copy(gather(csr.weight, inc.syn), &synapse_bytes);
    if (!csr.delay.empty()) in.delay = dev.copy(gather(csr.delay, inc.syn), &synapse_bytes);
    in.dmin = csr.delay_min;
    d.pull.src = src.spikes;
    d.pull.input = input;
    d.pull.clock = clock;
    return;
  }
  d.kind = ProjOnDevice::kPush;
  PushKernel& k = d.push;
  k.src = src.spikes;
  k.row_ptr = dev.copy(csr.row_ptr, &synapse_bytes);
  k.target = dev.copy(csr.target, &synapse_bytes);
  k.weight = dev.copy(csr.weight, &synapse_bytes);
  k.delay = csr.delay.empty() ? nullptr : dev.copy(csr.delay, &synapse_bytes);
  k.dmin = csr.delay_min;
  k.dmax = csr.delay_max;
  k.warps = L.push_warps();
  k.input = input;
  k.clock = clock;
}

void DeviceNetwork::upload_plastic(size_t i, ProjOnDevice& d, const DevPop& src, DevPop& tgt, float* input) {
  Projection& pr = net.projs[i];
  const Csr& csr = pr.csr;
  const double dt = net.spec.run.dt;
  const Population& host_tgt = net.pops[pr.target];
  Plasticity& pl = *pr.plastic;
  d.kind = ProjOnDevice::kPlastic;
  d.spike_hooks = !pl.at_trial_ends();
  d.syn = pl.post_syn;
  DevPlastic& k = d.plastic;
  k.rule = pl.rule_index;
  k.params = pl.params_data();
  k.src = src.spikes;
  k.tgt = tgt.spikes;
  k.in.ptr = dev.copy(pl.post_ptr, &synapse_bytes);
  k.in.pre = dev.copy(pl.post_pre, &synapse_bytes);
  k.in.weight = dev.copy(gather(csr.weight, pl.post_syn), &synapse_bytes);
  k.in.dmin = pl.delay;
  k.syn_floats = pl.syn_floats;
  if (pl.syn_floats) k.syn = dev.copy(gather(pl.syn_state, pl.post_syn, pl.syn_floats), &synapse_bytes);
  k.delay = pl.delay;
  k.learn_from = pl.learn_from;
  k.input = input;
  k.pre = {pl.pre.spec, dev.copy(pl.pre.values), dev.copy(pl.pre.stamp)};
  k.post = {pl.post.spec, dev.copy(pl.post.values), dev.copy(pl.post.stamp)};
  if (!k.pre.values) k.pre.values = dev.alloc<double>(1);
  if (!k.post.values) k.post.values = dev.alloc<double>(1);
  if (pl.partner.active()) {  // partner traces: each source's CSR by target
    std::vector<DevPartnerSource> srcs;
    for (const Plasticity::Partner::Source& ps : pl.partner.sources) {
      Csr by_source;
      by_source.row_ptr = ps.first;
      by_source.target = ps.targets;
      const ByTarget inc = by_target(by_source, tgt.size);
      DevPartnerSource d_src;
      d_src.src = pops[ps.pop].spikes;
      d_src.ptr = dev.copy(inc.ptr);
      d_src.pre = dev.copy(inc.pre);
      if (!ps.amount.empty()) d_src.amount = dev.copy(gather(ps.amount, inc.syn));
      srcs.push_back(d_src);
    }
    k.sources = dev.copy(srcs);
    k.n_sources = static_cast<uint32_t>(srcs.size());
    k.partner = {pl.partner.traces.spec, dev.copy(pl.partner.traces.values), dev.copy(pl.partner.traces.stamp)};
  }
  auto var = [&](int v) -> const float* { return v < 0 ? nullptr : tgt.x[v]; };
  k.base.post_state = {var(host_tgt.v_var), var(host_tgt.ex_var), var(host_tgt.in_var), host_tgt.v_offset};
  k.base.signals = emit.value;
  if (pl.lazy()) {  // the per-projection state of the whole run (the CPU's grows as it goes)
    std::vector<double> state(std::max(device_state_size(k, net.steps(), dt), pl.global.size()), 0.0);
    std::copy(pl.global.begin(), pl.global.end(), state.begin());
    k.rule_state = dev.copy(state);
    const double aux = pl.global.empty() ? 1.0 : pl.global_aux;
    k.rule_aux = dev.alloc<double>(1);
    L.upload(k.rule_aux, &aux, sizeof aux);
    k.base.rule_state = k.rule_state;
  }
  k.base.bounds = pl.bounds;
  k.base.dt = dt;
  k.clock = clock;
}

void DeviceNetwork::step() {
  const size_t n_pops = pops.size();
  for (size_t p = 0; p < n_pops; ++p) L.clear_slot(pops[p].spikes, clock);
  for (size_t p = 0; p < n_pops; ++p) L.update(pops[p], clock);
  L.emit(emit);
  for (ProjOnDevice& d : projs)
    if (d.kind == ProjOnDevice::kPlastic && d.plastic.rule_state) L.advance(d.plastic, emit.view());
  for (ProjOnDevice& d : projs) {
    if (d.kind == ProjOnDevice::kPlastic) L.plastic_pre(d.plastic, d.n_target);
    else if (d.kind == ProjOnDevice::kPull) L.pull(d.pull, d.n_target);
    else L.push(d.push);
  }
  for (const auto& [k, n] : poisson_inputs) L.poisson_input(k, n);
  for (ProjOnDevice& d : projs)
    if (d.kind == ProjOnDevice::kPlastic && d.spike_hooks) L.bump_pre(d.plastic, d.n_source);
  for (ProjOnDevice& d : projs)
    if (d.kind == ProjOnDevice::kPlastic && d.spike_hooks) L.on_post(d.plastic, d.n_target);
  for (ProjOnDevice& d : projs)
    if (d.kind == ProjOnDevice::kPlastic) L.partner(d.plastic, d.n_target);
  L.tick(clock);
}

void DeviceNetwork::download(bool everything, uint64_t steps_done) {
  const size_t n_pops = pops.size(), n_projs = projs.size(), n_sig = net.signals.value.size();
  for (size_t p = 0; p < n_pops; ++p) {
    if (!everything && !reported_pop_[p]) continue;
    Population& h = net.pops[p];
    for (size_t k = 0; k < h.x.size(); ++k) L.download(h.x[k].data(), pops[p].x[k], h.x[k].size() * sizeof(float));
    if (everything) L.download(h.ref.data(), pops[p].ref, h.ref.size() * sizeof(int32_t));
  }
  for (size_t i = 0; i < n_projs; ++i) {
    ProjOnDevice& d = projs[i];
    if (d.kind != ProjOnDevice::kPlastic || (!everything && !reported_proj_[i])) continue;
    Projection& pr = net.projs[i];
    std::vector<float> w(d.syn.size());
    L.download(w.data(), d.plastic.in.weight, w.size() * sizeof(float));
    for (size_t s = 0; s < w.size(); ++s) pr.csr.weight[d.syn[s]] = w[s];
    if (!everything) continue;
    Plasticity& pl = *pr.plastic;
    if (pl.syn_floats) {
      std::vector<float> st(d.syn.size() * pl.syn_floats);
      L.download(st.data(), d.plastic.syn, st.size() * sizeof(float));
      for (size_t s = 0; s < d.syn.size(); ++s)
        for (int f = 0; f < pl.syn_floats; ++f) pl.syn_state[size_t{d.syn[s]} * pl.syn_floats + f] = st[s * pl.syn_floats + f];
    }
    L.download(pl.pre.values.data(), d.plastic.pre.values, pl.pre.values.size() * sizeof(double));
    L.download(pl.pre.stamp.data(), d.plastic.pre.stamp, pl.pre.stamp.size() * sizeof(uint32_t));
    L.download(pl.post.values.data(), d.plastic.post.values, pl.post.values.size() * sizeof(double));
    L.download(pl.post.stamp.data(), d.plastic.post.stamp, pl.post.stamp.size() * sizeof(uint32_t));
    if (d.plastic.rule_state) {  // as the CPU's: J now and per finished epoch
      const size_t used = device_state_size(d.plastic, steps_done, net.spec.run.dt);
      pl.global.resize(std::max(used, size_t{1}));
      L.download(pl.global.data(), d.plastic.rule_state, pl.global.size() * sizeof(double));
      L.download(&pl.global_aux, d.plastic.rule_aux, sizeof(double));
    }
    if (d.plastic.n_sources) {
      L.download(pl.partner.traces.values.data(), d.plastic.partner.values, pl.partner.traces.values.size() * sizeof(double));
      L.download(pl.partner.traces.stamp.data(), d.plastic.partner.stamp, pl.partner.traces.stamp.size() * sizeof(uint32_t));
    }
  }
  if (everything && n_sig) {
    L.download(net.signals.value.data(), emit.value, n_sig * sizeof(double));
    L.download(net.signals.prev.data(), emit.prev, n_sig * sizeof(double));
  }
}

uint64_t DeviceNetwork::pair_rewards() {
  if (!emit.n_pairs) return 0;
  std::vector<PairRewardState> st(emit.n_pairs);
  L.download(st.data(), emit.pair_state, st.size() * sizeof(PairRewardState));
  uint64_t n = 0;
  for (const PairRewardState& x : st) n += x.count;
  return n;
}

void DeviceNetwork::upload_events() {
  if (net.spec.task.active()) {  // only when the task changed them (stimulus on or off)
    const std::vector<uint32_t>& th = net.pops[net.spec.task.stimulus].thresholds;
    if (!th.empty() && th != stimulus_on_device_) {
      L.upload(pops[net.spec.task.stimulus].thresholds, th.data(), th.size() * sizeof(uint32_t));
      stimulus_on_device_ = th;
    }
  }
  const std::vector<double> pending = net.signals.take_pending();
  for (double x : pending)
    if (x != 0.0) {  // the device's pending jumps are 0 between steps
      L.upload(emit.pending, pending.data(), pending.size() * sizeof(double));
      break;
    }
}

void DeviceNetwork::settle(size_t i, uint64_t steps_done) {
  const ProjOnDevice& d = projs[i];
  if (d.kind == ProjOnDevice::kPlastic && d.plastic.rule_state && steps_done >= net.projs[i].plastic->learn_from)
    L.settle(d.plastic, d.n_target);
}

void DeviceNetwork::trial(size_t i, TrialCtx ctx) {
  const ProjOnDevice& d = projs[i];
  const Projection& pr = net.projs[i];
  ctx.signals = emit.value;
  L.trial(d.plastic, d.n_target, pops[pr.source].trial_count, pops[pr.target].trial_count, ctx);
}

void DeviceNetwork::period(size_t i, uint32_t now, TrialCtx ctx) {
  const ProjOnDevice& d = projs[i];
  ctx.signals = emit.value;
  L.period(d.plastic, d.n_target, now, ctx);
}

void DeviceNetwork::clear_trial_counts() {
  for (const DevPop& p : pops)
    if (p.trial_count) L.zero(p.trial_count, p.size * sizeof(uint32_t));
}

void DeviceNetwork::state(Archive& a, uint64_t n) {
  // A device array of `count` elements: downloaded and saved, or read and uploaded.
  auto arr = [&](const std::string& k, auto* ptr, size_t count) {
    using T = std::remove_const_t<std::remove_pointer_t<decltype(ptr)>>;
    if (!ptr || count == 0) return;
    std::vector<T> v(count);
    if (!a.loading()) L.download(v.data(), ptr, count * sizeof(T));
    a.fixed(k, v);
    if (a.loading()) L.upload(ptr, v.data(), count * sizeof(T));
  };
  for (size_t p = 0; p < pops.size(); ++p) {
    const DevPop& d = pops[p];
    const std::string k = "device/pops/" + key(net.pops[p].name);
    arr(k + "/ring_count", d.spikes.count, d.spikes.slots);
    arr(k + "/ring_list", d.spikes.list, size_t{d.spikes.slots} * d.size);
    arr(k + "/ring_bits", d.spikes.bits, size_t{d.spikes.slots} * d.spikes.words);
    arr(k + "/generator_next", d.gen_next, d.gen_next ? d.size : 0);
    arr(k + "/trial_count", d.trial_count, d.trial_count ? d.size : 0);
  }
  if (emit.n_pairs) {
    std::vector<PairRewardState> st(emit.n_pairs);
    if (!a.loading()) L.download(st.data(), emit.pair_state, st.size() * sizeof(PairRewardState));
    std::vector<int64_t> last;
    std::vector<uint64_t> count;
    for (const PairRewardState& x : st) last.push_back(x.last_pre), count.push_back(x.count);
    a.fixed("device/pair_rewards/last_pre", last);
    a.fixed("device/pair_rewards/count", count);
    for (size_t i = 0; i < st.size(); ++i) st[i] = {last[i], count[i]};
    if (a.loading()) L.upload(emit.pair_state, st.data(), st.size() * sizeof(PairRewardState));
  }
  arr("device/future_jumps", emit.future, size_t{emit.future_slots} * std::max<size_t>(emit.n_signals, 1));
  arr("device/reward_next", emit.reward_next, 1);
  if (a.loading()) {
    const auto c = static_cast<uint32_t>(n);
    L.upload(clock, &c, sizeof c);
  }
}

}  // namespace spikesim
