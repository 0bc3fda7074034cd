#pragma once
// A trial-based task ("task" in the network file): each trial of trial_ms shows one
// stimulus, drawn at random from named categories, as per-neuron Poisson rates of one
// population; the action population with the most spikes in a decision window is the
// choice (ties broken at random, none if no spikes); a correct, wrong or missing choice
// sends a reward of its size into a neuromodulator after a delay and sets the feedback
// value that trial rules (plasticity/trial_rules.hpp) read at the end of the trial.
// Everything happens through the scheduler at trial boundaries (phase 1 of a step, one
// thread): no work per step besides counting the spikes of the populations trial rules
// read. Random draws are keyed by (seed, trial), so runs are the same for any thread count.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/archive.hpp"

namespace spikesim {

struct TaskOutcome {
  double reward = 0.0, delay = 0.0, feedback = 0.0;  // reward into the signal, delay in ms
};

struct TaskSpec {
  std::string ptr;
  uint32_t trials = 0;
  double trial_ms = 1000.0;
  int stimulus = -1;                       // a poisson population
  double stim_on = 0.0, stim_off = 0.0;    // ms within a trial (default: the whole trial)
  double off_rate = 0.0;                   // Hz, outside the stimulus window
  std::vector<std::string> categories;
  std::vector<std::vector<double>> patterns;  // per category: rate per stimulus neuron (Hz)
  std::vector<int> correct;                   // per category: index into actions
  std::vector<std::string> actions;
  std::vector<int> action_pops;
  double decide_from = 0.0, decide_to = 0.0;  // decision window within a trial (ms)
  TaskOutcome right, wrong, none;
  int signal = -1;  // neuromodulator that receives rewards (-1: none)
  // Rewards by chance ("reward_probability"): the trials in blocks of these lengths (summing
  // to `trials`), and per category the probability in each block that a correct choice is
  // rewarded (else its reward is 0; feedback unchanged). Empty: always.
  std::vector<uint32_t> blocks;
  std::vector<std::vector<double>> reward_probability;  // [category][block]
  // Replay (a fit's teacher forcing, protocols/fit.hpp): each trial's category, choice and
  // reward are the recorded ones, not drawn or decided; the action counts are the network's.
  struct Replayed {
    int category = -1, action = -1;
    double reward = 0.0;
  };
  std::vector<Replayed> replay;

  bool active() const { return trials > 0; }
};

// One row per trial (written to HDF5 and CSV at the end of the run).
struct TrialRecord {
  uint32_t trial = 0;
  int category = -1, action = -1;  // action -1: none
  bool correct = false;
  double reward = 0.0, feedback = 0.0, t_end = 0.0;  // t_end in ms
  std::vector<uint64_t> counts;    // spikes of each action population in the decision window
};

class Backend;
class Scheduler;
class Signals;

// Runs a TaskSpec through the scheduler. The stimulus's per-neuron Poisson thresholds go to
// the backend (Backend::set_thresholds, core/backend.hpp); `counts` are the run's spike
// counts per population (read at window edges); on_trial_end(record) is called at the end
// of each trial, after the record is complete. Only trials that start by `last_step` (the
// run's end) are scheduled: "trials": 1e9 with a short tstop costs nothing.
class TaskRunner {
 public:
  TaskRunner(const TaskSpec& spec, uint32_t stimulus_size, Backend& backend, const std::vector<uint64_t>& counts,
             Signals& signals, Scheduler& sched, double dt, uint64_t seed, bool log, uint64_t last_step);
  const std::vector<TrialRecord>& records() const { return records_; }
  // The trials so far, the current trial and its window's counts (checkpoints; the trial
  // events themselves are made again by the constructor).
  void state(Archive& a);
  template <class F>
  void on_trial_end(F f) { end_ = f; }

 private:
  void start(uint32_t k);
  void decide(uint32_t k, uint64_t step);
  void finish(uint32_t k, uint64_t step);
  double reward_probability(uint32_t k, int category) const;

  const TaskSpec& spec_;
  Backend& backend_;
  const std::vector<uint64_t>& counts_;
  Signals& signals_;
  Scheduler& sched_;
  double dt_;
  uint64_t seed_, trial_steps_;
  bool log_;
  std::vector<uint32_t> off_;                    // stimulus thresholds per neuron, outside the window
  std::vector<std::vector<uint32_t>> patterns_;  // and per category, inside it
  std::vector<uint64_t> window0_;    // action counts at the window's start
  std::vector<TrialRecord> records_;
  TrialRecord current_;
  std::function<void(const TrialRecord&)> end_;
};

}  // namespace spikesim
