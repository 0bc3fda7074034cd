#pragma once
// SONATA spike file: /spikes/<population>/{timestamps (float64, ms), node_ids (uint64)},
// sorted by time, streamed to disk in chunks while the run goes on.
#include <string>
#include <vector>

#include "io/h5.hpp"

namespace spikesim {

class SpikeFile {
 public:
  SpikeFile(const std::string& path, const std::vector<std::string>& populations, const Provenance& prov);
  void add(size_t slot, double t_ms, const std::vector<uint32_t>& ids);  // slot: index in `populations`
  void flush();  // write buffered spikes and flush the file
  void finish(const std::string& status, double t_reached_ms);

 private:
  struct Pop {
    H5Id group;
    AppendableDataset ts, ids;
    std::vector<double> tbuf;
    std::vector<uint64_t> ibuf;
  };
  void write(Pop& p, size_t count);
  H5Id file_;
  std::vector<Pop> pops_;
};

}  // namespace spikesim
