// Reading a fit file (protocols/fit.hpp, docs/fit.md).
#include <algorithm>
#include <cmath>
#include <filesystem>

#include "plasticity/plasticity.hpp"
#include "plasticity/taylor.hpp"
#include "protocols/fit.hpp"

namespace spikesim {

namespace fs = std::filesystem;

namespace {

std::vector<uint64_t> seed_list(JObj& o, const std::string& key, bool required) {
  const std::string expected = "a list of run seeds (integers >= 0)";
  std::vector<uint64_t> out;
  const json* v = required ? &o.need(key, expected) : o.get(key);
  if (!v) return out;
  if (!v->is_array() || (required && v->empty())) fail(o.at(key), *v, required ? "a non-empty list of run seeds (integers >= 0)" : expected);
  for (size_t i = 0; i < v->size(); ++i) {
    if (!(*v)[i].is_number_unsigned()) fail(o.at(key) + "/" + std::to_string(i), (*v)[i], "a run seed (an integer >= 0)");
    out.push_back((*v)[i].get<uint64_t>());
  }
  return out;
}

unsigned count(JObj& o, const std::string& key, unsigned def, unsigned lo, unsigned hi) {
  const std::string expected = "an integer from " + std::to_string(lo) + " to " + std::to_string(hi);
  const int64_t v = o.integer_or(key, def, expected);
  if (v < lo || v > hi) o.reject(key, expected);
  return static_cast<unsigned>(v);
}

FitObservable parse_observable(const json& j, const std::string& ptr, const NetworkSpec& net, const fs::path& base) {
  JObj o(j, ptr);
  FitObservable d;
  d.ptr = ptr;
  const std::string kind = o.string("observable", "\"rates\", \"weights\" or \"choices\"");
  const std::string file = o.string("file", "the recording's path (relative to the fit file; \"{seed}\" is each run's seed)");
  d.file = (base / file).string();
  d.weight = o.number_or("weight", 1.0, "a weight >= 0 in the loss");
  if (!(d.weight >= 0)) o.reject("weight", "a weight >= 0 in the loss");
  if (kind == "rates") {
    d.kind = FitObservable::kRates;
    const std::string pop = o.string("population", "the recorded population's name");
    d.population = net.find_population(pop);
    if (d.population < 0) o.reject("population", "a population of the network");
    d.bin_ms = o.number_or("bin", 100.0, "a bin width in ms > 0");
    if (!(d.bin_ms > 0) || d.bin_ms > net.run.tstop)
      o.reject("bin", "a bin width in ms > 0, at most the run's tstop");
    d.noise = o.number_or("noise", 0.0, "a noise sd in Hz >= 0");
    if (!(d.noise >= 0)) o.reject("noise", "a noise sd in Hz >= 0");
    d.fraction = o.number_or("fraction", 1.0, "a fraction of the population in (0, 1]");
    if (!(d.fraction > 0 && d.fraction <= 1)) o.reject("fraction", "a fraction of the population in (0, 1]");
    o.finish("observable, file, population, bin, noise, fraction, weight");
  } else if (kind == "weights") {
    d.kind = FitObservable::kWeights;
    const std::string name = fs::path(file).filename().string();
    for (size_t i = 0; i < net.weights.size(); ++i)
      if (net.weights[i].file_name() == name) d.monitor = static_cast<int>(i);
    if (d.monitor < 0)
      o.reject("file", "the file of one of the network's weights monitors (NAME_weights.h5), so that the runs record the same synapses");
    o.finish("observable, file, weight");
  } else if (kind == "choices") {
    d.kind = FitObservable::kChoices;
    if (!net.task.active()) fail_msg(o.at("observable"), "found \"choices\", expected a network with a \"task\" block (the choices are its trials)");
    const json* t = o.get("temperature");
    const std::string t_expected = "\"fit\", or a softmax temperature in spikes > 0";
    if (t && t->is_number()) {
      d.temperature = t->get<double>();
      if (!(d.temperature > 0)) fail(o.at("temperature"), *t, t_expected);
    } else if (t && !(t->is_string() && t->get<std::string>() == "fit")) {
      fail(o.at("temperature"), *t, t_expected);
    }
    d.replicas = count(o, "replicas", 4, 1, 1000);
    o.finish("observable, file, temperature, replicas, weight");
  } else {
    o.reject("observable", "\"rates\", \"weights\" or \"choices\"");
  }
  return d;
}

}  // namespace

FitSpec load_fit(const json& raw, const std::string& path) {
  if (!raw.is_object()) fail("", raw, "a fit file (an object with network, fit, data, optimizer, runs)");
  JObj o(raw, "");
  FitSpec s;
  s.path = path;
  s.name = o.string_or("name", fs::path(path).stem().string());
  o.get("summary");  // free text
  const fs::path base = fs::path(path).parent_path();
  const json& nj = o.need("network", "a network file's path, or the network itself");
  if (!nj.is_object()) fail("/network", nj, "a network file's path, or the network itself");
  try {
    s.net = parse_network(nj, path, Overrides{});
  } catch (const SpecError& e) {
    throw SpecError("/network" + e.pointer, e.what());
  }

  JObj f(o.need("fit", "{\"projection\", \"coefficients\", \"init\", \"l1\"}"), "/fit");
  const std::string proj_expected = "the name of a projection with a taylor rule, or a list of them (one rule fitted for all)";
  const json& pj = f.need("projection", proj_expected);
  std::vector<std::pair<json, std::string>> names;  // (value, pointer)
  if (pj.is_array() && !pj.empty())
    for (size_t i = 0; i < pj.size(); ++i) names.push_back({pj[i], f.at("projection") + "/" + std::to_string(i)});
  else
    names.push_back({pj, f.at("projection")});
  for (const auto& [v, at] : names) {
    const int k = v.is_string() ? s.net.find_projection(v.get<std::string>()) : -1;
    const auto& pl = k >= 0 ? s.net.projections[k].plasticity : nullptr;
    if (!pl || pl->rule != "taylor") fail(at, v, "a projection of the network with a taylor rule");
    if (std::find(s.projections.begin(), s.projections.end(), k) != s.projections.end()) fail(at, v, "each projection once");
    s.projections.push_back(k);
  }
  const json& cj = f.need("coefficients", "\"all\", or a list of coefficient names x<a>y<b>w<c>");
  if (cj.is_string() && cj.get<std::string>() == "all") {
    for (int k = 0; k < Taylor::kTerms; ++k) s.terms.push_back(k);
  } else if (cj.is_array() && !cj.empty()) {
    for (size_t i = 0; i < cj.size(); ++i) {
      const int k = cj[i].is_string() ? Taylor::term_index(cj[i].get<std::string>()) : -1;
      if (k < 0) fail(f.at("coefficients") + "/" + std::to_string(i), cj[i], "a coefficient name x<a>y<b>w<c> (a, b, c in 0..2)");
      for (int t : s.terms)
        if (t == k) fail(f.at("coefficients") + "/" + std::to_string(i), cj[i], "each coefficient once");
      s.terms.push_back(k);
    }
  } else {
    fail(f.at("coefficients"), cj, "\"all\", or a non-empty list of coefficient names x<a>y<b>w<c>");
  }
  s.range = f.number_or("range", 3.0, "the search range of each normalised coefficient, > 0");
  if (!(s.range > 0)) f.reject("range", "the search range of each normalised coefficient, > 0");
  s.init = f.number_or("init", 0.0, "a starting value within the range");
  if (!(std::fabs(s.init) <= s.range)) f.reject("init", "a starting value within [-range, range]");
  s.l1 = f.number_or("l1", 0.0, "an L1 penalty >= 0");
  if (!(s.l1 >= 0)) f.reject("l1", "an L1 penalty >= 0");
  const std::string basis = f.string_or("basis", "monomials");
  if (basis != "monomials" && basis != "whitened") f.reject("basis", "\"monomials\" or \"whitened\"");
  s.whitened = basis == "whitened";
  if (s.whitened && static_cast<const PlasticityOf<Taylor>&>(*s.net.projections[s.projections[0]].plasticity).params.reward)
    f.reject("basis", "\"monomials\" for a rule whose y is a reward term (the whitened basis is made from rates)");
  if (const json* pr = f.get("prune")) {
    JObj po(*pr, f.at("prune"));
    s.prune.threshold = po.number_or("threshold", 0.1, "a fraction of the largest |phi| in [0, 1)");
    if (!(s.prune.threshold >= 0 && s.prune.threshold < 1)) fail(po.at("threshold"), (*pr)["threshold"], "a fraction of the largest |phi| in [0, 1)");
    s.prune.rounds = count(po, "rounds", 3, 1, 100);
    s.prune.generations = count(po, "generations", 100, 1, 100000);
    s.prune.sigma = po.number_or("sigma", 0.02, "the refits' initial step, a fraction of the range's width in (0, 1]");
    if (!(s.prune.sigma > 0 && s.prune.sigma <= 1)) fail(po.at("sigma"), (*pr)["sigma"], "a fraction of the search range's width in (0, 1]");
    s.prune.l1 = po.number_or("l1", 0.0, "the refits' L1 penalty >= 0");
    if (!(s.prune.l1 >= 0)) fail(po.at("l1"), (*pr)["l1"], "an L1 penalty >= 0");
    po.finish("threshold, rounds, generations, sigma, l1");
  }
  f.finish("projection, coefficients, init, l1, range, basis, prune");

  const json& dj = o.need("data", "a list of observables ({\"observable\": \"rates\" | \"weights\" | \"choices\", \"file\": ...})");
  if (!dj.is_array() || dj.empty()) fail("/data", dj, "a non-empty list of observables");
  double total_weight = 0.0;
  for (size_t i = 0; i < dj.size(); ++i) {
    s.data.push_back(parse_observable(dj[i], "/data/" + std::to_string(i), s.net, base));
    total_weight += s.data.back().weight;
  }
  if (!(total_weight > 0)) fail_msg("/data", "every observable has weight 0, expected at least one in the loss");
  for (size_t i = 0; i < s.data.size(); ++i)
    if (s.data[i].kind == FitObservable::kChoices && s.data.size() > 1)
      fail_msg("/data/" + std::to_string(i), "a \"choices\" observable with others, expected it alone (its runs replay the recorded trials with "
                                             "their own noise, which the rates and weights of a recording cannot be compared with)");

  JObj op(o.need("optimizer", "{\"method\": \"cmaes\", \"generations\", \"population\", \"seed\"}"), "/optimizer");
  s.method = op.string_or("method", "cmaes");
  if (s.method != "cmaes" && s.method != "pso_gen")
    op.reject("method", "\"cmaes\" (pagmo's CMA-ES) or \"pso_gen\" (its generational particle swarm)");
  s.generations = count(op, "generations", 100, 1, 100000);
  s.population = count(op, "population", 16, 5, 10000);
  s.seed = count(op, "seed", 1, 0, 2147483647u);
  s.sigma = op.number_or("sigma", 0.1, "CMA-ES's initial step, a fraction of the search range's width in (0, 1]");
  if (!(s.sigma > 0 && s.sigma <= 1)) op.reject("sigma", "a fraction of the search range's width in (0, 1]");
  s.restarts = count(op, "restarts", 1, 1, 100);
  op.finish("method, generations, population, seed, sigma, restarts");

  JObj r(o.need("runs", "{\"seeds\": [...], \"held_out\": [...]}"), "/runs");
  s.seeds = seed_list(r, "seeds", true);
  s.held_out = seed_list(r, "held_out", false);
  r.finish("seeds, held_out");
  o.finish("name, summary, network, fit, data, optimizer, runs");
  return s;
}

}  // namespace spikesim
