#pragma once
// The interface every engine implements (the CPU's OpenMP engine in cpu/, the device engine
// in gpu/), driven by the one run loop (core/run_loop.hpp). A backend owns the network's
// state; the loop owns the scaffold of a run: host events (a task's trials), monitors,
// progress, flushing, stop requests, the end of the run.
//
// Step n advances the network from t_n = n*dt to t_{n+1}; its phases, in order:
//   1. events:  actions due at step n: the backend's own tables (Poisson rate changes and the
//               file's rewards, core/signals.hpp scheduled_rewards; rewards triggered by
//               spike pairs), after the host events the loop ran before the chunk.
//   2. update:  every neuron integrates from t_n to t_{n+1}; threshold crossings are spikes
//               stamped t_{n+1}; Poisson and spike_generator sources emit their spikes of
//               (t_n, t_{n+1}] stamped t_{n+1}.
//   3. emit:    this step's spikes enter each outgoing projection's delay queue; global
//               signals decay over dt and add them, giving their values at t_{n+1}.
//   4. deliver: spikes that arrive at t_{n+1} (stamp + delay = t_{n+1}, delay >= 1 step)
//               add their weights to the targets' receptors: a jump at t_{n+1}, felt by the
//               membrane from step n+1 on. Plastic projections then run on_pre, bump
//               presynaptic traces, and run on_post for this step's postsynaptic spikes
//               (plasticity/plasticity.hpp); partner traces add the step's partner spikes.
//   5. record:  the backend hands the step to the loop (RunLoop::after_step): monitors
//               sample t_{n+1}, progress; a stop request ends the run there.
#include <cstdint>
#include <vector>

#include "core/archive.hpp"
#include "core/run.hpp"

namespace spikesim {

// One completed step as monitors see it.
struct StepView {
  uint64_t stamp = 0;  // the step reached: spikes stamped t = stamp * dt
  // Per population, the step's spikes (ascending ids). A backend fills at least the
  // populations a spike monitor records (recorded_populations, core/run_loop.hpp).
  const std::vector<std::vector<uint32_t>>* spikes = nullptr;
  const uint32_t* counts = nullptr;  // per population, the step's number of spikes
  const double* signals = nullptr;   // every global signal's value at t = stamp * dt
};

class RunLoop;

class Backend {
 public:
  virtual ~Backend() = default;
  // True when the host state arrays that state and weights monitors read are current after
  // every step (the CPU); false when they are current only between chunks (the device):
  // the loop then ends a chunk where such a monitor samples.
  virtual bool live_state() const = 0;
  // Runs steps [n, n + k) and calls loop.after_step for each, in order. Returns the steps
  // run: fewer than k when after_step asked to stop (a device finishes its current chunk).
  virtual uint64_t advance(uint64_t n, uint64_t k, RunLoop& loop) = 0;
  // Brings the host arrays monitors read up to step n: the lazy projections listed are
  // settled first (their weights brought up to date); a device copies its state back.
  virtual void sync_state(uint64_t n, const std::vector<int>& lazy) = 0;
  // The host events of this step ran (a task's stimulus or rewards may have changed).
  virtual void host_events_done() {}
  // Per-neuron Poisson thresholds of population `pop` (a task's stimulus).
  virtual void set_thresholds(int pop, const std::vector<uint32_t>& thresholds) = 0;
  // Current generators: population `pop` receives pA in addition to its I_e from now on.
  virtual void set_input_current(int pop, double pA) = 0;
  // A task's trial ended at step `step`: trial rules learn from the trial's spike counts,
  // its feedback value and the reward the task sent, those that learn on the trial's choice
  // `action` (-1: none; TrialSpec::learns_on).
  virtual void end_trial(uint64_t step, double feedback, double reward, int action) = 0;
  // Periodic trial rules: the distinct periods in steps (the loop's host events call
  // `periodic` at each multiple), and the rules of period `period` applied at `step`.
  virtual std::vector<uint64_t> periods() const { return {}; }
  virtual void periodic(uint64_t /*step*/, uint64_t /*period*/) {}
  // The run ended at `steps`: every lazy weight brought up to it, the whole state on the host.
  virtual void finish(uint64_t steps) = 0;
  // Every global signal's current value (before the first step: the initial values).
  virtual const double* signals() const = 0;
  // Checkpoints (core/archive.hpp): the whole state at the start of step n (before that
  // step's host events), saved; or restored (a.loading()) before a resumed run's first advance.
  virtual void state(Archive& a, uint64_t n) = 0;
  // Before a checkpoint is written at step n, on every rank of a distributed run (the others
  // write nothing): gathers what `state` saves on rank 0 (cpu/rank_view.hpp).
  virtual void prepare_checkpoint(uint64_t /*n*/) {}
  // What a checkpoint calls the engine's state ("cpu", "device"): it resumes on the same kind.
  virtual const char* engine() const = 0;
  // The backend's own figures (rewards triggered by pairs, phase times, device memory).
  virtual void report(RunResult& res) = 0;
};

}  // namespace spikesim
