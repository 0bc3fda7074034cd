#include "io/recordings.hpp"

#include <hdf5.h>

#include "core/error.hpp"
#include "io/h5.hpp"

namespace spikesim {

namespace {

H5Id open_recording(const std::string& path, const std::string& dataset, const std::string& what) {
  H5Id f = h5_open_read(path);
  if (!h5_exists(f, dataset)) throw RunError(path + ": no " + dataset + " (expected " + what + ")");
  return f;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  size_t b = 0;
  for (size_t e = s.find(','); b <= s.size(); e = s.find(',', b)) {
    if (e == std::string::npos) e = s.size();
    out.push_back(s.substr(b, e - b));
    b = e + 1;
  }
  return out;
}

}  // namespace

SpikeRecording read_spike_recording(const std::string& path, const std::string& population) {
  const std::string g = "/spikes/" + population;
  H5Id f = open_recording(path, g + "/timestamps", "a spikes file recording population \"" + population + "\"");
  SpikeRecording r;
  r.times = h5_read_vector<double>(f, g + "/timestamps", H5T_NATIVE_DOUBLE);
  r.ids = h5_read_vector<uint64_t>(f, g + "/node_ids", H5T_NATIVE_UINT64);
  if (r.times.size() != r.ids.size()) throw RunError(path + ": " + g + " has timestamps and node_ids of different lengths");
  return r;
}

WeightRecording read_weight_recording(const std::string& path, const std::string& projection) {
  const std::string g = "/report/" + projection;
  H5Id f = open_recording(path, g + "/data", "a weights report of projection \"" + projection + "\"");
  WeightRecording r;
  r.synapses = h5_read_vector<uint64_t>(f, g + "/mapping/element_ids", H5T_NATIVE_UINT64);
  const std::vector<double> t = h5_read_vector<double>(f, g + "/mapping/time", H5T_NATIVE_DOUBLE);
  if (t.size() != 3) throw RunError(path + ": " + g + "/mapping/time is not (start, stop, step)");
  r.t0 = t[0], r.t1 = t[1], r.dt = t[2];
  r.rows = h5_read_vector<float>(f, g + "/data", H5T_NATIVE_FLOAT);
  if (r.synapses.empty() || r.rows.size() % r.synapses.size()) throw RunError(path + ": " + g + "/data does not match its element_ids");
  return r;
}

TrialRecording read_trial_recording(const std::string& path) {
  H5Id f = open_recording(path, "/trials/action", "a task's trials file");
  TrialRecording r;
  H5Id g(H5Gopen2(f, "/trials", H5P_DEFAULT), H5Gclose);
  try {
    r.categories = split(h5_read_attr_string(g, "categories"));
    r.actions = split(h5_read_attr_string(g, "actions"));
  } catch (const RunError& e) {
    throw RunError(path + ": /trials: " + e.what());
  }
  r.category = h5_read_vector<int32_t>(f, "/trials/category", H5T_NATIVE_INT32);
  r.action = h5_read_vector<int32_t>(f, "/trials/action", H5T_NATIVE_INT32);
  r.reward = h5_read_vector<double>(f, "/trials/reward", H5T_NATIVE_DOUBLE);
  if (r.category.size() != r.action.size() || r.reward.size() != r.action.size())
    throw RunError(path + ": /trials/category, action and reward have different lengths");
  for (size_t i = 0; i < r.action.size(); ++i)
    if (r.category[i] < 0 || r.category[i] >= static_cast<int32_t>(r.categories.size()) || r.action[i] < -1 ||
        r.action[i] >= static_cast<int32_t>(r.actions.size()))
      throw RunError(path + ": /trials row " + std::to_string(i) + " names a category or action the file's attributes do not list");
  return r;
}

}  // namespace spikesim
