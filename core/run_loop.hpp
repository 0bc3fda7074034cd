#pragma once
// The one run loop: the scaffold of a run, written once for every backend (core/backend.hpp).
//   - host events: a task's trial events (core/task.hpp) run between chunks of steps; a chunk
//     ends at the next one, so a backend never sees a host event inside a chunk;
//   - monitors (core/monitor.hpp): row 0, every step's sample, state samples (inside the
//     chunk for a backend with live state, else at chunk ends placed where they are due),
//     flushing every 2 s, finishing with the run's status;
//   - progress line, stop requests (SIGINT/SIGTERM), timings, the run's result.
#include <chrono>
#include <functional>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/archive.hpp"
#include "core/backend.hpp"
#include "core/comm.hpp"
#include "core/monitor.hpp"
#include "core/progress.hpp"
#include "core/scheduler.hpp"
#include "core/signals.hpp"
#include "core/spec.hpp"

namespace spikesim {

// Where a run's checkpoints go (io/checkpoint.hpp writes them as HDF5 files, atomically).
class CheckpointSink {
 public:
  virtual ~CheckpointSink() = default;
  // The state at the start of step n: `fill` writes every array into the archive it is given.
  virtual void write(uint64_t n, const std::function<void(Archive&)>& fill) = 0;
};

// A rank of a distributed run other than 0: it takes part in a checkpoint (the backend's
// gathers), rank 0 writes it.
class NullCheckpointSink final : public CheckpointSink {
 public:
  void write(uint64_t, const std::function<void(Archive&)>&) override {}
};

// A run's checkpoints: written every `every` steps, when a stop is requested and when the
// run ends (before the events at t_stop and before lazy weights are settled, so that the run
// continues as if it had not stopped); or read, for a run that resumes at step `start`.
struct Checkpointing {
  CheckpointSink* sink = nullptr;  // null: none written
  uint64_t every = 0;              // steps (0: only when the run stops or ends)
  Archive* from = nullptr;         // a resumed run's checkpoint (monitors opened for it)
  uint64_t start = 0;              // its step
};

// The populations (ascending) whose spikes the monitors read from StepView::spikes.
std::vector<int> recorded_populations(const std::vector<std::unique_ptr<Monitor>>& monitors, size_t n_pops);

class RunLoop {
 public:
  // `signals` receives a task's rewards (the backend reads them as pending jumps).
  RunLoop(const NetworkSpec& spec, uint64_t n_steps, Backend& backend, std::vector<std::unique_ptr<Monitor>>& monitors,
          Signals& signals, const RunOptions& opt, const Checkpointing& cp = {});
  ~RunLoop();
  // Runs the whole network; `wall0` is when the run's setup began (for RunResult::setup_s).
  RunResult run(std::chrono::steady_clock::time_point wall0);

  // Called by the backend after each step, in order; returns true when the run must stop.
  bool after_step(const StepView& v);

 private:
  uint64_t chunk(uint64_t n) const;  // steps from n to the next host event, report or the end
  void sample_states(uint64_t n);     // state monitors due at step n (the state is current; ranks: rank 0 decides)
  void schedule_periodic(uint64_t step, uint64_t period);  // Backend::periodic at step, then every period
  bool states_due(uint64_t n) const;
  void state(Archive& a, uint64_t n);  // everything the loop, the backend and the monitors hold at step n
  void checkpoint(uint64_t n);

  const NetworkSpec& spec_;
  uint64_t n_steps_;
  Backend& backend_;
  std::vector<std::unique_ptr<Monitor>>& monitors_;
  Signals& signals_;
  Checkpointing cp_;
  Scheduler sched_;
  std::unique_ptr<TaskRunner> task_;
  RunResult res_;
  std::vector<Monitor*> sampled_;  // monitors with a state stride
  std::vector<int> lazy_due_;      // scratch: lazy projections of the monitors due
  std::vector<uint64_t> decision_;  // scratch: sample_states' decision
  Progress progress_;
  std::chrono::steady_clock::time_point last_flush_;
  bool live_;
  // A distributed run's ranks (docs/mpi.md): every rank runs this loop in lockstep; the
  // monitors are rank 0's, which decides where chunks end and when the state is sampled.
  Comm& comm_;
};

}  // namespace spikesim
