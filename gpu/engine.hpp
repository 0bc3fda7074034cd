#pragma once
// The device engine (issue #8): runs a built Network with the kernels of gpu/kernels.hpp on
// the CUDA device, or emulated on the CPU (RunOptions::device), writing the same files as
// the CPU engine. Same step and phase order as core/simulation.hpp.
#include "core/network.hpp"
#include "core/simulation.hpp"
#include "gpu/launcher.hpp"

namespace spikesim {

// Throws SpecError (exit 2, with the JSON pointer) for what only the CPU engine runs: a
// pair-triggered reward whose delay has no upper bound, a plasticity rule not in
// SPIKESIM_DEVICE_RULES (today every rule is).
void check_device_support(const NetworkSpec& spec);

RunResult simulate_device(Network& net, const RunOptions& opt);                // the launcher opt.device names
RunResult simulate_device(Network& net, const RunOptions& opt, Launcher& l);

}  // namespace spikesim
