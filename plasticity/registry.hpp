#pragma once
// The plasticity rules spikesim knows, by name, and the parser of a projection's
// "plasticity" object: {"rule": NAME, "w_min", "w_max", "traces", ...rule parameters}.
#include <memory>
#include <string>
#include <vector>

#include "core/json_access.hpp"
#include "core/signals.hpp"

namespace spikesim {

class Plasticity;

struct RuleInfo {
  std::string name, summary;
};
std::vector<RuleInfo> rule_list();

// A parsed, not yet attached rule (Plasticity::clone gives the network its own copy).
std::shared_ptr<Plasticity> parse_plasticity(const json& j, const std::string& ptr, const std::vector<SignalSpec>& signals);

}  // namespace spikesim
