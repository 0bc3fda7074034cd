#pragma once
// The protocol kinds: one list, from which `spikesim protocol` picks the runner by the
// file's "kind" (default "pairing") and protocol_kind() takes the accepted names. A kind is a
// pair of files (its loader and runner, e.g. protocols/distal_reward.{hpp,cpp}) that also
// define run_<kind>_kind with run_kind below, and one line here. docs/extending.md.
#include <string>
#include <vector>

#include "core/json_access.hpp"
#include "core/run.hpp"
#include "protocols/protocol.hpp"

#define SPIKESIM_PROTOCOL_KINDS(X) \
  X(pairing)                       \
  X(global_factor)                 \
  X(distal_reward)                 \
  X(task)                          \
  X(disinhibition_sign)            \
  X(disinhibitory_learning)        \
  X(oja_recovery)                  \
  X(reward_rule_inference)

namespace spikesim {

// What the command line asks of a protocol run.
struct ProtocolCall {
  const json& raw;                 // the file with --set applied
  std::string path;                // where it came from
  std::vector<std::string> sets;   // the --set arguments
  std::string dir;                 // -o, or empty for out/<name>
  bool quiet = false;
  RunOptions engine;
  bool overwrite = false;          // --overwrite: the output folder may hold an earlier run's files
};

// What it made: the output folder and files, and a line saying what it ran.
struct ProtocolOutcome {
  std::string name, head, dir;
  std::vector<std::string> files;
};

#define SPIKESIM_DECLARE_PROTOCOL_KIND(kind) ProtocolOutcome run_##kind##_kind(const ProtocolCall& call);
SPIKESIM_PROTOCOL_KINDS(SPIKESIM_DECLARE_PROTOCOL_KIND)
#undef SPIKESIM_DECLARE_PROTOCOL_KIND

// The names of the list, and the runner of `kind` (one of them).
std::vector<std::string> protocol_kind_names();
ProtocolOutcome run_protocol_of_kind(const std::string& kind, const ProtocolCall& call);

// The common shape of a kind's runner: load (errors name the file and the pointer), print
// "spikesim protocol NAME (PATH): HEAD" unless quiet, run into the output folder.
template <class Load, class Run, class Head>
ProtocolOutcome run_kind(const ProtocolCall& c, Load load, Run run, Head head) {
  const auto p = load();
  ProtocolOutcome out;
  out.name = p.name;
  out.head = head(p);
  out.dir = c.dir.empty() ? "out/" + p.name : c.dir;
  claim_output_dir(out.dir, c.overwrite);
  if (!c.quiet) std::printf("spikesim protocol %s (%s)%s\n", p.name.c_str(), c.path.c_str(), out.head.c_str());
  out.files = run(p, out.dir, c.quiet, c.engine).files;
  return out;
}

}  // namespace spikesim
