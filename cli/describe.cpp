// spikesim describe --json: what the binary accepts, as data, for tools that write network
// files (python/spikesim builds networks from it and repeats no name, default or unit): the
// models with their parameters (default, unit, range), state variables and receptors; the
// plasticity rules; the monitor types; the connection rules; and the names NEST, PyNN and
// Brian2 users bring, with what spikesim calls them.
#include <cstdio>
#include <sstream>

#include "build_info.hpp"
#include "cli/args.hpp"
#include "core/hints.hpp"
#include "core/json_access.hpp"
#include "io/monitors.hpp"
#include "neurons/models.hpp"
#include "plasticity/registry.hpp"

namespace spikesim::cli {

namespace {

json models() {
  json out = json::array();
  for (const ModelInfo& m : model_registry()) {
    json params = json::array(), state = json::array();
    for (const ParamInfo& p : m.params)
      params.push_back({{"name", p.name}, {"default", p.def}, {"unit", p.unit}, {"what", p.what},
                        {"range", p.range == ParamInfo::kPositive ? "> 0" : p.range == ParamInfo::kNonNegative ? ">= 0" : "any"}});
    for (const StateVarInfo& v : m.state) state.push_back({{"name", v.name}, {"unit", v.unit}});
    json alternatives = json::array();
    for (const ParamInfo& p : alternative_params(m))
      alternatives.push_back({{"name", p.name}, {"unit", p.unit}, {"what", p.what}});
    out.push_back({{"name", m.name}, {"method", m.method}, {"params", params}, {"alternatives", alternatives}, {"state", state},
                   {"receptors", m.has_receptors}, {"weight_unit", weight_unit(m.model)}});
  }
  // The current generators (io/parse_generators.cpp): a "population" of one, projected onto
  // neuron populations whose I_e is in pA.
  auto param = [](const char* name, json def, const char* unit, const char* what) {
    return json{{"name", name}, {"default", def}, {"unit", unit}, {"what", what}, {"range", "any"}};
  };
  // json::array(...), not braces: {one object} is that object with clang, an array with gcc.
  const json window = json::array({param("start", 0.0, "ms", "when it starts"), param("stop", nullptr, "ms", "when it stops (none: never)")});
  json dc = json::array({param("amplitude", 0.0, "pA", "a current")});
  json steps = json::array({param("amplitude_times", nullptr, "ms", "times of the changes"),
                            param("amplitude_values", nullptr, "pA", "the amplitude from each time on")});
  dc.insert(dc.end(), window.begin(), window.end());
  steps.insert(steps.end(), window.begin(), window.end());
  for (const auto& [name, params] : {std::pair{"dc_generator", dc}, std::pair{"step_current_generator", steps}})
    out.push_back({{"name", name}, {"method", ""}, {"params", params}, {"alternatives", json::array()}, {"state", json::array()},
                   {"receptors", false}, {"weight_unit", "1"}, {"current_source", true}});
  // poisson_generator (io/parse_generators.cpp): a train per target neuron, the weight in the
  // target receptor's unit.
  json poisson = json::array({param("rate", 0.0, "Hz", "the rate of each target's train")});
  poisson.insert(poisson.end(), window.begin(), window.end());
  out.push_back({{"name", "poisson_generator"}, {"method", ""}, {"params", poisson}, {"alternatives", json::array()},
                 {"state", json::array()}, {"receptors", false}, {"weight_unit", "target"}, {"poisson_generator", true}});
  return out;
}


// A rule's keys, as its parser reads them (set_key_log): parsed from {"rule": NAME}, each
// missing required key given a placeholder and parsed again, until the parse succeeds
// ("complete") or stops for another reason (a trial rule needs the network's task; what the
// parse never reached is then not listed).
json rule_keys(const std::string& name) {
  json p = {{"rule", name}};
  std::vector<KeyDoc> log;
  bool complete = false;
  for (int tries = 0; tries < 16 && !complete; ++tries) {
    log.clear();
    set_key_log(&log);
    try {
      parse_plasticity(p, "/plasticity", {});
      complete = true;
    } catch (const SpecError& e) {
      const std::string key = e.pointer.substr(e.pointer.find_last_of('/') + 1);
      if (std::string(e.what()).rfind("missing required key", 0) != 0 || p.contains(key)) break;
      const std::string what = e.what();
      p[key] = what.find("an object") != std::string::npos ? json::object() : json(1.0);
    }
  }
  set_key_log(nullptr);
  json keys = json::array();
  for (const KeyDoc& d : log)
    if (d.ptr == "/plasticity" && d.key != "rule")
      keys.push_back({{"name", d.key}, {"default", d.def}, {"required", d.required}, {"expected", d.expected}});
  return {{"keys", keys}, {"complete", complete}};
}

// A connection rule's keys, as the parser reads them (the same way as rule_keys; between two
// populations of 10 neurons).
json connection_keys(const std::string& rule) {
  json c = {{"rule", rule}};
  std::vector<KeyDoc> log;
  for (int tries = 0; tries < 8; ++tries) {
    log.clear();
    set_key_log(&log);
    try {
      parse_connectivity(JObj(c, "/connectivity"), 10, 10, false);
      break;
    } catch (const SpecError& e) {
      const std::string key = e.pointer.substr(e.pointer.find_last_of('/') + 1);
      const std::string what = e.what();
      if (what.rfind("missing required key", 0) != 0 || c.contains(key)) break;
      c[key] = what.find("array") != std::string::npos ? json::array({0}) : json(1);
    }
  }
  set_key_log(nullptr);
  json keys = json::array();
  for (const KeyDoc& d : log)
    if (d.ptr == "/connectivity" && d.key != "rule")
      keys.push_back({{"name", d.key}, {"default", d.def}, {"required", d.required}, {"expected", d.expected}});
  return keys;
}

json connection_keys_of(const std::vector<std::string>& rules) {
  json out = json::object();
  for (const std::string& r : rules) out[r] = connection_keys(r);
  return out;
}

}  // namespace

int cmd_describe(const Args&) {
  json rules = json::array();
  for (const RuleInfo& r : rule_list()) {
    const json k = rule_keys(r.name);
    rules.push_back({{"name", r.name}, {"summary", r.summary}, {"keys", k["keys"]}, {"keys_complete", k["complete"]}});
  }
  json monitors = json::array();
#define SPIKESIM_DESCRIBE_MONITOR(kind, type) monitors.push_back(type);
  SPIKESIM_MONITOR_KINDS(SPIKESIM_DESCRIBE_MONITOR)
#undef SPIKESIM_DESCRIBE_MONITOR
  const json out = {{"spikesim_version", SPIKESIM_VERSION},
                    {"models", models()},
                    {"rules", rules},
                    {"monitors", monitors},
                    {"connection_rules", split_list(kConnectionRules)},
                    {"connection_rule_keys", connection_keys_of(split_list(kConnectionRules))},
                    {"aliases", name_aliases()}};
  std::printf("%s\n", out.dump(1).c_str());
  return 0;
}

}  // namespace spikesim::cli
