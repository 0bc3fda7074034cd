#pragma once
// Scalar time series sharing one time axis (global signals, population rates):
//   /<group>/<series>/data   float64, one value per row, attribute "units"
//   /<group>/time            float64 {start, stop, step} in ms: row k is at start + k*step
// plus a "description" attribute on the group saying what a row means. Rows are buffered
// and appended a chunk at a time; finish() writes what is buffered and the status.
#include <string>
#include <vector>

#include "core/archive.hpp"
#include "io/h5.hpp"

namespace spikesim {

class SeriesFile {
 public:
  SeriesFile(const std::string& path, const std::string& group, const std::vector<std::string>& names,
             const std::vector<std::string>& units, double step_ms, const std::string& description,
             const Provenance& prov, const FileMode& mode = {});
  void record(const double* row);  // one value per series
  void flush();  // every 2 s: buffered rows (crash_safe: up to a chunk boundary), then the file
  void finish(const std::string& status, double t_reached_ms);
  void checkpoint(Archive& a, const std::string& k);  // as SpikeFile::checkpoint

 private:
  H5Id file_, group_;
  std::vector<AppendableDataset> data_;
  std::vector<double> buf_;  // rows x series, row-major
  std::vector<double> column_;
  double step_ms_;
  bool crash_safe_;
  void write(bool all);  // buffered rows: all, or up to a chunk boundary
};

}  // namespace spikesim
