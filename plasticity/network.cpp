#include "plasticity/network.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "plasticity/plasticity.hpp"
#include "plasticity/preflight.hpp"
#include "synapses/connectivity.hpp"

namespace spikesim {

uint64_t Network::neurons() const {
  uint64_t n = 0;
  for (const auto& p : pops) n += p.size;
  return n;
}

uint64_t Network::synapses() const {
  uint64_t n = 0;
  for (const auto& p : projs) n += p.csr.size();
  return n;
}

uint64_t Network::bytes() const {
  uint64_t b = 0;
  for (const auto& p : pops) b += p.state_bytes();
  for (const auto& p : projs) b += p.csr.bytes() + p.queue.size() * 64 + (p.plastic ? p.plastic->bytes() : 0);
  return b;
}

uint64_t Network::steps() const {
  return static_cast<uint64_t>(std::ceil(spec.run.tstop / spec.run.dt - 1e-9));
}

namespace {

// The synapses a weights monitor records: checked indices, all, or a seeded random sample
// (Floyd's algorithm), ascending.
void resolve_weight_monitor(WeightMonitorSpec& m, uint64_t n_syn, uint64_t seed, uint32_t index) {
  const std::string ptr = m.ptr + "/synapses";
  if (n_syn == 0) fail_msg(m.ptr + "/projection", "the projection has no synapses to record");
  if (n_syn > (uint64_t{1} << 32))  // SONATA element_ids are uint32
    fail_msg(m.ptr + "/projection", "a projection of at most 2^32 synapses (SONATA element_ids are uint32)");
  if (m.all || m.sample >= n_syn) {
    m.synapses.resize(n_syn);
    for (uint64_t k = 0; k < n_syn; ++k) m.synapses[k] = k;
    return;
  }
  if (m.sample > 0) {
    const CounterRng rng{seed, kStreamSample | index};
    std::set<uint64_t> chosen;
    for (uint64_t j = n_syn - m.sample; j < n_syn; ++j) {
      const Philox4 r = rng.raw(static_cast<uint32_t>(j), static_cast<uint32_t>(j >> 32), 0);
      const uint64_t t = ((uint64_t{r.v[0]} << 32) | r.v[1]) % (j + 1);
      chosen.insert(chosen.count(t) ? j : t);
    }
    m.synapses.assign(chosen.begin(), chosen.end());
    return;
  }
  for (size_t i = 0; i < m.synapses.size(); ++i)
    if (m.synapses[i] >= n_syn)
      fail(ptr + "/" + std::to_string(i), m.synapses[i], "a synapse index below " + std::to_string(n_syn) + " (the projection's size)");
  std::vector<uint64_t> sorted = m.synapses;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) fail_msg(ptr, "a synapse index is listed twice, expected each once");
  m.synapses = sorted;
}

// A rule's partner traces (PartnerSpec): either one projection onto the same population as
// `p` with exactly one synapse per target neuron (its sources are the partners), or every
// projection onto that population with receptor "in" (the neuron's total inhibitory input).
void resolve_partner(Network& net, Projection& p) {
  Plasticity::Partner& pt = p.plastic->partner;
  const PartnerSpec& ps = pt.spec;
  const std::string& target = net.spec.populations[p.target].name;
  const uint32_t n = net.pops[p.target].size;
  auto add_source = [&](const Projection& pp) {
    Plasticity::Partner::Source src;  // the projection's CSR, by source, is the source -> targets list
    src.pop = pp.source;
    src.first = pp.csr.row_ptr;
    src.targets = pp.csr.target;
    if (ps.w_ref > 0) {
      src.amount.resize(pp.csr.size());
      for (uint64_t k = 0; k < pp.csr.size(); ++k) src.amount[k] = static_cast<float>(std::fabs(pp.csr.weight[k]) / ps.w_ref);
    }
    pt.sources.push_back(std::move(src));
  };
  if (ps.all_inhibitory) {
    for (const Projection& pp : net.projs)
      if (pp.target == p.target && pp.receptor == kReceptorIn) add_source(pp);
    if (pt.sources.empty()) fail(ps.ptr, "inhibitory_input", "a population that receives an \"in\" projection (\"" + target + "\" has none)");
  } else {
    const int q = net.spec.find_projection(ps.projection);
    if (q < 0) fail(ps.ptr, ps.projection, "a projection of the network");
    const Projection& pp = net.projs[q];
    if (pp.target != p.target) fail(ps.ptr, ps.projection, "a projection onto \"" + target + "\" (this projection's target)");
    std::vector<uint32_t> count(n, 0);
    for (uint32_t t : pp.csr.target) ++count[t];
    for (uint32_t i = net.part.lo(p.target); i < net.part.hi(p.target); ++i)  // this rank's targets
      if (count[i] != 1)
        fail(ps.ptr, ps.projection, "a projection with one synapse per neuron of \"" + target + "\" (neuron " + std::to_string(i) +
                                        " has " + std::to_string(count[i]) + ")");
    add_source(pp);
  }
  pt.traces.init(ps.traces, n, net.spec.run.dt);
}

}  // namespace

