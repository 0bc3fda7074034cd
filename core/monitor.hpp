#pragma once
// The interface every monitor implements (io/ writes them as HDF5 files; the list of kinds
// is io/monitors.cpp). The run loop (core/run_loop.hpp) calls, in order:
//   start(signals)       before step 0: row 0 (t = 0) of state and signals monitors;
//   step(sample)         after every step, with the step's spikes, the spike counts so far
//                        and the signals (no state: see sample_state);
//   sample_state()       at the steps due() says (those state_stride() divides; not at the
//                        last step), when the state arrays the monitor points into are current;
//   flush()              every 2 s of wall time;
//   finish(end)          once, at the end of the run, however it ended;
//   checkpoint(a)        at a checkpoint (core/archive.hpp): the monitor flushes its files to
//                        disk and saves its position (rows written, its own counters); at a
//                        resume (files opened for it) it cuts its files back to that position.
#include <cstdint>
#include <string>
#include <vector>

#include "core/archive.hpp"
#include "core/task.hpp"

namespace spikesim {

struct StepSample {
  uint64_t stamp = 0;   // the step reached (t = stamp * dt)
  bool last = false;    // stamp is the run's last step
  double t = 0.0;       // ms
  const std::vector<std::vector<uint32_t>>* spikes = nullptr;  // the step's spikes, per population
  const std::vector<uint64_t>* counts = nullptr;               // spikes per population so far
  const double* signals = nullptr;                             // every signal's value at t
};

struct RunEnd {
  std::string status;  // "complete" or "interrupted"
  double t_reached_ms = 0.0;
  const std::vector<TrialRecord>* trials = nullptr;  // a task's trials (else null)
};

class Monitor {
 public:
  virtual ~Monitor() = default;
  virtual void start(const double* /*signals*/) {}
  virtual void step(const StepSample& /*s*/) {}
  virtual uint64_t state_stride() const { return 0; }  // 0: never samples the state
  // The steps where sample_state() is called: multiples of state_stride(), unless a monitor
  // lists its own (weights snapshots at given times).
  virtual bool samples() const { return state_stride() > 0; }
  virtual bool due(uint64_t n) const { return n % state_stride() == 0; }
  virtual uint64_t next_due(uint64_t n) const { return (n / state_stride() + 1) * state_stride(); }  // the first after n
  virtual int lazy_projection() const { return -1; }   // weights of a lazy rule: settled first
  virtual void sample_state() {}
  virtual void flush() {}
  virtual void finish(const RunEnd& end) = 0;
  virtual void checkpoint(Archive& /*a*/) {}
  // A resumed run starts at s.stamp, where the run it continues ended: the samples step()
  // leaves out at a run's last step are taken now (state samples: sample_state()).
  virtual void resume_at(const StepSample& /*s*/) {}
  // The populations whose spikes step() reads from StepSample::spikes (the backend must fill them).
  virtual std::vector<int> spike_populations() const { return {}; }
  std::vector<std::string> files;  // the files it writes
  // Where its position goes in a checkpoint: named after its first file.
  std::string checkpoint_key() const {
    const std::string& f = files.at(0);
    return "monitors/" + key(f.substr(f.find_last_of('/') + 1));
  }
};

}  // namespace spikesim
