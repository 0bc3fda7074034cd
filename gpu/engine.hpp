#pragma once
// The device backend (core/backend.hpp): runs a built Network with the kernels of
// gpu/kernels.hpp on the CUDA device, or emulated on the CPU (RunOptions::device), in the
// phase order of core/backend.hpp, driven by the same run loop as the CPU backend.
#include <memory>
#include <vector>

#include "core/backend.hpp"
#include "gpu/launcher.hpp"
#include "plasticity/network.hpp"

namespace spikesim {

// Throws SpecError (exit 2, with the JSON pointer) for what only the CPU engine runs: a
// pair-triggered reward whose delay has no upper bound. (Every rule of
// plasticity/rule_list.hpp runs on both engines.)
void check_device_support(const NetworkSpec& spec);

// A backend over `net`; `recorded`: the populations whose spikes the monitors read
// (ascending); `l`: the launcher to use, or null for the one opt.device names. Call
// check_device_support first.
std::unique_ptr<Backend> make_device_backend(Network& net, const RunOptions& opt, const std::vector<int>& recorded,
                                             Launcher* l = nullptr);

}  // namespace spikesim
