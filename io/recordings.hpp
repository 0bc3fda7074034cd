#pragma once
// Reading recordings back (what `spikesim fit` compares simulations with): a population's
// spikes from a SONATA spikes file, a projection's weights report, a task's trials. Errors are RunErrors
// naming the file and what it lacks.
#include <cstdint>
#include <string>
#include <vector>

namespace spikesim {

struct SpikeRecording {
  std::vector<double> times;     // ms
  std::vector<uint64_t> ids;
};
SpikeRecording read_spike_recording(const std::string& path, const std::string& population);

// A weights report (io/monitor_weights.cpp): rows of one value per recorded synapse, sampled
// at t0, t0 + dt, ... (ms).
struct WeightRecording {
  std::vector<uint64_t> synapses;  // CSR index of each column (SONATA element_ids)
  double t0 = 0.0, t1 = 0.0, dt = 0.0;
  std::vector<float> rows;         // row-major
  size_t samples() const { return synapses.empty() ? 0 : rows.size() / synapses.size(); }
};
WeightRecording read_weight_recording(const std::string& path, const std::string& projection);

// A task's trials file (io/trial_file.cpp): per trial the category shown, the choice (-1:
// none) and the reward sent, with the names of the categories and actions.
struct TrialRecording {
  std::vector<std::string> categories, actions;
  std::vector<int32_t> category, action;
  std::vector<double> reward;
};
TrialRecording read_trial_recording(const std::string& path);

}  // namespace spikesim
