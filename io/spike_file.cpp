#include "io/spike_file.hpp"

namespace spikesim {

namespace {
constexpr size_t kChunk = 1 << 16;
}

SpikeFile::SpikeFile(const std::string& path, const std::vector<std::string>& populations, const Provenance& prov)
    : file_(h5_create_file(path)) {
  attr_u32(file_, "magic", {0x0A7A});
  attr_u32(file_, "version", {0, 1});
  write_provenance(file_, prov);
  for (const auto& name : populations) {
    Pop p;
    p.group = h5_create_group(file_, "/spikes/" + name);
    attr_sorting(p.group, 2);  // by_time: spikes are appended in time order
    p.ts = AppendableDataset(p.group, "timestamps", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, 0, kChunk);
    attr_string(p.ts.id(), "units", "ms");
    p.ids = AppendableDataset(p.group, "node_ids", H5T_NATIVE_UINT64, H5T_STD_U64LE, 0, kChunk);
    pops_.push_back(std::move(p));
  }
  h5_check(H5Fflush(file_, H5F_SCOPE_GLOBAL), "flush");
}

void SpikeFile::add(size_t slot, double t_ms, const std::vector<uint32_t>& ids) {
  Pop& p = pops_[slot];
  p.tbuf.insert(p.tbuf.end(), ids.size(), t_ms);
  p.ibuf.insert(p.ibuf.end(), ids.begin(), ids.end());
  if (p.tbuf.size() >= kChunk) write(p, kChunk);
}

// Appends the first `count` buffered spikes. While running, count is one chunk and the
// datasets hold whole chunks, so HDF5 compresses each chunk once and never reads one back.
void SpikeFile::write(Pop& p, size_t count) {
  p.ts.append(p.tbuf.data(), count);
  p.ids.append(p.ibuf.data(), count);
  p.tbuf.erase(p.tbuf.begin(), p.tbuf.begin() + static_cast<std::ptrdiff_t>(count));
  p.ibuf.erase(p.ibuf.begin(), p.ibuf.begin() + static_cast<std::ptrdiff_t>(count));
}

void SpikeFile::flush() {
  for (auto& p : pops_) write(p, p.tbuf.size());
  h5_check(H5Fflush(file_, H5F_SCOPE_GLOBAL), "flush");
}

void SpikeFile::finish(const std::string& status, double t_reached_ms) {
  flush();
  write_status(file_, status, t_reached_ms);
  pops_.clear();
  file_.reset();
}

}  // namespace spikesim
