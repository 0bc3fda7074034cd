// One entry of /projections: source, target, receptor, connectivity, weight, delay.
#include <algorithm>
#include <cmath>

#include "core/hints.hpp"
#include "core/spec.hpp"
#include "neurons/models.hpp"
#include "plasticity/plasticity.hpp"
#include "plasticity/registry.hpp"

namespace spikesim {

// The warning for a constant delay that dt's grid rounds (projections and current inputs).
void warn_off_grid_delay(const std::string& ptr, double delay, double dt) {
  if (std::fabs(delay / dt - std::round(delay / dt)) > 1e-6 * std::max(1.0, delay / dt))
    warn(ptr, "the delay " + std::to_string(delay) + " ms is not a multiple of dt (" + std::to_string(dt) +
                  " ms); it is rounded to " + std::to_string(std::llround(delay / dt) * dt) + " ms");
}

int population_index(const json& j, const std::string& ptr, const NetworkSpec& net) {
  std::string names;
  for (const auto& p : net.populations) names += (names.empty() ? "" : ", ") + p.name;
  const std::string expected = "a population name (one of: " + names + ")";
  if (!j.is_string()) fail(ptr, j, expected);
  const int idx = net.find_population(j.get<std::string>());
  if (idx < 0) {
    std::vector<std::string> all;
    for (const auto& p : net.populations) all.push_back(p.name);
    fail(ptr, j, expected + did_you_mean(j.get<std::string>(), all, ""));
  }
  return idx;
}

const char* const kConnectionRules = "all_to_all, one_to_one, pairwise_bernoulli, fixed_indegree, fixed_outdegree, fixed_total_number, explicit";

namespace {

const char* kRules = kConnectionRules;

std::vector<uint32_t> index_list(JObj& c, const std::string& key, uint32_t size) {
  const json& a = c.need(key, "an array of neuron indices");
  if (!a.is_array()) fail(c.at(key), a, "an array of neuron indices");
  std::vector<uint32_t> out;
  out.reserve(a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    const std::string p = c.at(key) + "/" + std::to_string(i);
    const int64_t v = as_integer(a[i], p, "a neuron index");
    if (v < 0 || v >= size) fail(p, a[i], "a neuron index from 0 to " + std::to_string(size - 1));
    out.push_back(static_cast<uint32_t>(v));
  }
  return out;
}

}  // namespace

ConnectivitySpec parse_connectivity(JObj c, uint32_t n_src, uint32_t n_tgt, bool same_pop) {
  ConnectivitySpec s;
  const std::string rule = c.string("rule", std::string("a connection rule, one of: ") + kRules);
  s.allow_autapses = c.boolean_or("allow_autapses", true);
  s.allow_multapses = c.boolean_or("allow_multapses", true);
  const bool no_self = same_pop && !s.allow_autapses;
  auto degree = [&](const char* key, uint64_t pool) {
    const std::string expected = std::string("an integer ") + key + " >= 0";
    const int64_t k = c.integer(key, expected);
    if (k < 0) c.reject(key, expected);
    if (k > 0 && pool == 0)  // nothing to draw from: the draw would never end
      c.reject(key, "0: no pair of neurons can be connected (one neuron and allow_autapses false)");
    if (!s.allow_multapses && static_cast<uint64_t>(k) > pool)
      c.reject(key, "at most " + std::to_string(pool) + " without multapses");
    return static_cast<uint64_t>(k);
  };
  if (rule == "all_to_all") {
    s.rule = ConnectivitySpec::kAllToAll;
  } else if (rule == "one_to_one") {
    s.rule = ConnectivitySpec::kOneToOne;
    if (n_src != n_tgt) c.reject("rule", "a rule other than one_to_one: source and target sizes differ");
    if (no_self) fail_msg(c.at("allow_autapses"), "one_to_one within one population with allow_autapses false makes no synapse, expected allow_autapses true or another rule");
  } else if (rule == "pairwise_bernoulli") {
    s.rule = ConnectivitySpec::kPairwiseBernoulli;
    s.p = c.number("p", "a connection probability 0 <= p <= 1");
    if (s.p < 0 || s.p > 1) c.reject("p", "a connection probability 0 <= p <= 1");
  } else if (rule == "fixed_indegree") {
    s.rule = ConnectivitySpec::kFixedIndegree;
    s.count = degree("indegree", n_src - (no_self ? 1 : 0));
  } else if (rule == "fixed_outdegree") {
    s.rule = ConnectivitySpec::kFixedOutdegree;
    s.count = degree("outdegree", n_tgt - (no_self ? 1 : 0));
  } else if (rule == "fixed_total_number") {
    s.rule = ConnectivitySpec::kFixedTotalNumber;
    const uint64_t pairs = uint64_t{n_src} * n_tgt - (no_self ? n_src : 0);
    s.count = degree("n", pairs);
    if (s.count > 0xFFFFFFFFull) c.reject("n", "at most 2^32 - 1 synapses");
  } else if (rule == "explicit") {
    s.rule = ConnectivitySpec::kExplicit;
    s.sources = index_list(c, "sources", n_src);
    s.targets = index_list(c, "targets", n_tgt);
    if (s.sources.size() != s.targets.size())
      c.reject("targets", std::to_string(s.sources.size()) + " indices, as many as sources");
    for (size_t i = 0; i < s.sources.size(); ++i)
      if (no_self && s.sources[i] == s.targets[i])
        fail(c.at("targets") + "/" + std::to_string(i), c.found("targets")[i], "no autapse (allow_autapses is false)");
  } else {
    c.reject("rule", std::string("a connection rule, one of: ") + kRules + did_you_mean(rule, split_list(kRules), "connection_rules"));
  }
  c.finish("rule, p, indegree, outdegree, n, sources, targets, allow_autapses, allow_multapses");
  return s;
}

// A plastic projection: one delay (per-neuron presynaptic traces are stamped at arrival),
// bounds of the receptor's sign, initial weights within the bounds.
void check_plastic(JObj& o, const ProjectionSpec& p, const ModelInfo& tinfo, bool negative_current, double dt) {
  if (std::llround(p.delay.min_value() / dt) != std::llround(p.delay.max_value() / dt))
    o.reject("delay", "one delay for all synapses of a plastic projection (its presynaptic traces are kept per neuron)");
  const Bounds& b = p.plasticity->bounds;
  const std::string pl = o.at("plasticity");
  if (tinfo.has_receptors && !negative_current && b.w_min < 0)
    fail(pl + "/w_min", b.w_min, "w_min >= 0: weights of this receptor are " +
                                                             std::string(tinfo.conductance ? "conductances" : "excitatory currents"));
  if (negative_current && b.w_max > 0)
    fail(pl + "/w_max", b.w_max, "w_max <= 0: receptor \"in\" of " + tinfo.name + " takes negative currents");
  if (p.weight.min_value() < b.w_min || p.weight.max_value() > b.w_max)
    o.reject("weight", "initial weights within [w_min, w_max] = [" + std::to_string(b.w_min) + ", " +
                                                std::to_string(b.w_max) + "]");
}

// "receptor": "ex" (the default) or "in" (projections and poisson_generator inputs).
Receptor parse_receptor(JObj& o) {
  const std::string receptor = o.string_or("receptor", "ex");
  if (receptor != "ex" && receptor != "in") o.reject("receptor", "\"ex\" or \"in\"");
  return receptor == "ex" ? kReceptorEx : kReceptorIn;
}

// The weights receptor `r` of a target model takes, and how a message says so (projections
// and poisson_generator inputs).
struct WeightRange {
  double lo, hi;
  std::string expected;
};

WeightRange weight_range(const ModelInfo& tinfo, Receptor r) {
  if (!tinfo.conductance && r == kReceptorIn)
    return {-3.4e38, 0.0, "a weight <= 0 pA and > -3.4e38 (a float): receptor \"in\" of " + tinfo.name + " takes negative currents (NEST convention)"};
  return {0.0, 3.4e38,
          std::string("a weight >= 0 ") + (tinfo.conductance ? "nS (a conductance" : "pA (an excitatory current") + ", below 3.4e38, a float" +
              "; use \"min\": 0 to clip a normal distribution; an inhibitory synapse takes \"receptor\": \"in\")"};
}

ProjectionSpec parse_projection(const json& j, const std::string& ptr, const NetworkSpec& net) {
  JObj o(j, ptr);
  ProjectionSpec p;
  p.ptr = ptr;
  p.source = population_index(o.need("source", "a population name"), o.at("source"), net);
  p.target = population_index(o.need("target", "a population name"), o.at("target"), net);
  const PopulationSpec& src = net.populations[p.source];
  const PopulationSpec& tgt = net.populations[p.target];
  const ModelInfo& tinfo = model_info(tgt.model);
  if (const json* pl = o.get("plasticity")) p.plasticity = parse_plasticity(*pl, o.at("plasticity"), net.signals);
  // A plastic projection may end on a spike_generator: its weights learn from imposed
  // postsynaptic spike times (NEST's parrot-neuron idiom) and deliver nothing.
  if (!tinfo.has_receptors && !(p.plasticity && tgt.model == Model::kSpikeGenerator))
    o.reject("target", "a population that receives synapses (model " + tinfo.name +
                                                " has none; only a plastic projection may end on a spike_generator)");
  p.name = o.string_or("name", src.name + "_to_" + tgt.name);
  if (p.name.empty() || p.name.find('/') != std::string::npos) o.reject("name", "a name without '/'");
  p.receptor = parse_receptor(o);

  p.conn = parse_connectivity(JObj(o.need("connectivity", "an object with a \"rule\""), o.at("connectivity")),
                              src.size, tgt.size, p.source == p.target);

  p.weight = parse_distribution(o.need("weight", "a weight or a weight distribution"), o.at("weight"));
  const bool negative_current = tinfo.has_receptors && !tinfo.conductance && p.receptor == kReceptorIn;
  if (tinfo.has_receptors) {  // a spike_generator target (plastic only) takes any sign
    const WeightRange r = weight_range(tinfo, p.receptor);
    p.w_lo = r.lo, p.w_hi = r.hi, p.w_expected = r.expected;
  }
  // An unbounded normal tail (min or max infinite) is fine where only float's range limits
  // that side; its mean must still be in range.
  auto within = [&](double v) {
    if (std::isinf(v)) return v > 0 ? p.w_hi >= 3.4e38 : p.w_lo <= -3.4e38;
    return v >= p.w_lo && v <= p.w_hi;
  };
  if (!within(p.weight.min_value()) || !within(p.weight.max_value()) || !within(p.weight.mean()))
    o.reject("weight", p.w_expected);

  const double dt = net.run.dt;
  const json one_ms = 1.0;  // NEST's default delay
  const json* dj = o.get("delay");
  p.delay = parse_distribution(dj ? *dj : one_ms, o.at("delay"));
  const std::string delay_expected = "a delay of at least one step (dt = " + std::to_string(dt) +
                                     " ms), at most 65535 steps; give \"min\" for a normal distribution";
  const double d_min = p.delay.min_value(), d_max = p.delay.max_value();
  if (!std::isfinite(d_min) || !std::isfinite(d_max) || std::llround(d_min / dt) < 1 || d_max / dt >= 65535.5)
    fail(o.at("delay"), dj ? *dj : one_ms, delay_expected);
  if (p.delay.is_constant()) warn_off_grid_delay(o.at("delay"), d_min, dt);
  if (p.plasticity) check_plastic(o, p, tinfo, negative_current, dt);
  if (const json* wf = o.get("weights_from")) {
    if (!wf->is_string() || wf->get<std::string>().empty()) fail(o.at("weights_from"), *wf, "the path of a SONATA edges file (.h5)");
    p.weights_from = wf->get<std::string>();
  }
  // How the device engine delivers this projection's spikes (the CPU engine ignores it).
  const std::string prop = o.string_or("propagation", "auto");
  if (prop == "per_spike" && p.plasticity)
    o.reject("propagation", "\"auto\" or \"per_target\" (plastic projections run per target)");
  if (prop == "auto") p.propagation = Propagation::kAuto;
  else if (prop == "per_spike") p.propagation = Propagation::kPerSpike;
  else if (prop == "per_target") p.propagation = Propagation::kPerTarget;
  else o.reject("propagation", "\"auto\", \"per_spike\" or \"per_target\"");
  o.finish("name, source, target, receptor, connectivity, weight, delay, plasticity, weights_from, propagation");
  return p;
}

}  // namespace spikesim
