#pragma once
// What a run is asked to do (RunOptions) and what it reports (RunResult), for every backend.
// The step and phase order a backend follows is written in core/backend.hpp; the run loop
// that drives a backend, in core/run_loop.hpp.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/task.hpp"
#include "core/spec.hpp"
#include "core/phase_clock.hpp"

namespace spikesim {

// Which engine runs the network: the CPU (OpenMP), the CUDA device, or the CUDA engine's
// kernels emulated serially on the CPU (gpu/launcher.hpp).
enum class Device { kCpu, kCuda, kEmulate };

class Comm;

struct RunOptions {
  Device device = Device::kCpu;
  Comm* comm = nullptr;  // the ranks of a distributed run (core/comm.hpp; null: this process alone)
  Propagation propagation = Propagation::kAuto;  // for projections whose file says "auto"
  int threads = 0;      // 0: OpenMP's default
  // The CPU engine times its team against one thread while it runs and keeps the faster
  // (set by simulate where the thread count was not given and the model chose more than 1).
  bool measure_threads = false;
  bool progress = false;        // the progress line (a terminal, or --progress)
  bool progress_plain = false;  // a plain progress line every 10 s (stderr not a terminal)
  bool profile = false;  // time the phases (RunResult::phase_s)
  bool log_trials = false;  // a task prints its running accuracy every 10 trials (stderr)
  bool file_monitors = true;  // false: none of the network file's monitors (no output files; a fit's candidates)
  // Checkpoints (docs/checkpoints.md): checkpoint.h5 in the output folder every
  // checkpoint_every_ms of model time (0: only when the run stops or ends), when `checkpoint`.
  bool checkpoint = false;
  double checkpoint_every_ms = 0.0;
  std::string resume_from;  // a checkpoint this run continues from (spikesim resume)
  bool resume_changed = false;  // with another network than the checkpoint's (resume --network)
};

struct RunResult {
  bool interrupted = false;
  uint64_t steps = 0;
  double t_reached_ms = 0.0, wall_s = 0.0;
  std::vector<uint64_t> spike_counts;  // per population
  int threads = 0;                     // threads the CPU engine ran with (0: another backend)
  uint64_t pair_rewards = 0;           // rewards triggered by spike pairs (signals' "on_pair")
  std::vector<TrialRecord> trials;     // a task's trials
  std::vector<std::string> files;      // output files written
  std::array<double, kPhaseCount> phase_s{};  // with RunOptions::profile (core/phase_clock.hpp)
  double setup_s = 0.0, finish_s = 0.0;      // opening and closing the output files
  double loop_s = 0.0;                        // the step loop (wall), without setup and finish
  uint64_t checkpoints = 0;                   // checkpoints written
  double checkpoint_s = 0.0;                  // wall time writing them (monitors' flushes included)
  uint64_t checkpoint_bytes = 0;              // size of the last one
  // A distributed run (docs/mpi.md), rank 0's figures: ranks, the communication interval in
  // steps, the exchanges (collectives), the 32-bit words this rank sent, wall time in them.
  int ranks = 1;
  uint64_t synapses = 0;  // of the whole network (0: not counted; a run of one process: net.synapses())
  uint32_t interval_steps = 0;
  uint64_t exchanges = 0, exchange_words = 0;
  double exchange_s = 0.0;
  uint64_t device_bytes = 0, device_synapse_bytes = 0;  // device engine: memory it allocated, of it for synapses
};

}  // namespace spikesim
