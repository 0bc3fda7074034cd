#include "plasticity/network_state.hpp"

#include <cmath>

#include "neurons/models.hpp"
#include "plasticity/plasticity.hpp"

namespace spikesim {

namespace {

// FNV-1a over a projection's connectivity (row pointers and targets): a checkpoint's
// weights belong to this table only if it matches.
uint64_t connectivity_hash(const Csr& csr) {
  uint64_t h = 1469598103934665603ull;
  auto mix = [&](const void* p, size_t n) {
    const auto* b = static_cast<const unsigned char*>(p);
    for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 1099511628211ull;
  };
  mix(csr.row_ptr.data(), csr.row_ptr.size() * sizeof(uint64_t));
  mix(csr.target.data(), csr.target.size() * sizeof(uint32_t));
  mix(csr.delay.data(), csr.delay.size() * sizeof(uint16_t));
  return h;
}

void traces(Archive& a, const std::string& k, TraceArray& t) {
  a.fixed(k + "/values", t.values);
  a.fixed(k + "/stamp", t.stamp);
}

void population(Archive& a, const std::string& k, Population& p) {
  const ModelInfo& info = model_info(p.model);
  for (size_t v = 0; v < p.x.size(); ++v)
    if (!p.x[v].empty()) a.fixed(k + "/" + key(info.state[v].name), p.x[v]);
  a.fixed(k + "/refractory_steps", p.ref);
}

// A projection's table must be this one: same size, same connectivity.
void check_table(Archive& a, const std::string& k, const Projection& pr) {
  uint64_t n = pr.csr.size(), h = connectivity_hash(pr.csr);
  const uint64_t want_n = n, want_h = h;
  a.value(k + "/synapses", n);
  a.value(k + "/connectivity_hash", h);
  if (!a.loading()) return;
  if (n != want_n)
    throw CheckpointError("projection \"" + pr.name + "\": the saved state has " + std::to_string(n) + " synapses, this network " +
                          std::to_string(want_n));
  if (h != want_h)
    throw CheckpointError("projection \"" + pr.name + "\": the same number of synapses but other connections (another seed, "
                          "connection rule or delay); its weights cannot be matched");
}

void check_rule(Archive& a, const std::string& k, const Projection& pr) {
  std::string rule = pr.plastic ? pr.plastic->rule : "static";
  std::vector<uint8_t> bytes(rule.begin(), rule.end());
  a.array(k + "/rule", bytes);
  const std::string saved(bytes.begin(), bytes.end());
  if (a.loading() && saved != rule)
    throw CheckpointError("projection \"" + pr.name + "\": the saved state is of rule " + saved + ", this network's is " + rule);
}

// A projection's table (checked to be this one: size, connections, rule) and its weights.
void table(Archive& a, const std::string& k, Projection& pr) {
  check_table(a, k, pr);
  check_rule(a, k, pr);
  a.fixed(k + "/weight", pr.csr.weight);
}

}  // namespace

void network_state(Network& net, Archive& a, bool rings) {
  for (Population& p : net.pops) {
    const std::string k = "pops/" + key(p.name);
    population(a, k, p);
    a.value(k + "/threshold", p.threshold);
    a.array(k + "/thresholds", p.thresholds);
  }
  for (Projection& pr : net.projs) {
    const std::string k = "projs/" + key(pr.name);
    table(a, k, pr);
    if (rings) a.nested(k + "/ring", pr.queue);
    if (!pr.plastic) continue;
    Plasticity& pl = *pr.plastic;
    traces(a, k + "/pre", pl.pre);
    traces(a, k + "/post", pl.post);
    traces(a, k + "/partner", pl.partner.traces);
    a.fixed(k + "/syn_state", pl.syn_state);
    a.array(k + "/lazy_state", pl.global);
    a.value(k + "/lazy_aux", pl.global_aux);
    a.array(k + "/trial_rewards", pl.rewards);
  }
  net.signals.state(a);
  if (a.loading() && rings)
    for (Projection& pr : net.projs)
      if (pr.queue.size() != pr.csr.delay_max + 1u) throw CheckpointError("projs/" + key(pr.name) + "/ring: another delay");
}

std::vector<std::string> init_state(Network& net, Archive& a, uint64_t saved_step) {
  std::vector<std::string> done;
  const double dt = net.spec.run.dt;
  auto rebase = [&](TraceArray& t) {  // decayed to the saved step, then stamped 0 (this run's start)
    for (uint32_t i = 0; i < t.stamp.size(); ++i) {
      t.stamp[i] = static_cast<uint32_t>(std::min<uint64_t>(t.stamp[i], saved_step));
      t.advance(i, static_cast<uint32_t>(saved_step), dt);
      t.stamp[i] = 0;
    }
  };
  for (Population& p : net.pops) {
    const std::string k = "pops/" + key(p.name);
    if (!a.has(k)) continue;
    try {
      population(a, k, p);
    } catch (const CheckpointError& e) {
      throw CheckpointError("population \"" + p.name + "\" (" + model_info(p.model).name + ", " + std::to_string(p.size) +
                            " neurons): " + e.what());
    }
    done.push_back(p.name);
  }
  for (Projection& pr : net.projs) {
    const std::string k = "projs/" + key(pr.name);
    if (!a.has(k)) continue;
    table(a, k, pr);
    if (pr.plastic) {
      Plasticity& pl = *pr.plastic;
      traces(a, k + "/pre", pl.pre);
      traces(a, k + "/post", pl.post);
      rebase(pl.pre);
      rebase(pl.post);
      if (!pl.lazy()) a.fixed(k + "/syn_state", pl.syn_state);  // a lazy rule's depends on its integrals
    }
    done.push_back(pr.name);
  }
  return done;
}

}  // namespace spikesim
