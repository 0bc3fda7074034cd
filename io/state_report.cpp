#include "io/state_report.hpp"

#include <algorithm>
#include <cmath>

namespace spikesim {

StateReport::StateReport(const std::string& path, const std::string& population, const std::string& unit,
                         const std::vector<uint32_t>& neurons, double dt_rec, double tstop, const Provenance& prov)
    : file_(h5_create_file(path)), neurons_(neurons), dt_rec_(dt_rec) {
  write_provenance(file_, prov);
  group_ = h5_create_group(file_, "/report/" + population);
  const size_t n = neurons.size();
  chunk_rows_ = std::max<size_t>(1, std::min<size_t>(4096, (1 << 16) / n));
  data_ = AppendableDataset(group_, "data", H5T_NATIVE_FLOAT, H5T_IEEE_F32LE, n, chunk_rows_);
  attr_string(data_.id(), "units", unit);
  mapping_ = h5_create_group(group_, "mapping");
  std::vector<uint64_t> ids(neurons.begin(), neurons.end()), ptrs(n + 1);
  for (size_t i = 0; i <= n; ++i) ptrs[i] = i;
  const std::vector<uint32_t> elements(n, 0);
  write_vector(mapping_, "node_ids", H5T_NATIVE_UINT64, H5T_STD_U64LE, ids.data(), n);
  write_vector(mapping_, "index_pointers", H5T_NATIVE_UINT64, H5T_STD_U64LE, ptrs.data(), n + 1);
  h5_check(H5Lcreate_hard(mapping_, "index_pointers", mapping_, "index_pointer", H5P_DEFAULT, H5P_DEFAULT), "link");
  write_vector(mapping_, "element_ids", H5T_NATIVE_UINT32, H5T_STD_U32LE, elements.data(), n);
  const double rows = std::ceil(tstop / dt_rec - 1e-9);
  const double time[3] = {0.0, rows * dt_rec, dt_rec};
  write_vector(mapping_, "time", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, time, 3);
  H5Id tds(H5Dopen2(mapping_, "time", H5P_DEFAULT), H5Dclose);
  attr_string(tds, "units", "ms");
  buf_.reserve(chunk_rows_ * n);
}

void StateReport::record(const float* state, float offset) {
  for (uint32_t i : neurons_) buf_.push_back(state[i] + offset);
  if (buf_.size() >= chunk_rows_ * neurons_.size()) flush();
}

void StateReport::flush() {
  data_.append(buf_.data(), buf_.size() / neurons_.size());
  buf_.clear();
  h5_check(H5Fflush(file_, H5F_SCOPE_GLOBAL), "flush");
}

void StateReport::finish(const std::string& status, double t_reached_ms) {
  flush();
  // The time axis says what was recorded: stop = start + rows * dt.
  const double time[3] = {0.0, static_cast<double>(data_.rows()) * dt_rec_, dt_rec_};
  H5Id tds(H5Dopen2(mapping_, "time", H5P_DEFAULT), H5Dclose);
  h5_check(H5Dwrite(tds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, time), "time");
  write_status(file_, status, t_reached_ms);
  tds.reset();
  data_ = AppendableDataset();
  mapping_.reset();
  group_.reset();
  file_.reset();
}

}  // namespace spikesim