std::vector<uint64_t> periods_of(const Network& net) {
  std::vector<uint64_t> out;
  for (const Projection& p : net.projs)
    if (p.plastic && p.plastic->periodic() && std::find(out.begin(), out.end(), p.plastic->period_steps()) == out.end())
      out.push_back(p.plastic->period_steps());
  return out;
}

void resolve_weight_monitors(Network& net, const std::vector<uint64_t>& sizes) {
  for (uint32_t i = 0; i < net.spec.weights.size(); ++i) {
    WeightMonitorSpec& m = net.spec.weights[i];
    resolve_weight_monitor(m, sizes[m.projection], net.spec.run.seed, i);
  }
}

Network restrict_network(Network&& whole, const RankPart& part) {
  Network net{std::move(whole.spec), std::move(whole.graph), std::move(whole.pops), {}, std::move(whole.poisson_inputs),
              std::move(whole.signals), part};
  for (Projection& p : whole.projs) {
    const uint32_t lo = part.lo(p.target), hi = part.hi(p.target);
    const Csr& c = p.csr;
    Projection q;
    q.name = p.name;
    q.source = p.source;
    q.target = p.target;
    q.receptor = p.receptor;
    q.queue = std::move(p.queue);  // the whole ring: spikes in flight for every delay
    q.csr.row_ptr.assign(c.row_ptr.size(), 0);
    std::vector<uint64_t> kept;
    for (uint32_t j = 0; j < c.rows(); ++j) {
      for (uint64_t k = c.row_ptr[j]; k < c.row_ptr[j + 1]; ++k)
        if (c.target[k] >= lo && c.target[k] < hi) kept.push_back(k);
      q.csr.row_ptr[j + 1] = kept.size();
    }
    for (uint64_t k : kept) {
      q.csr.target.push_back(c.target[k]);
      q.csr.weight.push_back(c.weight[k]);
      if (!c.delay.empty()) q.csr.delay.push_back(c.delay[k]);
    }
    if (!q.csr.delay.empty()) {  // as build_csr(range): a per-synapse array only where the kept delays differ
      const auto [mn, mx] = std::minmax_element(q.csr.delay.begin(), q.csr.delay.end());
      q.csr.delay_min = *mn;
      q.csr.delay_max = *mx;
      if (*mn == *mx) q.csr.delay.clear();
    } else if (!kept.empty()) {
      q.csr.delay_min = c.delay_min;
      q.csr.delay_max = c.delay_max;
    }
    if (p.plastic) {
      q.plastic = p.plastic;
      Plasticity& pl = *q.plastic;
      const int f = pl.syn_floats;
      std::vector<float> state;
      state.reserve(kept.size() * f);
      for (uint64_t k : kept) state.insert(state.end(), pl.syn_state.begin() + k * f, pl.syn_state.begin() + (k + 1) * f);
      pl.syn_state = std::move(state);
      pl.index(q, net.pops[q.target].size);
    }
    net.projs.push_back(std::move(q));
  }
  // Partner traces keep the whole source lists: the traces of other ranks' targets they also
  // bump are never read here (a checkpoint gathers each rank's own).
  return net;
}

