#pragma once
// The run's monitors as open files, shared by the CPU engine (core/simulation.cpp) and the
// device engine (gpu/engine.cpp): the spike file, state and weight reports, signal and rate
// series, and where the edges file goes.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/network.hpp"
#include "core/simulation.hpp"
#include "io/series_file.hpp"
#include "io/spike_file.hpp"
#include "io/state_report.hpp"

namespace spikesim {

struct Monitors {
  std::unique_ptr<SpikeFile> spikes;
  std::vector<int> spike_slot;  // per population: slot in the spike file, or -1
  struct Report {
    std::unique_ptr<StateReport> file;
    const float* state;
    float offset;
    uint64_t stride;
    int lazy_projection = -1;  // weights of a lazy rule: brought up to date before recording
  };
  std::vector<Report> reports;  // state variables and weights
  struct Signal {  // a signals monitor: chosen signals every `stride` steps
    std::unique_ptr<SeriesFile> file;
    std::vector<int> which;
    uint64_t stride;
  };
  std::vector<Signal> signals;
  struct Rate {  // a rates monitor: population rates per bin of `bin` steps
    std::unique_ptr<SeriesFile> file;
    std::vector<int> pops;
    uint64_t bin;
    double bin_s;
    std::vector<uint64_t> count0;  // spike counts at the start of the bin
  };
  std::vector<Rate> rates;
  std::vector<double> row;  // scratch for one row of a series file
  std::vector<size_t> plastic;  // projections whose final weights go to the edges file
  std::string edges_path;
};

// Opens every monitor's file under spec.output.dir and lists the files in res.files.
Monitors open_monitors(const Network& net, RunResult& res, int nthreads);
// Signals monitors due at `step` record `values` (every signal's value at that step).
void record_signals(Monitors& m, const double* values, uint64_t step);
// Rates monitors whose bin ends at `step` record; counts: spikes per population so far.
void record_rates(Monitors& m, const Network& net, const std::vector<uint64_t>& counts, uint64_t step);
// Closes every monitor's file with the run's status ("complete" or "interrupted").
void finish_monitors(Monitors& m, const std::string& status, double t_reached_ms);
class TaskRunner;
// The end of a run, after the engine brought every weight up to the time reached: closes the
// monitors and writes the task's trials.h5 and trials.csv (into res.trials too) and the edges
// file, with status "complete" or "interrupted" (res.interrupted) at res.steps.
void finish_outputs(const Network& net, Monitors& mon, RunResult& res, const TaskRunner* task);
// The plastic projections whose rule is a trial rule, when the network has a task.
std::vector<size_t> trial_projections(const Network& net);

}  // namespace spikesim
