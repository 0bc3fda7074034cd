#pragma once
// SONATA frame report of one state variable of chosen neurons:
// /report/<population>/data float32 [n_times x n_neurons] and /report/<population>/mapping.
// Row k holds the state at t = k * dt_rec (row 0: the initial state).
#include <string>
#include <vector>

#include "io/h5.hpp"

namespace spikesim {

class StateReport {
 public:
  StateReport(const std::string& path, const std::string& population, const std::string& unit,
              const std::vector<uint32_t>& neurons, double dt_rec, double tstop, const Provenance& prov);
  void record(const float* state, float offset);  // one row: state[neurons[i]] + offset
  void flush();
  void finish(const std::string& status, double t_reached_ms);

 private:
  H5Id file_, group_, mapping_;
  AppendableDataset data_;
  std::vector<uint32_t> neurons_;
  std::vector<float> buf_;
  size_t chunk_rows_ = 1;
  double dt_rec_;
};

}  // namespace spikesim
