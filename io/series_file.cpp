#include "io/series_file.hpp"

namespace spikesim {

namespace {
constexpr hsize_t kChunkRows = 4096;
}

SeriesFile::SeriesFile(const std::string& path, const std::string& group, const std::vector<std::string>& names,
                       const std::vector<std::string>& units, double step_ms, const std::string& description,
                       const Provenance& prov, const FileMode& mode)
    : file_(h5_open_output(path, mode)), step_ms_(step_ms), crash_safe_(mode.crash_safe) {
  const bool resume = mode.resume;
  if (!resume) write_provenance(file_, prov);
  group_ = h5_group(file_, "/" + group, resume);
  if (!resume) attr_string(group_, "description", description);
  for (size_t k = 0; k < names.size(); ++k) {
    H5Id g = h5_group(group_, names[k], resume);
    if (resume) {
      data_.emplace_back(g, "data", H5T_NATIVE_DOUBLE);
      continue;
    }
    data_.emplace_back(g, "data", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, 0, kChunkRows);
    attr_string(data_.back().id(), "units", units[k]);
  }
  buf_.reserve(kChunkRows * names.size());
  if (resume) return;
  const double time[3] = {0.0, 0.0, step_ms};
  write_vector(group_, "time", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, time, 3);
  H5Id tds(H5Dopen2(group_, "time", H5P_DEFAULT), H5Dclose);
  attr_string(tds, "units", "ms");
}

void SeriesFile::checkpoint(Archive& a, const std::string& k) {
  if (!a.loading()) write(true);
  std::vector<AppendableDataset*> ds;
  for (AppendableDataset& d : data_) ds.push_back(&d);
  dataset_positions(a, k, file_, ds);
}

void SeriesFile::record(const double* row) {
  buf_.insert(buf_.end(), row, row + data_.size());
  if (buf_.size() >= kChunkRows * data_.size()) write(false);
}

void SeriesFile::write(bool all) {
  const size_t n = data_.size(), buffered = n ? buf_.size() / n : 0;
  const size_t rows = all || !crash_safe_ ? buffered : static_cast<size_t>(data_[0].whole(buffered));
  if (rows == 0) return;
  column_.resize(rows);
  for (size_t k = 0; k < n; ++k) {
    for (size_t r = 0; r < rows; ++r) column_[r] = buf_[r * n + k];
    data_[k].append(column_.data(), rows);
  }
  buf_.erase(buf_.begin(), buf_.begin() + rows * n);
}

void SeriesFile::flush() {
  write(false);
  h5_check(H5Fflush(file_, H5F_SCOPE_GLOBAL), "flush");
}

void SeriesFile::finish(const std::string& status, double t_reached_ms) {
  write(true);
  const double rows = data_.empty() ? 0.0 : static_cast<double>(data_[0].rows());
  const double time[3] = {0.0, rows * step_ms_, step_ms_};
  H5Id tds(H5Dopen2(group_, "time", H5P_DEFAULT), H5Dclose);
  h5_check(H5Dwrite(tds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, time), "time");
  write_status(file_, status, t_reached_ms);
  tds.reset();
  data_.clear();
  group_.reset();
  file_.reset();
}

}  // namespace spikesim
