#pragma once
// A built network's evolving state as checkpoint arrays (core/archive.hpp), in both
// directions: neuron state, Poisson thresholds, weights, delay rings with spikes in flight,
// traces, per-synapse rule state, lazy rules' integrals, trial rules' rewards, signals.
// What does not evolve (connectivity, parameters, propagators) is rebuilt from the network
// file, which the checkpoint carries.
#include "core/archive.hpp"
#include "plasticity/network.hpp"

namespace spikesim {

// Saves or restores (a.loading()) the whole state of `net`, keyed by population and
// projection names. `rings`: the CPU engine's delay rings (the device keeps its own).
void network_state(Network& net, Archive& a, bool rings);

// A new run (t = 0) that starts from a saved state ("init_from", `spikesim run --save-state`):
// neuron state, weights, traces and per-synapse rule state of the populations and
// projections that `a` holds under the same names. Traces saved at step `saved_step` are
// decayed to it and restamped 0. A size, synapse count or rule that differs is a
// CheckpointError naming what differs; spikes in flight, signals and lazy integrals are not
// carried over. Returns the names restored.
std::vector<std::string> init_state(Network& net, Archive& a, uint64_t saved_step);

}  // namespace spikesim
