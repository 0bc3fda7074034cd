#include "io/checkpoint.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "build_info.hpp"
#include "core/error.hpp"
#include "io/h5.hpp"
#include "plasticity/network_state.hpp"

namespace spikesim {

namespace {

template <class T> hid_t mem_type();
template <> hid_t mem_type<float>() { return H5T_NATIVE_FLOAT; }
template <> hid_t mem_type<double>() { return H5T_NATIVE_DOUBLE; }
template <> hid_t mem_type<uint8_t>() { return H5T_NATIVE_UINT8; }
template <> hid_t mem_type<uint16_t>() { return H5T_NATIVE_UINT16; }
template <> hid_t mem_type<uint32_t>() { return H5T_NATIVE_UINT32; }
template <> hid_t mem_type<int32_t>() { return H5T_NATIVE_INT32; }
template <> hid_t mem_type<uint64_t>() { return H5T_NATIVE_UINT64; }
template <> hid_t mem_type<int64_t>() { return H5T_NATIVE_INT64; }

// The arrays of /state: datasets written as they come, or read by name.
class H5Archive final : public Archive {
 public:
  H5Archive(hid_t file, bool loading, std::string what) : file_(file), loading_(loading), what_(std::move(what)) {}
  bool loading() const override { return loading_; }
  bool has(const std::string& k) const override { return h5_exists(file_, "/state/" + k); }
  void array(const std::string& k, std::vector<float>& v) override { io(k, v); }
  void array(const std::string& k, std::vector<double>& v) override { io(k, v); }
  void array(const std::string& k, std::vector<uint8_t>& v) override { io(k, v); }
  void array(const std::string& k, std::vector<uint16_t>& v) override { io(k, v); }
  void array(const std::string& k, std::vector<uint32_t>& v) override { io(k, v); }
  void array(const std::string& k, std::vector<int32_t>& v) override { io(k, v); }
  void array(const std::string& k, std::vector<uint64_t>& v) override { io(k, v); }
  void array(const std::string& k, std::vector<int64_t>& v) override { io(k, v); }

