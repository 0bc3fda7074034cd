#pragma once
// The clocked-plus-event engine (CPU, OpenMP). Step n advances the network from
// t_n = n*dt to t_{n+1}; its phases, in order:
//   1. events:  scheduled actions due at step n run (e.g. Poisson rate changes at t_n).
//   2. update:  every neuron integrates from t_n to t_{n+1}; threshold crossings are spikes
//               stamped t_{n+1}; Poisson and spike_generator sources emit their spikes of
//               (t_n, t_{n+1}] stamped t_{n+1}.
//   3. emit:    this step's spikes enter each outgoing projection's delay queue and the
//               spike file; global signals (core/signals.hpp) decay over dt and add them,
//               giving their values at t_{n+1}.
//   4. deliver: spikes that arrive at t_{n+1} (stamp + delay = t_{n+1}, delay >= 1 step)
//               add their weights to the targets' g_ex/g_in (or I_syn_ex/I_syn_in): a
//               jump at t_{n+1}, felt by the membrane from step n+1 on. Plastic
//               projections then run on_pre, bump presynaptic traces, and run on_post
//               for this step's postsynaptic spikes (plasticity/plasticity.hpp).
//   5. record:  state and signals monitors sample t_{n+1} (after the jumps), rates monitors
//               close a bin when t_{n+1} ends one; progress;
//               a stop request (SIGINT/SIGTERM) ends the run here.
// State monitors also record row 0, the initial state at t = 0.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/network.hpp"
#include "core/phase_clock.hpp"

namespace spikesim {

// Which engine runs the network: the CPU (OpenMP), the CUDA device, or the CUDA engine's
// kernels emulated serially on the CPU (gpu/launcher.hpp).
enum class Device { kCpu, kCuda, kEmulate };

struct RunOptions {
  Device device = Device::kCpu;
  Propagation propagation = Propagation::kAuto;  // for projections whose file says "auto"
  int threads = 0;      // 0: OpenMP's default
  bool progress = false;
  bool profile = false;  // time the phases (RunResult::phase_s)
  bool log_trials = false;  // a task prints its running accuracy every 10 trials (stderr)
};

struct RunResult {
  bool interrupted = false;
  uint64_t steps = 0;
  double t_reached_ms = 0.0, wall_s = 0.0;
  std::vector<uint64_t> spike_counts;  // per population
  uint64_t pair_rewards = 0;           // rewards triggered by spike pairs (signals' "on_pair")
  std::vector<TrialRecord> trials;     // a task's trials
  std::vector<std::string> files;      // output files written
  std::array<double, kPhaseCount> phase_s{};  // with RunOptions::profile (core/phase_clock.hpp)
  double setup_s = 0.0, finish_s = 0.0;      // opening and closing the output files
  double loop_s = 0.0;                        // the step loop (wall), without setup and finish
  uint64_t device_bytes = 0, device_synapse_bytes = 0;  // device engine: memory it allocated, of it for synapses
};

// Runs `net` (state is advanced in place) and writes its monitors under spec.output.dir.
RunResult simulate(Network& net, const RunOptions& opt);

}  // namespace spikesim
