// Network file -> NetworkSpec: top level, run, output, populations, monitors.
// Projections are parsed in parse_projection.cpp.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

#include "core/hints.hpp"
#include "core/spec.hpp"
#include "io/parse_monitor.hpp"
#include "neurons/models.hpp"

namespace spikesim {

ProjectionSpec parse_projection(const json& j, const std::string& ptr, const NetworkSpec& net);
bool is_current_model(const std::string& model);
bool is_generator_model(const std::string& model);
CurrentSourceSpec parse_current_source(const json& j, const std::string& ptr, const std::string& name);
CurrentInputSpec parse_current_input(const json& j, const std::string& ptr, const NetworkSpec& net);
PoissonGeneratorSpec parse_poisson_generator(const json& j, const std::string& ptr, const std::string& name, double dt);
PoissonInputSpec parse_poisson_input(const json& j, const std::string& ptr, const NetworkSpec& net);
void parse_task(const json& j, NetworkSpec& net);
int population_index(const json& j, const std::string& ptr, const NetworkSpec& net);

int NetworkSpec::find_population(const std::string& name) const {
  for (size_t i = 0; i < populations.size(); ++i)
    if (populations[i].name == name) return static_cast<int>(i);
  return -1;
}

int NetworkSpec::find_signal(const std::string& name) const {
  for (size_t i = 0; i < signals.size(); ++i)
    if (signals[i].name == name) return static_cast<int>(i);
  return -1;
}

int NetworkSpec::find_projection(const std::string& name) const {
  for (size_t i = 0; i < projections.size(); ++i)
    if (projections[i].name == name) return static_cast<int>(i);
  return -1;
}

bool NetworkSpec::any_plastic() const {
  for (const auto& p : projections)
    if (p.plasticity) return true;
  return false;
}

namespace {

void parse_run(JObj o, RunSpec& r) {
  r.tstop = o.number_or("tstop", r.tstop, "a simulated time in ms >= 0");
  if (r.tstop < 0) o.reject("tstop", "a simulated time in ms >= 0");
  r.dt = o.number_or("dt", r.dt, "a time step in ms > 0");
  if (r.dt <= 0 || r.dt > 100) o.reject("dt", "a time step in ms, 0 < dt <= 100");
  const int64_t seed = o.integer_or("seed", static_cast<int64_t>(r.seed), "an integer seed >= 0");
  if (seed < 0) o.reject("seed", "an integer seed >= 0");
  r.seed = static_cast<uint64_t>(seed);
  o.finish("tstop, dt, seed");
}

void parse_output(JObj o, OutputSpec& out) {
  if (o.has("dir") && o.has("output_dir")) fail_msg(o.at("output_dir"), "found both \"dir\" and \"output_dir\", expected one of them");
  out.dir = o.string_or("dir", o.string_or("output_dir", out.dir));
  out.spikes_file = o.string_or("spikes_file", out.spikes_file);
  out.edges_file = o.string_or("edges_file", out.edges_file);
  for (const auto& [key, f] : {std::pair{"spikes_file", out.spikes_file}, std::pair{"edges_file", out.edges_file}})
    if (f.empty() || f.find('/') != std::string::npos) o.reject(key, "a plain file name such as \"spikes.h5\"");
  if (out.edges_file == out.spikes_file) o.reject("edges_file", "a file name other than spikes_file");
  out.overwrite = o.boolean_or("overwrite", out.overwrite);
  out.circuit = o.boolean_or("circuit", out.circuit);
  o.finish("dir, output_dir, spikes_file, edges_file, overwrite, circuit");
}

// A neuron model's parameters: defaults from the registry, the ranges and orders it declares
// (neurons/model_info.hpp), and NEST's tau_m for g_L where a model has both C_m and g_L.
// A parameter is a number, or per neuron (PopulationSpec::varied) a distribution
// ({"uniform": [lo, hi]}, {"normal": [mean, sd], "min": lo, "max": hi}) or a list of one
// number per neuron; ranges and orders must then hold for every value a neuron can get.
void parse_neuron_params(JObj p, const ModelInfo& info, PopulationSpec& pop) {
  const std::string one = "a number, {\"uniform\": [lo, hi]}, {\"normal\": [mean, sd], \"min\": lo, \"max\": hi} or a list of " +
                          std::to_string(pop.size) + " numbers (one per neuron)";
  std::map<std::string, const VariedParam*> per_neuron;
  std::map<std::string, std::pair<double, double>> bounds;  // [smallest, largest] over the neurons
  auto read = [&](const std::string& name, double def) -> double {
    const json* v = p.get(name);
    if (!v || v->is_number()) {
      const double x = p.number_or(name, def, one);
      bounds[name] = {x, x};
      return x;
    }
    VariedParam vp;
    vp.name = name;
    double mean = 0.0, lo = 0.0, hi = 0.0;  // over the neurons
    if (v->is_array()) {
      if (v->size() != pop.size) p.reject(name, std::to_string(pop.size) + " numbers, one per neuron (size " + std::to_string(pop.size) + ")");
      vp.values.reserve(pop.size);
      for (size_t k = 0; k < v->size(); ++k) vp.values.push_back(as_number((*v)[k], p.at(name) + "/" + std::to_string(k), "a number"));
      lo = *std::min_element(vp.values.begin(), vp.values.end());
      hi = *std::max_element(vp.values.begin(), vp.values.end());
      for (double x : vp.values) mean += x / pop.size;
    } else if (v->is_object()) {
      vp.dist = parse_distribution(*v, p.at(name));
      lo = vp.dist.min_value(), hi = vp.dist.max_value(), mean = vp.dist.mean();
    } else {
      p.reject(name, one);
    }
    bounds[name] = {lo, hi};
    pop.varied.push_back(std::move(vp));
    return mean;
  };
  std::string names;
  for (const ParamInfo& q : info.params) {
    pop.params[q.name] = read(q.name, q.def);
    names += (names.empty() ? "" : ", ") + q.name;
  }
  if (!alternative_params(info).empty()) {  // tau_m in place of g_L
    names += ", tau_m";
    if (p.has("tau_m")) {  // NEST's iaf_psc_exp is parameterised by tau_m; accept it for g_L.
      if (p.has("g_L")) fail_msg(p.at("tau_m"), "found both tau_m and g_L, expected one of them (g_L = C_m / tau_m)");
      const size_t before = pop.varied.size();
      const double tau_m = read("tau_m", 0.0);
      const auto [tlo, thi] = bounds["tau_m"];
      if (!(tlo > 0)) fail(p.at("tau_m"), p.found("tau_m"), "a membrane time constant in ms > 0" + std::string(tlo == thi ? "" : " for every neuron"));
      const auto [clo, chi] = bounds["C_m"];
      bool c_varied = false;
      for (const VariedParam& v : pop.varied) c_varied = c_varied || v.name == "C_m";
      if (c_varied && pop.varied.size() == before) {  // g_L follows each neuron's C_m
        VariedParam t;
        t.name = "tau_m", t.dist = Distribution::constant(tau_m);
        pop.varied.push_back(t);
      }
      pop.params["g_L"] = pop.params["C_m"] / tau_m;
      bounds["g_L"] = {clo / thi, chi / tlo};
    }
  }
  for (const VariedParam& v : pop.varied) per_neuron[v.name] = &v;
  for (const ParamInfo& q : info.params) {
    const auto [lo, hi] = bounds[q.name];
    const bool ok = q.range == ParamInfo::kPositive ? lo > 0 : q.range == ParamInfo::kNonNegative ? lo >= 0 : true;
    if (!ok)
      fail(p.at(q.name), p.has(q.name) ? p.found(q.name) : json(pop.params[q.name]),
           q.what + " in " + q.unit + (q.range == ParamInfo::kPositive ? " > 0" : " >= 0") +
               (lo == hi ? "" : " for every neuron (a normal draw needs \"min\")"));
  }
  for (const ParamOrder& o : info.ordered) {
    std::string unit;
    for (const ParamInfo& q : info.params)
      if (q.name == o.upper) unit = q.unit;
    const VariedParam* a = per_neuron.count(o.lower) ? per_neuron[o.lower] : nullptr;
    const VariedParam* b = per_neuron.count(o.upper) ? per_neuron[o.upper] : nullptr;
    if (a && b && !a->values.empty() && !b->values.empty()) {  // two lists: neuron by neuron
      for (uint32_t i = 0; i < pop.size; ++i)
        if (!(a->values[i] < b->values[i]))
          fail(p.at(o.lower) + "/" + std::to_string(i), a->values[i],
               o.lower + " below " + o.upper + " (" + std::to_string(b->values[i]) + " " + unit + " for neuron " + std::to_string(i) + ")");
      continue;
    }
    const double lower = bounds[o.lower].second, upper = bounds[o.upper].first;
    if (!(lower < upper))
      fail(p.at(o.lower), p.has(o.lower) ? p.found(o.lower) : json(lower),
           o.lower + " below " + o.upper + " (" + std::to_string(upper) + " " + unit + (b ? ", its smallest value" : "") + ")" +
               (a ? " for every neuron" : ""));
  }
  p.finish(names);
}

void parse_poisson_params(JObj p, PopulationSpec& pop, double dt) {
  const std::string rate_expected = "a rate in Hz, 0 <= rate <= 1/dt (" + std::to_string(1000.0 / dt) + " Hz)";
  auto check_rate = [&](double r, const std::string& ptr) {
    if (r < 0 || r * dt * 1e-3 > 1.0) fail(ptr, r, rate_expected);
  };
  if (p.has("rate")) {
    if (p.has("rates") || p.has("times")) fail_msg(p.at("rate"), "found both \"rate\" and \"rates\"/\"times\", expected one of them");
    pop.rates = {p.number("rate", rate_expected)};
    pop.rate_times = {0.0};
    check_rate(pop.rates[0], p.at("rate"));
  } else {
    pop.rates = p.numbers("rates", "an array of rates in Hz (with \"times\"), or \"rate\"");
    pop.rate_times = p.numbers("times", "an array of times in ms, one per rate, non-decreasing");
    if (pop.rates.size() != pop.rate_times.size() || pop.rates.empty())
      p.reject("times", "as many times as rates (" + std::to_string(pop.rates.size()) + ")");
    for (size_t i = 0; i < pop.rates.size(); ++i) {
      check_rate(pop.rates[i], p.at("rates") + "/" + std::to_string(i));
      if (pop.rate_times[i] < 0 || (i > 0 && pop.rate_times[i] < pop.rate_times[i - 1]))
        fail(p.at("times") + "/" + std::to_string(i), pop.rate_times[i], "non-decreasing times in ms >= 0");
    }
  }
  p.finish("rate, rates, times");
}

void parse_spike_times(JObj p, PopulationSpec& pop, double dt) {
  const json& st = p.need("spike_times", "an array with one array of spike times (ms) per neuron");
  if (!st.is_array()) fail(p.at("spike_times"), st, "an array with one array of spike times (ms) per neuron");
  for (size_t i = 0; i < st.size(); ++i) {
    const std::string pi = p.at("spike_times") + "/" + std::to_string(i);
    if (!st[i].is_array()) fail(pi, st[i], "an array of spike times in ms");
    std::vector<double> times;
    int64_t last_step = 0;
    for (size_t k = 0; k < st[i].size(); ++k) {
      const std::string pk = pi + "/" + std::to_string(k);
      const double t = as_number(st[i][k], pk, "a spike time in ms");
      const int64_t s = std::llround(t / dt);
      if (s < 1) fail(pk, st[i][k], "a spike time of at least one step (dt = " + std::to_string(dt) + " ms)");
      if (s <= last_step) fail(pk, st[i][k], "increasing spike times at least one step (dt) apart");
      last_step = s;
      times.push_back(t);
    }
    pop.spike_times.push_back(std::move(times));
  }
  p.finish("spike_times");
}

PopulationSpec parse_population(const json& j, const std::string& ptr, const std::string& name, double dt) {
  JObj o(j, ptr);
  PopulationSpec pop;
  pop.name = name;
  pop.ptr = ptr;
  // The name is an HDF5 group in every output file (/spikes/NAME, /nodes/NAME): "." and ".."
  // are not group names, and '/' would nest one population inside another.
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos)
    fail_msg(ptr, "found the population name \"" + name + "\", expected a non-empty name without '/', other than \".\" and \"..\"");
  const std::string models = model_names() + ", dc_generator, step_current_generator, poisson_generator";
  const std::string model = o.string("model", "a model name, one of: " + models);
  const ModelInfo* info = find_model(model);
  if (!info) o.reject("model", "a model name, one of: " + models + did_you_mean(model, split_list(models), "models"));
  if (o.has("method")) {
    const std::string methods = model_methods(model);
    const std::string expected = methods.empty() ? "no \"method\" (model " + model + " has one integration method)"
                                                 : "an integration method of " + model + ", one of: " + methods;
    const std::string method = o.string("method", expected);
    info = methods.empty() ? nullptr : find_model(model, method);
    if (!info) o.reject("method", expected);
  }
  pop.model = info->model;
  const json empty = json::object();
  const json* params = o.get("params");
  const json& pj = params ? *params : empty;
  const std::string pptr = o.at("params");
  switch (pop.model) {
    case Model::kSpikeGenerator: parse_spike_times(JObj(pj, pptr), pop, dt); break;
    case Model::kPoisson: parse_poisson_params(JObj(pj, pptr), pop, dt); break;
    default: break;  // after the size: a list gives one value per neuron
  }
  const std::string size_expected = "a population size, an integer from 1 to 2^31";
  if (pop.model == Model::kSpikeGenerator && !o.has("size")) {
    pop.size = static_cast<uint32_t>(pop.spike_times.size());
    if (pop.size == 0) fail(pptr + "/spike_times", pj.value("spike_times", json::array()), "at least one neuron's list");
  } else {
    const int64_t size = o.integer("size", size_expected);
    if (size < 1 || size > (int64_t{1} << 31)) o.reject("size", size_expected);
    pop.size = static_cast<uint32_t>(size);
    if (pop.model == Model::kSpikeGenerator && pop.spike_times.size() != pop.size)
      fail(pptr + "/spike_times", pj["spike_times"], std::to_string(pop.size) + " lists, one per neuron (size)");
  }
  if (is_neuron_model(pop.model)) parse_neuron_params(JObj(pj, pptr), *info, pop);
  if (const json* init = o.get("init")) {
    JObj io(*init, o.at("init"));
    std::string names;
    for (const auto& v : info->state) {
      names += (names.empty() ? "" : ", ") + v.name;
      if (const json* d = io.get(v.name)) pop.init[v.name] = parse_distribution(*d, io.at(v.name));
    }
    io.finish(names.empty() ? "(none: model " + model + " has no state)" : names);
  }
  o.finish("size, model, method, params, init");
  return pop;
}

// One neuron: {"population": NAME, "neuron": index}.
std::pair<int, uint32_t> parse_neuron_ref(const json& j, const std::string& ptr, const NetworkSpec& net) {
  JObj o(j, ptr);
  const int pop = population_index(o.need("population", "a population name"), o.at("population"), net);
  const int64_t i = o.integer("neuron", "a neuron index");
  if (i < 0 || i >= net.populations[pop].size)
    fail(o.at("neuron"), j["neuron"], "a neuron index from 0 to " + std::to_string(net.populations[pop].size - 1));
  o.finish("population, neuron");
  return {pop, static_cast<uint32_t>(i)};
}

// "on_pair": {"pre": NEURON, "post": NEURON, "window": ms, "delay": ms or a distribution, "amount": x}, or an array of them.
std::vector<PairReward> parse_pair_rewards(const json& j, const std::string& ptr, const NetworkSpec& net) {
  std::vector<PairReward> out;
  const bool list = j.is_array();
  for (size_t i = 0; i < (list ? j.size() : 1); ++i) {
    const json& e = list ? j[i] : j;
    const std::string pe = list ? ptr + "/" + std::to_string(i) : ptr;
    JObj o(e, pe);
    PairReward r;
    std::tie(r.pre_pop, r.pre) = parse_neuron_ref(o.need("pre", "{\"population\", \"neuron\"}"), o.at("pre"), net);
    std::tie(r.post_pop, r.post) = parse_neuron_ref(o.need("post", "{\"population\", \"neuron\"}"), o.at("post"), net);
    r.window = o.number_or("window", r.window, "a time window in ms > 0");
    if (!(r.window > 0)) fail(o.at("window"), e["window"], "a time window in ms > 0");
    r.delay = parse_distribution(o.need("delay", "a delay in ms (a value or a distribution)"), o.at("delay"));
    if (!(r.delay.min_value() >= 0)) fail(o.at("delay"), e["delay"], "delays >= 0 ms");
    r.amount = o.number_or("amount", r.amount, "the amount of each reward");
    o.finish("pre, post, window, delay, amount");
    out.push_back(r);
  }
  return out;
}

// "globals": {"H": {"type": "rate_estimate", "population": "exc", "tau": 100.0},
//             "DA": {"type": "neuromodulator", "tau": 200.0, "baseline": 0.0, "population": "vta",
//                    "per_spike": 0.01, "rewards": {"times": [ms, ...], "amounts": [...]}}}
void parse_globals(const json& g, NetworkSpec& net) {
  if (!g.is_object()) fail("/globals", g, "an object of global signals keyed by name");
  const std::string types = "a signal type: \"rate_estimate\" or \"neuromodulator\"";
  for (auto it = g.begin(); it != g.end(); ++it) {
    SignalSpec s;
    s.name = it.key();
    s.ptr = "/globals/" + escape_pointer_token(it.key());
    if (s.name.empty() || s.name.find('/') != std::string::npos) fail(s.ptr, it.value(), "a signal with a non-empty name without '/'");
    JObj o(it.value(), s.ptr);
    s.type = o.string("type", types);
    if (s.type != "rate_estimate" && s.type != "neuromodulator") o.reject("type", types);
    s.tau = o.number("tau", "a time constant in ms > 0");
    if (!(s.tau > 0)) o.reject("tau", "a time constant in ms > 0");
    if (s.type == "rate_estimate") {
      s.population = population_index(o.need("population", "a population name"), o.at("population"), net);
      o.finish("type, population, tau");
    } else {
      s.unit = "1";
      s.baseline = o.number_or("baseline", 0.0, "the level it relaxes to (a number)");
      if (const json* p = o.get("population")) {
        s.population = population_index(*p, o.at("population"), net);
        s.per_spike = o.number("per_spike", "the amount each spike of the population adds (a number)");
      }
      if (const json* r = o.get("rewards")) {
        JObj ro(*r, o.at("rewards"));
        if (ro.has("times") || ro.has("amounts") || !ro.has("on_pair")) {
          s.reward_times = ro.numbers("times", "reward times in ms (at least one dt)");
          s.reward_amounts = ro.numbers("amounts", "one amount per reward time");
        }
        if (const json* op = ro.get("on_pair")) s.pair_rewards = parse_pair_rewards(*op, ro.at("on_pair"), net);
        if (s.reward_amounts.size() != s.reward_times.size())
          fail(ro.at("amounts"), (*r)["amounts"], std::to_string(s.reward_times.size()) + " amounts, one per time");
        for (size_t i = 0; i < s.reward_times.size(); ++i)
          if (!(std::llround(s.reward_times[i] / net.run.dt) >= 1))
            fail(ro.at("times") + "/" + std::to_string(i), (*r)["times"][i], "a reward time of at least one step (dt)");
        ro.finish("times, amounts, on_pair");
      }
      o.finish("type, tau, baseline, population, per_spike, rewards");
    }
    net.signals.push_back(std::move(s));
  }
}

// One entry of "monitors": its "type" names a kind of SPIKESIM_MONITOR_KINDS (io/monitors.hpp),
// whose file parses it.
void parse_monitor(const json& j, const std::string& ptr, NetworkSpec& net, std::set<std::string>& files) {
  JObj o(j, ptr);
  std::string types;
#define SPIKESIM_MONITOR_TYPE_NAME(kind, type) types += std::string(types.empty() ? "\"" : ", \"") + type + "\"";
  SPIKESIM_MONITOR_KINDS(SPIKESIM_MONITOR_TYPE_NAME)
#undef SPIKESIM_MONITOR_TYPE_NAME
  const std::string type = o.string("type", types);
#define SPIKESIM_MONITOR_PARSE(kind, name) \
  if (type == name) return parse_##kind##_monitor(o, net, files);
  SPIKESIM_MONITOR_KINDS(SPIKESIM_MONITOR_PARSE)
#undef SPIKESIM_MONITOR_PARSE
  std::string plain = types;
  plain.erase(std::remove(plain.begin(), plain.end(), '"'), plain.end());
  o.reject("type", "one of " + types + did_you_mean(type, split_list(plain), "monitors"));
}

}  // namespace

