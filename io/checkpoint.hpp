#pragma once
// Checkpoint files (docs/checkpoints.md): a run's state as HDF5 datasets under /state/<key>
// (core/archive.hpp), with root attributes that say what it belongs to:
//   format "spikesim-checkpoint", format_version, spikesim_version, network (the resolved
//   network JSON), network_hash, step, t_ms, dt, engine ("cpu" | "device"), device,
//   checkpoint_every_ms.
// Written beside the target (NAME.tmp), synced to disk, then renamed over it, so a reader
// finds the previous checkpoint or the new one, whole, whatever happens meanwhile.
#include <cstdint>
#include <memory>
#include <string>

#include "core/archive.hpp"
#include "core/run.hpp"
#include "core/run_loop.hpp"
#include "core/spec.hpp"
#include "plasticity/network.hpp"

namespace spikesim {

constexpr uint32_t kCheckpointFormat = 1;

struct CheckpointHeader {
  uint32_t format_version = kCheckpointFormat;
  std::string spikesim_version, network_json, network_hash, engine, device;
  uint64_t step = 0;
  double t_ms = 0.0, dt = 0.0, every_ms = 0.0;
};

// The header of a run's checkpoints (step and time are set at each write).
CheckpointHeader checkpoint_header(const Network& net, const std::string& engine, const RunOptions& opt);

// What identifies a network for checkpoints: a hash of the resolved network JSON without
// run.tstop and output (a resumed run may go further and its folder may have moved).
std::string network_hash(const json& resolved);

// Writes checkpoints of one run to `path`; their size and write time are kept.
class CheckpointWriter final : public CheckpointSink {
 public:
  CheckpointWriter(std::string path, CheckpointHeader header) : path_(std::move(path)), header_(std::move(header)) {}
  void write(uint64_t n, const std::function<void(Archive&)>& fill) override;
  uint64_t last_bytes = 0;  // size of the last checkpoint file

 private:
  std::string path_;
  CheckpointHeader header_;
};

// An open checkpoint: its header (checked: format, version) and its arrays.
class CheckpointReader {
 public:
  explicit CheckpointReader(const std::string& path);  // throws CheckpointError
  ~CheckpointReader();
  const CheckpointHeader& header() const { return header_; }
  // Throws CheckpointError unless it can resume `net` on `engine`: same engine, dt and (with
  // `same_network`) network hash; a changed network is checked array by array as it loads.
  void check(const Network& net, const std::string& engine, bool same_network = true) const;
  Archive& archive() { return *archive_; }

 private:
  struct File;
  std::unique_ptr<File> file_;
  std::unique_ptr<Archive> archive_;
  CheckpointHeader header_;
  std::string path_;
};

// A new run's start from the state in net.spec.init_from (plasticity/network_state.hpp
// init_state): a checkpoint or a state saved with --save-state. Errors (no such file,
// nothing of the same name, sizes or rules that differ) are SpecErrors at /init_from.
void init_from_state(Network& net);

// The state of `net` after a run of `steps` steps (lazy weights settled), for "init_from".
void save_state(const std::string& path, Network& net, uint64_t steps);

}  // namespace spikesim
