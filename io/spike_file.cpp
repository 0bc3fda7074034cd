#include "io/spike_file.hpp"

#include <chrono>

#include "io/chunk_codec.hpp"

namespace spikesim {

namespace {
constexpr size_t kChunk = 1 << 16;  // spikes per chunk
constexpr int kLevel = 1;           // deflate level, as io/h5.cpp gives every dataset
}

SpikeFile::SpikeFile(const std::string& path, const std::vector<std::string>& populations, const Provenance& prov,
                     bool helper, const FileMode& mode)
    : file_(h5_open_output(path, mode)), policy_(helper ? std::launch::async : std::launch::deferred),
      crash_safe_(mode.crash_safe) {
  const bool resume = mode.resume;
  if (!resume) {
    write_provenance(file_, prov);
  }
  for (const auto& name : populations) {
    Pop p;
    p.group = h5_group(file_, "/spikes/" + name, resume);
    if (resume) {
      p.ts = AppendableDataset(p.group, "timestamps", H5T_NATIVE_DOUBLE);
      p.ids = AppendableDataset(p.group, "node_ids", H5T_NATIVE_UINT64);
    } else {
      attr_sorting(p.group, 2);  // by_time: spikes are appended in time order
      p.ts = AppendableDataset(p.group, "timestamps", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, 0, kChunk);
      attr_string(p.ts.id(), "units", "ms");
      p.ids = AppendableDataset(p.group, "node_ids", H5T_NATIVE_UINT64, H5T_STD_U64LE, 0, kChunk);
    }
    pops_.push_back(std::move(p));
  }
  h5_check(H5Fflush(file_, H5F_SCOPE_GLOBAL), "flush");
}

void SpikeFile::checkpoint(Archive& a, const std::string& k) {
  if (!a.loading()) write_all();
  std::vector<AppendableDataset*> ds;
  for (Pop& p : pops_) ds.insert(ds.end(), {&p.ts, &p.ids});
  dataset_positions(a, k, file_, ds);
  if (!a.loading()) return;
  for (Pop& p : pops_) {  // whole chunks stay; the last one's spikes are buffered again
    p.handed = p.ts.rows() / kChunk * kChunk;
    p.tbuf.resize(p.ts.rows() - p.handed);
    p.ibuf.resize(p.ids.rows() - p.handed);
    p.ts.read(p.handed, p.tbuf.size(), p.tbuf.data());
    p.ids.read(p.handed, p.ibuf.size(), p.ibuf.data());
  }
}

void SpikeFile::add(size_t slot, double t_ms, const std::vector<uint32_t>& ids) {
  Pop& p = pops_[slot];
  p.tbuf.insert(p.tbuf.end(), ids.size(), t_ms);
  p.ibuf.insert(p.ibuf.end(), ids.begin(), ids.end());
  if (p.tbuf.size() >= kChunk) {
    std::vector<double> t(p.tbuf.begin(), p.tbuf.begin() + kChunk);
    std::vector<uint64_t> n(p.ibuf.begin(), p.ibuf.begin() + kChunk);
    p.tbuf.erase(p.tbuf.begin(), p.tbuf.begin() + kChunk);
    p.ibuf.erase(p.ibuf.begin(), p.ibuf.begin() + kChunk);
    auto pack = [](auto v) { return shuffle_deflate(v.data(), v.size(), sizeof(v[0]), kLevel); };
    pending_.push_back({slot, p.handed, std::async(policy_, pack, std::move(t)), std::async(policy_, pack, std::move(n))});
    p.handed += kChunk;
  }
  write_ready(false);
}

void SpikeFile::write_ready(bool wait) {
  using namespace std::chrono_literals;
  while (!pending_.empty()) {
    Pending& c = pending_.front();
    // (a deferred chunk reports "deferred" and is compressed by get() below)
    if (!wait && (c.ts.wait_for(0s) == std::future_status::timeout || c.ids.wait_for(0s) == std::future_status::timeout))
      return;
    Pop& p = pops_[c.slot];
    p.ts.write_chunk(c.first, kChunk, c.ts.get());
    p.ids.write_chunk(c.first, kChunk, c.ids.get());
    pending_.pop_front();
  }
}

void SpikeFile::write_all() {
  write_ready(true);
  // The unfinished chunk goes through HDF5's filters; it stays buffered, and is rewritten
  // whole once it is full.
  for (auto& p : pops_) {
    p.ts.write_at(p.handed, p.tbuf.data(), p.tbuf.size());
    p.ids.write_at(p.handed, p.ibuf.data(), p.ibuf.size());
  }
}

void SpikeFile::flush() {
  if (crash_safe_) write_ready(true);
  else write_all();
  h5_check(H5Fflush(file_, H5F_SCOPE_GLOBAL), "flush");
}

void SpikeFile::finish(const std::string& status, double t_reached_ms) {
  write_all();
  write_status(file_, status, t_reached_ms);
  pops_.clear();
  file_.reset();
}

}  // namespace spikesim
