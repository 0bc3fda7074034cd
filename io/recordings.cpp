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

}  // namespace spikesim
