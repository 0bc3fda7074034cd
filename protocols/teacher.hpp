#pragma once
// What the rule-inference protocols share (oja_recovery, reward_rule_inference; docs/fit.md):
// the network with a teacher's taylor coefficients on the fitted projections, and the
// teacher's recordings, one folder per run seed.
#include <cstdint>
#include <string>
#include <vector>

#include "core/json_access.hpp"
#include "core/run.hpp"

namespace spikesim {

// `network` with `coefficients` on the taylor rule of each projection that fit.projection
// names (a name or a list; an unknown name: exit 2 at /fit/projection).
json with_coefficients(const json& network, const json& fit, const json& coefficients);

// The seeds of a fit's "runs": "seeds" then "held_out".
std::vector<uint64_t> run_seeds(const json& runs);

// Runs `network` once per seed (one thread each run), its outputs in DIR/seed<seed>/.
void record_teacher(const json& network, const std::string& file, const std::vector<uint64_t>& seeds, const std::string& dir,
                    const RunOptions& engine);

}  // namespace spikesim
