#pragma once
// SONATA frame report: /report/<group>/data float32 [n_times x n_columns] and
// /report/<group>/mapping {node_ids, index_pointers, element_ids, time}. Used for state
// variables of neurons (element_ids 0, one column per neuron) and for synapse weights
// (node_ids = postsynaptic neurons, element_ids = synapse indices, grouped by node).
// Row k holds the values at t = k * dt_rec (row 0: the initial values).
#include <string>
#include <vector>

#include "core/archive.hpp"
#include "io/h5.hpp"

namespace spikesim {

struct ReportMapping {
  std::vector<uint64_t> node_ids, index_pointers;  // index_pointers: node_ids.size() + 1
  std::vector<uint32_t> element_ids;               // one per column
  std::vector<uint64_t> gather;                    // column c records values[gather[c]]

  static ReportMapping neurons(const std::vector<uint32_t>& ids);
  // Synapses (ascending indices) with their postsynaptic neurons; columns grouped by neuron.
  static ReportMapping synapses(const std::vector<uint64_t>& syn, const std::vector<uint32_t>& target);
};

class StateReport {
 public:
  StateReport(const std::string& path, const std::string& group, const std::string& unit, ReportMapping mapping,
              double dt_rec, double tstop, const Provenance& prov, const FileMode& mode = {});
  // One row: values[gather[c]] + offset, or + offsets[gather[c]] (per neuron) where given.
  void record(const float* values, float offset, const float* offsets = nullptr);
  void flush();  // every 2 s: buffered rows (crash_safe: up to a chunk boundary), then the file
  void finish(const std::string& status, double t_reached_ms);
  void checkpoint(Archive& a, const std::string& k);  // as SpikeFile::checkpoint
  // A string attribute on the report's group (a weights report names its populations).
  void label(const std::string& key, const std::string& value) { attr_string(group_, key, value); }

 private:
  H5Id file_, group_, mapping_;
  AppendableDataset data_;
  std::vector<uint64_t> gather_;
  std::vector<float> buf_;
  size_t chunk_rows_ = 1;
  double dt_rec_;
  bool crash_safe_;
  void write(bool all);  // buffered rows: all, or up to a chunk boundary
};

}  // namespace spikesim
