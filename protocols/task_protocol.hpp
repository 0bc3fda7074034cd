#pragma once
// The task protocol (`"kind": "task"`, protocols/category_learning.json; docs/plasticity.md
// section 6): a network file with a "task" block is run for several seeds with its
// plasticity, and again with plasticity switched off (each plastic projection's "start"
// moved past the run's end) as a control. The runner writes every trial of every run as CSV,
// the accuracy curve (per block of trials, mean over seeds) as CSV and SVG, and checks:
//   learned:      mean over seeds of the accuracy of the last `last` trials >= min_accuracy;
//   from chance:  the accuracy of the first `first` trials, pooled over seeds, within
//                 `chance_se` binomial standard errors of chance (1 / number of actions);
//   control:      the control's accuracy over its last `last` trials, pooled, likewise;
//   tested:       with "test": {"trials": N}, each learning run's final state is saved
//                 (save_state) and a new run of N trials starts from it ("init_from"),
//                 plasticity off: the mean test accuracy >= min_accuracy.
#include <cstdint>
#include <string>
#include <vector>

#include "core/json_access.hpp"
#include "core/task.hpp"
#include "protocols/simulate.hpp"
#include "protocols/protocol_header.hpp"

namespace spikesim {

struct TaskProtocol : ProtocolHeader {
  json network;  // a network file with a "task" block, without "output"
  int seeds = 5;
  bool control = true;
  uint32_t first = 20, last = 50, block = 10;
  double min_accuracy = 0.8, chance_se = 2.0;
  uint32_t test_trials = 0;  // "test": {"trials": N}: trained, saved, tested from the saved state
};

struct TaskProtocolRun {
  uint64_t seed = 0;
  bool plastic = true;
  std::vector<TrialRecord> trials;
  double first_acc = 0, last_acc = 0, wall_s = 0;
  double test_acc = -1;  // from the saved state, plasticity off (-1: no test)
};

// A pooled accuracy against chance: within chance +- chance_se * sqrt(c (1 - c) / n).
struct ChanceCheck {
  double accuracy = 0, low = 0, high = 0;
  uint64_t trials = 0;
  bool at_chance = false;
};

struct TaskProtocolResult {
  std::vector<TaskProtocolRun> runs;  // the seeds with plasticity, then the controls
  std::vector<std::string> categories, actions;
  double chance = 0.5, last_mean = 0, test_mean = -1;
  ChanceCheck first, control_last;
  bool learned = false, pass = false;
  std::vector<std::string> files;
};

TaskProtocol load_task_protocol(const json& raw, const std::string& path);
TaskProtocolResult run_task_protocol(const TaskProtocol& p, const std::string& out_dir, bool quiet = true,
                                      const RunOptions& engine = {});

}  // namespace spikesim
