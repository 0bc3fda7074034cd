#pragma once
// Parsing one entry of a network file's "monitors" into the spec: each kind of
// SPIKESIM_MONITOR_KINDS (io/monitors.hpp) defines parse_<kind>_monitor in its own file
// (io/monitor_<kind>.cpp), and io/parse_network.cpp dispatches on "type" from the list.
// The helpers every kind shares: io/parse_monitor.cpp.
#include <set>
#include <string>
#include <vector>

#include "core/json_access.hpp"
#include "core/spec.hpp"
#include "io/monitors.hpp"

namespace spikesim {

// Output files claimed so far (a second monitor writing one is an error).
using MonitorFiles = std::set<std::string>;

#define SPIKESIM_DECLARE_MONITOR_PARSE(kind, type) void parse_##kind##_monitor(JObj& o, NetworkSpec& net, MonitorFiles& files);
SPIKESIM_MONITOR_KINDS(SPIKESIM_DECLARE_MONITOR_PARSE)
#undef SPIKESIM_DECLARE_MONITOR_PARSE

int population_index(const json& j, const std::string& ptr, const NetworkSpec& net);  // io/parse_projection.cpp
// A recording interval under `key`: a positive multiple of dt.
double recording_dt(JObj& o, double dt, const std::string& key = "dt");
// "name" (default `def`): a plain file-name stem.
std::string monitor_name(JObj& o, const std::string& def);
void claim_file(MonitorFiles& files, const std::string& file, const std::string& ptr);

// A list of names under `key` (default: all of `count` things), as indices.
template <class Find>
std::vector<int> name_list(JObj& o, const std::string& key, size_t count, const std::string& what, Find find) {
  std::vector<int> out;
  const json* l = o.get(key);
  if (!l) {
    for (size_t i = 0; i < count; ++i) out.push_back(static_cast<int>(i));
    return out;
  }
  if (!l->is_array() || l->empty()) fail(o.at(key), *l, "a non-empty array of " + what + " names");
  for (size_t i = 0; i < l->size(); ++i) {
    const std::string pi = o.at(key) + "/" + std::to_string(i);
    const int k = (*l)[i].is_string() ? find((*l)[i].template get<std::string>()) : -1;
    if (k < 0) fail(pi, (*l)[i], "the name of a " + what);
    for (int q : out)
      if (q == k) fail(pi, (*l)[i], "each " + what + " once");
    out.push_back(k);
  }
  return out;
}

}  // namespace spikesim