// Errors collect (core/error.hpp's ErrorList) within each stage: every population, then every
// projection and the globals, then the task and every monitor. A later stage needs the
// earlier ones, so it starts only when they had no error (no error caused by another).
namespace {

// A population entry, or a generator written as one (io/parse_generators.cpp).
void parse_population_entry(const json& j, const std::string& ptr, const std::string& name, NetworkSpec& net) {
  if (j.is_object() && j.contains("model") && j["model"].is_string() && is_generator_model(j["model"].get<std::string>())) {
    if (name.empty() || name.find('/') != std::string::npos) fail_msg(ptr, "found the name \"" + name + "\", expected a non-empty name without '/'");
    if (j["model"] == "poisson_generator") net.poisson_generators.push_back(parse_poisson_generator(j, ptr, name, net.run.dt));
    else net.current_sources.push_back(parse_current_source(j, ptr, name));
  } else {
    net.populations.push_back(parse_population(j, ptr, name, net.run.dt));
  }
}

// A projection whose source is a current generator becomes a current input; one from a
// poisson_generator, a Poisson input.
bool from_current_source(const json& j, const NetworkSpec& net) {
  return j.is_object() && j.contains("source") && j["source"].is_string() &&
         net.find_current_source(j["source"].get<std::string>()) >= 0;
}
bool from_poisson_generator(const json& j, const NetworkSpec& net) {
  return j.is_object() && j.contains("source") && j["source"].is_string() &&
         net.find_poisson_generator(j["source"].get<std::string>()) >= 0;
}

}  // namespace

