#include "protocols/kinds.hpp"

#include "core/error.hpp"

namespace spikesim {

std::vector<std::string> protocol_kind_names() {
  return {
#define SPIKESIM_PROTOCOL_KIND_NAME(kind) #kind,
      SPIKESIM_PROTOCOL_KINDS(SPIKESIM_PROTOCOL_KIND_NAME)
#undef SPIKESIM_PROTOCOL_KIND_NAME
  };
}

ProtocolOutcome run_protocol_of_kind(const std::string& kind, const ProtocolCall& call) {
#define SPIKESIM_PROTOCOL_KIND_CASE(k) \
  if (kind == #k) return run_##k##_kind(call);
  SPIKESIM_PROTOCOL_KINDS(SPIKESIM_PROTOCOL_KIND_CASE)
#undef SPIKESIM_PROTOCOL_KIND_CASE
  throw RunError("unlisted protocol kind " + kind);
}

}  // namespace spikesim
