#include "io/state_report.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace spikesim {

ReportMapping ReportMapping::neurons(const std::vector<uint32_t>& ids) {
  ReportMapping m;
  m.node_ids.assign(ids.begin(), ids.end());
  m.gather.assign(ids.begin(), ids.end());
  m.element_ids.assign(ids.size(), 0);
  for (size_t i = 0; i <= ids.size(); ++i) m.index_pointers.push_back(i);
  return m;
}

ReportMapping ReportMapping::synapses(const std::vector<uint64_t>& syn, const std::vector<uint32_t>& target) {
  ReportMapping m;
  std::vector<std::pair<uint32_t, uint64_t>> by_node;  // (postsynaptic neuron, synapse)
  for (uint64_t k : syn) by_node.emplace_back(target[k], k);
  std::sort(by_node.begin(), by_node.end());
  for (size_t c = 0; c < by_node.size(); ++c) {
    if (c == 0 || by_node[c].first != by_node[c - 1].first) {
      m.node_ids.push_back(by_node[c].first);
      m.index_pointers.push_back(c);
    }
    m.gather.push_back(by_node[c].second);
    m.element_ids.push_back(static_cast<uint32_t>(by_node[c].second));
  }
  m.index_pointers.push_back(by_node.size());
  return m;
}

StateReport::StateReport(const std::string& path, const std::string& group, const std::string& unit, ReportMapping m,
                         double dt_rec, double tstop, const Provenance& prov, const FileMode& mode)
    : file_(h5_open_output(path, mode)), gather_(std::move(m.gather)), dt_rec_(dt_rec), crash_safe_(mode.crash_safe) {
  const bool resume = mode.resume;
  const size_t n = gather_.size();
  chunk_rows_ = std::max<size_t>(1, std::min<size_t>(4096, (1 << 16) / n));
  buf_.reserve(chunk_rows_ * n);
  group_ = h5_group(file_, "/report/" + group, resume);
  mapping_ = h5_group(group_, "mapping", resume);
  if (resume) {
    data_ = AppendableDataset(group_, "data", H5T_NATIVE_FLOAT);
    return;
  }
  write_provenance(file_, prov);
  data_ = AppendableDataset(group_, "data", H5T_NATIVE_FLOAT, H5T_IEEE_F32LE, n, chunk_rows_);
  attr_string(data_.id(), "units", unit);
  write_vector(mapping_, "node_ids", H5T_NATIVE_UINT64, H5T_STD_U64LE, m.node_ids.data(), m.node_ids.size());
  write_vector(mapping_, "index_pointers", H5T_NATIVE_UINT64, H5T_STD_U64LE, m.index_pointers.data(),
               m.index_pointers.size());
  h5_check(H5Lcreate_hard(mapping_, "index_pointers", mapping_, "index_pointer", H5P_DEFAULT, H5P_DEFAULT), "link");
  write_vector(mapping_, "element_ids", H5T_NATIVE_UINT32, H5T_STD_U32LE, m.element_ids.data(), n);
  const double rows = std::ceil(tstop / dt_rec - 1e-9);
  const double time[3] = {0.0, rows * dt_rec, dt_rec};
  write_vector(mapping_, "time", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, time, 3);
  H5Id tds(H5Dopen2(mapping_, "time", H5P_DEFAULT), H5Dclose);
  attr_string(tds, "units", "ms");
}

void StateReport::checkpoint(Archive& a, const std::string& k) {
  if (!a.loading()) write(true);
  dataset_positions(a, k, file_, {&data_});
}

void StateReport::record(const float* values, float offset, const float* offsets) {
  if (offsets)
    for (uint64_t i : gather_) buf_.push_back(values[i] + offsets[i]);
  else
    for (uint64_t i : gather_) buf_.push_back(values[i] + offset);
  if (buf_.size() >= chunk_rows_ * gather_.size()) write(false);
}

void StateReport::write(bool all) {
  const size_t n = gather_.size(), buffered = buf_.size() / n;
  const size_t rows = all || !crash_safe_ ? buffered : static_cast<size_t>(data_.whole(buffered));
  if (rows == 0) return;
  data_.append(buf_.data(), rows);
  buf_.erase(buf_.begin(), buf_.begin() + rows * n);
}

void StateReport::flush() {
  write(false);
  h5_check(H5Fflush(file_, H5F_SCOPE_GLOBAL), "flush");
}

void StateReport::finish(const std::string& status, double t_reached_ms) {
  write(true);
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