NetworkSpec parse_network(const json& j, const std::string& file, const Overrides& ov) {
  NetworkSpec net;
  WarningScope warnings(&net.warnings);
  ErrorList errors;
  net.file = file;
  net.resolved = j;
  JObj top(j, "");
  if (const json* d = top.get("description"))
    if (!d->is_string()) errors.add(SpecError("/description", "found " + describe(*d) + ", expected a string"));
  if (const json* r = top.get("run")) errors.attempt([&] { parse_run(JObj(*r, "/run"), net.run); });
  if (const json* o = top.get("output")) errors.attempt([&] { parse_output(JObj(*o, "/output"), net.output); });
  if (ov.has_seed) net.run.seed = ov.seed;
  if (ov.has_tstop) net.run.tstop = ov.tstop;
  if (ov.has_dir) net.output.dir = ov.dir;
  if (ov.overwrite) net.output.overwrite = true;
  net.resolved["run"] = {{"tstop", net.run.tstop}, {"dt", net.run.dt}, {"seed", net.run.seed}};
  net.resolved["output"] = {{"dir", net.output.dir}, {"spikes_file", net.output.spikes_file},
                            {"edges_file", net.output.edges_file}, {"overwrite", net.output.overwrite},
                            {"circuit", net.output.circuit}};

  const json* pops = top.get("populations");
  if (!pops) errors.add(SpecError("/populations", "missing required key \"populations\", expected an object of populations keyed by name"));
  else if (pops->is_object() && !pops->empty()) {
    for (auto it = pops->begin(); it != pops->end(); ++it)
      errors.attempt([&] { parse_population_entry(it.value(), "/populations/" + escape_pointer_token(it.key()), it.key(), net); });
  } else if (pops->is_array() && !pops->empty()) {  // the list form (docs/formats.md): [{"name": ..., ...}]
    for (size_t i = 0; i < pops->size(); ++i)
      errors.attempt([&] {
        const json& pj = (*pops)[i];
        const std::string pp = "/populations/" + std::to_string(i);
        if (!pj.is_object() || !pj.contains("name") || !pj["name"].is_string()) fail(pp, pj, "a population object with a \"name\"");
        json body = pj;
        const std::string name = body["name"].get<std::string>();
        body.erase("name");
        if (net.find_population(name) >= 0 || net.find_current_source(name) >= 0 || net.find_poisson_generator(name) >= 0)
          fail(pp + "/name", pj["name"], "a unique population name");
        parse_population_entry(body, pp, name, net);
      });
  } else {
    errors.add(SpecError("/populations", "found " + describe(*pops) + ", expected a non-empty object of populations keyed by name"));
  }
  if (!errors.any() && net.populations.empty())
    errors.add(SpecError("/populations", "found only generators, expected at least one population of neurons or spike sources"));
  errors.raise();

  if (const json* g = top.get("globals")) errors.attempt([&] { parse_globals(*g, net); });
  if (const json* projs = top.get("projections")) {
    if (!projs->is_array()) errors.add(SpecError("/projections", "found " + describe(*projs) + ", expected an array of projections"));
    std::set<std::string> names;
    for (size_t i = 0; projs->is_array() && i < projs->size(); ++i)
      errors.attempt([&] {
        const std::string pp = "/projections/" + std::to_string(i);
        auto unique = [&](std::string& name) {  // a default name taken: made unique with the index
          if (names.insert(name).second) return;
          if ((*projs)[i].contains("name")) fail(pp + "/name", (*projs)[i]["name"], "a projection name not used before");
          name += "_" + std::to_string(i);
          names.insert(name);
        };
        if (from_current_source((*projs)[i], net)) {
          net.current_inputs.push_back(parse_current_input((*projs)[i], pp, net));
        } else if (from_poisson_generator((*projs)[i], net)) {
          net.poisson_inputs.push_back(parse_poisson_input((*projs)[i], pp, net));
          unique(net.poisson_inputs.back().name);
        } else {
          net.projections.push_back(parse_projection((*projs)[i], pp, net));
          unique(net.projections.back().name);
        }
      });
  }
  errors.raise();

  if (const json* task = top.get("task")) errors.attempt([&] { parse_task(*task, net); });
  if (const json* f = top.get("init_from")) {
    if (!f->is_string() || f->get<std::string>().empty())
      errors.add(SpecError("/init_from", "found " + describe(*f) + ", expected the path of a checkpoint.h5 or a state saved with --save-state"));
    else net.init_from = f->get<std::string>();
  }
  if (const json* mons = top.get("monitors")) {
    if (!mons->is_array()) errors.add(SpecError("/monitors", "found " + describe(*mons) + ", expected an array of monitors"));
    std::set<std::string> files{net.output.spikes_file, net.output.edges_file};
    for (size_t i = 0; mons->is_array() && i < mons->size(); ++i)
      errors.attempt([&] { parse_monitor((*mons)[i], "/monitors/" + std::to_string(i), net, files); });
  }
  errors.attempt([&] { top.finish("description, run, output, populations, globals, projections, task, monitors, init_from"); });
  errors.raise();
  return net;
}

NetworkSpec parse_network_text(const std::string& text, const std::string& file) {
  return parse_network(read_json_text(text), file, Overrides{});
}

NetworkSpec parse_network_file(const std::string& path, const Overrides& ov) {
  std::ifstream in(path);
  if (!in) throw SpecError("", "cannot open the network file");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_network(read_json_text(ss.str()), path, ov);
}

}  // namespace spikesim
