#pragma once
// What every protocol file has, whatever its kind: "kind", "name", "summary", and the path it
// was read from. Each kind's protocol struct derives from ProtocolHeader and its loader starts
// with open_protocol.
#include <string>

#include "core/json_access.hpp"

namespace spikesim {

struct ProtocolHeader {
  std::string name, summary, file;
};

// The file's top-level object, to read the kind's own keys from: records `path` in `h`, checks
// "kind" against `kind` (exit 2 with /kind otherwise), reads "name" and "summary".
JObj open_protocol(const json& raw, const std::string& path, const std::string& kind, ProtocolHeader& h);

}  // namespace spikesim