Network build_network(NetworkSpec spec, const WeightsLoader& load, const RankPart* part) {
  if (spec.run.tstop / spec.run.dt >= 4.0e9)
    fail("/run/tstop", spec.run.tstop, "fewer than 4e9 steps of dt (" + std::to_string(spec.run.dt) + " ms)");
  check_memory(spec, estimate(spec));  // before anything is allocated
  Network net{spec, PopulationGraph(spec), {}, {}, {}, {}, part ? *part : rank_part(spec, 0, 1)};
  for (uint32_t i = 0; i < net.spec.populations.size(); ++i)
    net.pops.push_back(make_population(net.spec.populations[i], net.spec.run, i));
  for (uint32_t i = 0; i < net.spec.projections.size(); ++i) {
    const ProjectionSpec& s = net.spec.projections[i];
    Projection p;
    p.name = s.name;
    p.source = s.source;
    p.target = s.target;
    p.receptor = s.receptor;
    p.csr = build_csr(s, net.pops[s.source].size, net.pops[s.target].size, net.spec.run, i,
                      TargetRange{net.part.lo(s.target), net.part.hi(s.target)});
    p.init_queue();
    if (!s.weights_from.empty()) {
      if (!net.part.whole()) fail_msg(s.ptr + "/weights_from", "\"weights_from\" in a run of one rank (not yet read by a distributed run)");
      if (!load) throw RunError("build_network: \"weights_from\" without a weights loader");
      load(s.weights_from, p.name, p, s.ptr + "/weights_from");
      const double lo = s.plasticity ? std::max<double>(s.w_lo, s.plasticity->bounds.w_min) : s.w_lo;
      const double hi = s.plasticity ? std::min<double>(s.w_hi, s.plasticity->bounds.w_max) : s.w_hi;
      for (uint64_t k = 0; k < p.csr.size(); ++k)
        if (const float w = p.csr.weight[k]; !(w >= lo && w <= hi))
          fail_msg(s.ptr + "/weights_from", "\"" + s.weights_from + "\" gives synapse " + std::to_string(k) + " the weight " +
                                               std::to_string(w) + ", expected " +
                                               (s.plasticity ? "a weight within [w_min, w_max] = [" + std::to_string(lo) + ", " +
                                                                   std::to_string(hi) + "]"
                                                             : s.w_expected));
    }
    if (s.plasticity) {
      if (p.csr.size() >= (uint64_t{1} << 32)) fail_msg(s.ptr + "/plasticity", "more than 2^32 - 1 plastic synapses in one projection");
      p.plastic = s.plasticity->clone();
      if (p.plastic->at_trial_ends() && !net.spec.task.active())
        fail_msg(s.ptr + "/plasticity/rule", "rule \"" + p.plastic->rule + "\" is applied at the end of each trial, expected a \"task\" block");
      const TrialSpec& ts = p.plastic->trial;
      if (ts.reward_signal >= 0 && ts.reward_signal != net.spec.task.signal)
        fail_msg(ts.ptr + "/y/reward", "the rule reads the rewards the task sends into \"" + net.spec.signals[ts.reward_signal].name +
                                           "\", expected the task's \"signal\" (" +
                                           (net.spec.task.signal >= 0 ? "\"" + net.spec.signals[net.spec.task.signal].name + "\"" : "none") + ")");
      TrialSpec& tr = p.plastic->trial;
      for (size_t a = 0; a < tr.action_names.size(); ++a) {
        const auto& acts = net.spec.task.actions;
        const auto it = std::find(acts.begin(), acts.end(), tr.action_names[a]);
        if (it == acts.end()) {
          std::string names;
          for (const auto& n : acts) names += (names.empty() ? "\"" : ", \"") + n + "\"";
          fail_msg(tr.ptr + "/actions/" + std::to_string(a), "found \"" + tr.action_names[a] + "\", expected one of the task's actions (" + names + ")");
        }
        tr.actions.push_back(static_cast<int>(it - acts.begin()));
      }
      p.plastic->attach(p, net.pops[s.source].size, net.pops[s.target].size, net.spec.run.dt);
    }
    net.projs.push_back(std::move(p));
  }
  for (uint32_t i = 0; i < net.spec.poisson_inputs.size(); ++i) net.poisson_inputs.push_back(make_poisson_input(net.spec, i));
  for (auto& p : net.projs)
    if (p.plastic && (!p.plastic->partner.spec.projection.empty() || p.plastic->partner.spec.all_inhibitory)) resolve_partner(net, p);
  std::vector<uint32_t> sizes;
  for (const auto& p : net.pops) sizes.push_back(p.size);
  net.signals = Signals(net.spec.signals, sizes, net.spec.run.dt);
  if (net.part.whole()) {
    std::vector<uint64_t> sizes;
    for (const Projection& p : net.projs) sizes.push_back(p.csr.size());
    resolve_weight_monitors(net, sizes);
  }
  return net;
}

}  // namespace spikesim