 private:
  template <class T>
  void io(const std::string& k, std::vector<T>& v) {
    const std::string path = "/state/" + k;
    if (loading_) {
      if (!has(k)) throw CheckpointError(what_ + " has no " + k + " (another network, engine or version wrote it)");
      v = h5_read_vector<T>(file_, path, mem_type<T>());
      return;
    }
    H5Id lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
    h5_check(H5Pset_create_intermediate_group(lcpl, 1), "group property");
    const hsize_t n = v.size();
    H5Id space(H5Screate_simple(1, &n, nullptr), H5Sclose);
    H5Id ds(H5Dcreate2(file_, path.c_str(), mem_type<T>(), space, lcpl, H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
    if (n) h5_check(H5Dwrite(ds, mem_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "write " + path);
  }
  hid_t file_;
  bool loading_;
  std::string what_;
};

void sync_path(const std::string& path, bool dir) {
  const int fd = ::open(path.c_str(), dir ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

std::string network_hash(const json& resolved) {
  json j = resolved;
  j.erase("output");
  if (j.contains("run") && j["run"].is_object()) j["run"].erase("tstop");
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : j.dump()) h = (h ^ c) * 1099511628211ull;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

CheckpointHeader checkpoint_header(const Network& net, const std::string& engine, const RunOptions& opt) {
  CheckpointHeader h;
  h.spikesim_version = SPIKESIM_VERSION;
  h.network_json = net.spec.resolved.dump();
  h.network_hash = network_hash(net.spec.resolved);
  h.engine = engine;
  h.device = opt.device == Device::kCpu ? "cpu" : opt.device == Device::kCuda ? "cuda" : "emulate";
  h.dt = net.spec.run.dt;
  h.every_ms = opt.checkpoint_every_ms;
  return h;
}

void CheckpointWriter::write(uint64_t n, const std::function<void(Archive&)>& fill) {
  const std::string tmp = path_ + ".tmp";
  {
    H5Id f = h5_create_file(tmp);
    CheckpointHeader h = header_;
    h.step = n;
    h.t_ms = static_cast<double>(n) * h.dt;
    attr_string(f, "format", "spikesim-checkpoint");
    attr_u32(f, "format_version", {h.format_version});
    attr_string(f, "spikesim_version", h.spikesim_version);
    attr_string(f, "network", h.network_json);
    attr_string(f, "network_hash", h.network_hash);
    attr_string(f, "engine", h.engine);
    attr_string(f, "device", h.device);
    attr_u64(f, "step", h.step);
    attr_f64(f, "t_ms", {h.t_ms});
    attr_f64(f, "dt", {h.dt});
    attr_f64(f, "checkpoint_every_ms", {h.every_ms});
    H5Archive a(f, false, tmp);
    fill(a);
  }
  sync_path(tmp, false);
  std::error_code ec;
  std::filesystem::rename(tmp, path_, ec);
  if (ec) throw RunError("cannot rename " + tmp + " to " + path_ + ": " + ec.message());
  sync_path(std::filesystem::path(path_).parent_path().string(), true);
  last_bytes = std::filesystem::file_size(path_);
}

struct CheckpointReader::File {
  H5Id id;
};

CheckpointReader::CheckpointReader(const std::string& path) : file_(std::make_unique<File>()), path_(path) {
  if (!std::filesystem::is_regular_file(path)) throw CheckpointError("no checkpoint " + path);
  try {
    file_->id = h5_open_read(path);
  } catch (const RunError&) {
    throw CheckpointError(path + " is not a readable HDF5 file");
  }
  const hid_t f = file_->id;
  auto str = [&](const char* name) {
    try {
      return h5_read_attr_string(f, name);
    } catch (const RunError& e) {
      throw CheckpointError(path + " is not a spikesim checkpoint: " + e.what());
    }
  };
  if (str("format") != "spikesim-checkpoint") throw CheckpointError(path + " is not a spikesim checkpoint");
  auto num = [&](const char* name) {
    double x = 0;
    if (H5Aexists(f, name) <= 0) throw CheckpointError(path + ": no attribute " + name);
    H5Id at(H5Aopen(f, name, H5P_DEFAULT), H5Aclose);
    h5_check(H5Aread(at, H5T_NATIVE_DOUBLE, &x), name);
    return x;
  };
  header_.format_version = static_cast<uint32_t>(num("format_version"));
  header_.spikesim_version = str("spikesim_version");
  if (header_.format_version != kCheckpointFormat)
    throw CheckpointError(path + ": checkpoint format " + std::to_string(header_.format_version) + ", this spikesim reads format " +
                          std::to_string(kCheckpointFormat));
  if (header_.spikesim_version != SPIKESIM_VERSION)
    throw CheckpointError(path + ": written by spikesim " + header_.spikesim_version + ", this is " + SPIKESIM_VERSION +
                          " (a checkpoint resumes with the version that wrote it)");
  header_.network_json = str("network");
  header_.network_hash = str("network_hash");
  header_.engine = str("engine");
  header_.device = str("device");
  header_.step = static_cast<uint64_t>(num("step"));
  header_.t_ms = num("t_ms");
  header_.dt = num("dt");
  header_.every_ms = num("checkpoint_every_ms");
  archive_ = std::make_unique<H5Archive>(f, true, path);
}

CheckpointReader::~CheckpointReader() = default;

void CheckpointReader::check(const Network& net, const std::string& engine, bool same_network) const {
  const std::string& path = path_;
  if (header_.engine != engine)
    throw CheckpointError(path + " holds the " + header_.engine + " engine's state; resume it with --device " +
                          (header_.engine == "cpu" ? std::string("cpu") : "cuda or --device emulate"));
  const std::string hash = network_hash(net.spec.resolved);
  if (same_network && header_.network_hash != hash)
    throw CheckpointError(path + " was written by another network (hash " + header_.network_hash + ", this one " + hash + ")");
  if (header_.dt != net.spec.run.dt) throw CheckpointError(path + " was written with another dt");
}

void init_from_state(Network& net) {
  const std::string& path = net.spec.init_from;
  try {
    CheckpointReader r(path);
    const std::vector<std::string> got = init_state(net, r.archive(), r.header().step);
    if (got.empty()) throw CheckpointError(path + " holds no population or projection with a name of this network");
  } catch (const CheckpointError& e) {
    throw SpecError("/init_from", e.what());
  }
}

void save_state(const std::string& path, Network& net, uint64_t steps) {
  // not resumable ("saved-state"): no delay rings, lazy weights settled
  CheckpointWriter(path, checkpoint_header(net, "saved-state", RunOptions{})).write(steps, [&](Archive& a) { network_state(net, a, false); });
}

}  // namespace spikesim
