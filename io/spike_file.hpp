#pragma once
// SONATA spike file: /spikes/<population>/{timestamps (float64, ms), node_ids (uint64)},
// sorted by time, streamed to disk in chunks while the run goes on. Each full chunk is
// shuffled and deflated (io/chunk_codec.hpp) and written with H5Dwrite_chunk. With a spare
// core (`helper`), the compression runs on a helper thread and does not hold up the step
// loop. Without one, it runs when the chunk is written, so it does not take a core from the
// simulation threads.
#include <deque>
#include <future>
#include <string>
#include <vector>

#include "core/archive.hpp"
#include "io/h5.hpp"

namespace spikesim {

class SpikeFile {
 public:
  SpikeFile(const std::string& path, const std::vector<std::string>& populations, const Provenance& prov,
            bool helper = true, const FileMode& mode = {});
  void add(size_t slot, double t_ms, const std::vector<uint32_t>& ids);  // slot: index in `populations`
  // Every 2 s: the compressed chunks, and (unless crash_safe) the unfinished chunk, then
  // flushes the file (readable up to here).
  void flush();
  void finish(const std::string& status, double t_reached_ms);
  // Checkpoints: saving flushes to disk and records each population's spikes so far;
  // loading (a file opened with `resume`) cuts the file back to them.
  void checkpoint(Archive& a, const std::string& k);

 private:
  struct Pop {
    H5Id group;
    AppendableDataset ts, ids;
    std::vector<double> tbuf;    // spikes after the last whole chunk handed over
    std::vector<uint64_t> ibuf;
    hsize_t handed = 0;          // rows given to the helper in whole chunks
  };
  struct Pending {               // one chunk being compressed
    size_t slot;
    hsize_t first;
    std::future<std::vector<uint8_t>> ts, ids;
  };
  void write_ready(bool wait);   // writes compressed chunks in order; all of them if `wait`
  void write_all();              // every chunk and the unfinished one (checkpoints, finish)
  H5Id file_;
  std::vector<Pop> pops_;
  std::deque<Pending> pending_;
  std::launch policy_;
  bool crash_safe_;
};

}  // namespace spikesim
