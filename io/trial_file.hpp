#pragma once
// A task's per-trial records: <dir>/trials.h5 (/trials/{trial, category, action, correct,
// reward, feedback, t_end}, one row per trial; the category and action names as attributes
// "categories" and "actions"; action -1 = no choice) and the same as <dir>/trials.csv.
#include <string>
#include <vector>

#include "core/task.hpp"
#include "io/h5.hpp"

namespace spikesim {

void write_trials(const std::string& h5_path, const std::string& csv_path, const TaskSpec& spec,
                  const std::vector<TrialRecord>& records, const Provenance& prov, const std::string& status,
                  double t_reached_ms);

}  // namespace spikesim
