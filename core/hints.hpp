#pragma once
// Hints for names the file gets wrong: other simulators' names (NEST, PyNN, Brian2) and the
// nearest name spikesim knows. Used by the parser's messages and by `spikesim describe`.
#include <string>
#include <vector>

#include "core/json_access.hpp"

namespace spikesim {

// Names users bring from other simulators, by kind ("models", "params", "connection_rules",
// "monitors"): each maps to spikesim's name, or {"name", "note"} where the unit differs.
json name_aliases();

// " (did you mean \"X\"?)" for `found`: another simulator's name of `kind` whose spikesim
// name is among `candidates` (with its note), else the candidate nearest in edit distance
// (at most about a third of the name); empty when nothing is close.
// "a, b, c" -> {"a", "b", "c"}.
std::vector<std::string> split_list(const std::string& comma_separated);

std::string did_you_mean(const std::string& found, const std::vector<std::string>& candidates, const std::string& kind);

}  // namespace spikesim
