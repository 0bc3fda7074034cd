#pragma once
// Test helpers: build networks from JSON text, run the real binary, read HDF5 back.
#include <hdf5.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "io/edges_file.hpp"
#include "plasticity/network.hpp"
#include "protocols/simulate.hpp"
#include "io/h5.hpp"

namespace spikesim::test {

namespace fs = std::filesystem;

// The source tree and the spikesim binary the tests use: where CMake configured them, unless
// the environment names others (a copy of the tree on another machine, as the GPU checks of
// bench/gpu_checks.sh run them: SPIKESIM_SOURCE_DIR, SPIKESIM_BINARY).
inline std::string source_dir() {
  const char* env = std::getenv("SPIKESIM_SOURCE_DIR");
  return env && *env ? env : SPIKESIM_SOURCE_DIR;
}
inline const char* spikesim_binary() {
  const char* env = std::getenv("SPIKESIM_BINARY");
  return env && *env ? env : SPIKESIM_BINARY;
}

inline fs::path temp_dir(const std::string& tag) {
  static std::atomic<int> counter{0};
  const fs::path p = fs::temp_directory_path() /
                     ("spikesim_test_" + tag + "_" + std::to_string(getpid()) + "_" + std::to_string(counter++));
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

inline Network network_from(const std::string& text) { return build_network(parse_network_text(text)); }

// Parses, builds and runs `text` with `opt` (through `launcher` where given) and its output
// under a fresh temporary folder.
inline RunResult run_text_with(const std::string& text, const RunOptions& opt, Network* keep = nullptr,
                               fs::path* out_dir = nullptr, Launcher* launcher = nullptr) {
  NetworkSpec spec = parse_network_text(text);
  const fs::path dir = temp_dir("run");
  spec.output.dir = dir.string();
  Network net = build_network(std::move(spec));
  RunResult r = launcher ? simulate(net, opt, *launcher) : simulate(net, opt);
  if (keep) *keep = std::move(net);
  if (out_dir) *out_dir = dir;
  return r;
}

inline RunResult run_text(const std::string& text, Network* keep = nullptr, fs::path* out_dir = nullptr,
                          int threads = 1) {
  RunOptions opt;
  opt.threads = threads;
  return run_text_with(text, opt, keep, out_dir);
}

struct Proc {
  int code = -1;  // exit code, or -signal when killed
  std::string out, err;
};

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Starts the spikesim binary; returns its pid. Output goes to files under `dir`.
inline pid_t spawn_cli(const std::vector<std::string>& args, const fs::path& dir) {
  std::fflush(stdout);  // or the child writes the parent's buffered output again
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string out = (dir / "stdout.txt").string(), err = (dir / "stderr.txt").string();
    if (!freopen(out.c_str(), "w", stdout) || !freopen(err.c_str(), "w", stderr)) _exit(99);
    std::vector<char*> argv{const_cast<char*>(spikesim_binary())};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(spikesim_binary(), argv.data());
    _exit(98);
  }
  return pid;
}

inline Proc wait_cli(pid_t pid, const fs::path& dir) {
  int status = 0;
  waitpid(pid, &status, 0);
  Proc p;
  p.code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  p.out = slurp(dir / "stdout.txt");
  p.err = slurp(dir / "stderr.txt");
  return p;
}

inline Proc run_cli(const std::vector<std::string>& args) {
  const fs::path dir = temp_dir("cli");
  return wait_cli(spawn_cli(args, dir), dir);
}

inline fs::path write_file(const fs::path& dir, const std::string& name, const std::string& text) {
  const fs::path p = dir / name;
  std::ofstream(p) << text;
  return p;
}

// --- HDF5 reading ---
inline H5Id open_file(const fs::path& p) {
  return H5Id(H5Fopen(p.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
}

template <class T>
std::vector<T> read_all(hid_t file, const std::string& path, hid_t mem_type) {
  return h5_read_vector<T>(file, path, mem_type);
}

inline std::vector<double> read_f64(hid_t f, const std::string& p) { return read_all<double>(f, p, H5T_NATIVE_DOUBLE); }
inline std::vector<uint64_t> read_u64(hid_t f, const std::string& p) { return read_all<uint64_t>(f, p, H5T_NATIVE_UINT64); }
inline std::vector<float> read_f32(hid_t f, const std::string& p) { return read_all<float>(f, p, H5T_NATIVE_FLOAT); }

inline std::vector<hsize_t> dims(hid_t file, const std::string& path) {
  H5Id ds(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose);
  H5Id space(H5Dget_space(ds), H5Sclose);
  std::vector<hsize_t> d(static_cast<size_t>(H5Sget_simple_extent_ndims(space)));
  H5Sget_simple_extent_dims(space, d.data(), nullptr);
  return d;
}

inline std::string read_attr_string(hid_t obj, const std::string& name) { return h5_read_attr_string(obj, name); }

// Spike trains of one population in a spikes file: (times, ids).
inline std::pair<std::vector<double>, std::vector<uint64_t>> read_spikes(const fs::path& file, const std::string& pop) {
  H5Id f = open_file(file);
  return {read_f64(f, "/spikes/" + pop + "/timestamps"), read_u64(f, "/spikes/" + pop + "/node_ids")};
}

}  // namespace spikesim::test
