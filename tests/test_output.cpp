// The HDF5 files read back: SONATA layout, dtypes and attributes; an interrupted run.
#include <doctest/doctest.h>

#include <csignal>
#include <thread>

#include "helpers.hpp"

using namespace spikesim;
using namespace spikesim::test;

namespace {

H5T_class_t type_class(hid_t ds_or_attr, bool is_attr, size_t* size = nullptr, H5T_sign_t* sign = nullptr) {
  H5Id t(is_attr ? H5Aget_type(ds_or_attr) : H5Dget_type(ds_or_attr), H5Tclose);
  if (size) *size = H5Tget_size(t);
  if (sign) *sign = H5Tget_sign(t);
  return H5Tget_class(t);
}

void check_dataset(hid_t parent, const std::string& name, H5T_class_t cls, size_t bytes, H5T_sign_t sign = H5T_SGN_ERROR) {
  CAPTURE(name);
  H5Id ds(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose);
  size_t size = 0;
  H5T_sign_t s;
  CHECK(type_class(ds, false, &size, &s) == cls);
  CHECK(size == bytes);
  if (sign != H5T_SGN_ERROR) CHECK(s == sign);
}

void check_units(hid_t parent, const std::string& ds_name, const std::string& units) {
  H5Id ds(H5Dopen2(parent, ds_name.c_str(), H5P_DEFAULT), H5Dclose);
  H5Id a(H5Aopen(ds, "units", H5P_DEFAULT), H5Aclose);
  H5Id t(H5Aget_type(a), H5Tclose);
  CHECK(H5Tget_class(t) == H5T_STRING);
  CHECK(H5Tis_variable_str(t) > 0);  // what h5py and libsonata read as str
  CHECK(H5Tget_cset(t) == H5T_CSET_UTF8);
  CHECK(read_attr_string(ds, "units") == units);
}

const char* kNet = R"({"run": {"tstop": 50, "dt": 0.1, "seed": 3},
  "populations": {"src": {"size": 20, "model": "poisson", "params": {"rate": 200}},
                  "n": {"size": 8, "model": "lif_cond_exp", "params": {"I_e": 400}}},
  "projections": [{"source": "src", "target": "n", "connectivity": {"rule": "all_to_all"}, "weight": 2, "delay": 1}],
  "monitors": [{"type": "spikes"},
               {"type": "state", "population": "n", "variables": ["V_m", "g_ex"], "neurons": [1, 5, 7], "dt": 0.5}]})";

}  // namespace

TEST_CASE("spike file: SONATA layout, dtypes, attributes and provenance") {
  fs::path dir;
  const RunResult r = run_text(kNet, nullptr, &dir);
  H5Id f = open_file(dir / "spikes.h5");
  {
    H5Id a(H5Aopen(f, "magic", H5P_DEFAULT), H5Aclose);
    uint32_t magic = 0;
    H5Aread(a, H5T_NATIVE_UINT32, &magic);
    CHECK(magic == 0x0A7A);
    H5Id v(H5Aopen(f, "version", H5P_DEFAULT), H5Aclose);
    uint32_t version[2] = {9, 9};
    H5Aread(v, H5T_NATIVE_UINT32, version);
    CHECK(version[0] == 0);
    CHECK(version[1] == 1);
  }
  CHECK(read_attr_string(f, "status") == "complete");
  CHECK(read_attr_string(f, "spikesim_version").size() > 0);
  const json prov = json::parse(read_attr_string(f, "network"));
  CHECK(prov["run"]["seed"] == 3);
  CHECK(prov["populations"]["n"]["params"]["I_e"] == 400);
  for (const char* pop : {"src", "n"}) {
    CAPTURE(pop);
    H5Id g(H5Gopen2(f, (std::string("/spikes/") + pop).c_str(), H5P_DEFAULT), H5Gclose);
    check_dataset(g, "timestamps", H5T_FLOAT, 8);
    check_dataset(g, "node_ids", H5T_INTEGER, 8, H5T_SGN_NONE);
    check_units(g, "timestamps", "ms");
    // sorting: an enum {none, by_id, by_time} over uint8, value by_time.
    H5Id a(H5Aopen(g, "sorting", H5P_DEFAULT), H5Aclose);
    H5Id t(H5Aget_type(a), H5Tclose);
    REQUIRE(H5Tget_class(t) == H5T_ENUM);
    CHECK(H5Tget_size(t) == 1);
    char name[16] = {};
    uint8_t value = 0;
    H5Aread(a, t, &value);
    H5Tenum_nameof(t, &value, name, sizeof name);
    CHECK(std::string(name) == "by_time");
    // Chunked and compressed, so it streams.
    H5Id ds(H5Dopen2(g, "timestamps", H5P_DEFAULT), H5Dclose);
    H5Id dcpl(H5Dget_create_plist(ds), H5Pclose);
    CHECK(H5Pget_layout(dcpl) == H5D_CHUNKED);
    CHECK(H5Pget_nfilters(dcpl) >= 1);
  }
  const auto [t, id] = read_spikes(dir / "spikes.h5", "n");
  CHECK(t.size() == r.spike_counts[1]);
  CHECK(std::is_sorted(t.begin(), t.end()));
  for (uint64_t i : id) CHECK(i < 8);
}

TEST_CASE("state report: SONATA frame layout with mapping and time") {
  fs::path dir;
  run_text(kNet, nullptr, &dir);
  H5Id f = open_file(dir / "n_V_m.h5");
  H5Id g(H5Gopen2(f, "/report/n", H5P_DEFAULT), H5Gclose);
  check_dataset(g, "data", H5T_FLOAT, 4);
  check_units(g, "data", "mV");
  // 50 ms at 0.5 ms: rows at t = 0, 0.5, ..., 49.5.
  CHECK(dims(g, "data") == std::vector<hsize_t>{100, 3});
  H5Id m(H5Gopen2(g, "mapping", H5P_DEFAULT), H5Gclose);
  check_dataset(m, "node_ids", H5T_INTEGER, 8, H5T_SGN_NONE);
  check_dataset(m, "index_pointers", H5T_INTEGER, 8, H5T_SGN_NONE);
  check_dataset(m, "index_pointer", H5T_INTEGER, 8, H5T_SGN_NONE);
  check_dataset(m, "element_ids", H5T_INTEGER, 4, H5T_SGN_NONE);
  check_units(m, "time", "ms");
  CHECK(read_u64(m, "node_ids") == std::vector<uint64_t>{1, 5, 7});
  CHECK(read_u64(m, "index_pointers") == std::vector<uint64_t>{0, 1, 2, 3});
  CHECK(read_f64(m, "time") == std::vector<double>{0.0, 50.0, 0.5});
  const auto v = read_f32(g, "data");
  CHECK(v[0] == doctest::Approx(-70.0));  // row 0 is the initial state, V_m = E_L
  H5Id ge = open_file(dir / "n_g_ex.h5");
  check_units(ge, "/report/n/data", "nS");
}

TEST_CASE("an interrupted run (SIGINT) leaves readable files marked interrupted, on the CPU and the emulated device") {
  // The device engine stops between chunks of steps and writes what it copied back.
  for (const std::string device : {"cpu", "emulate"}) {
    CAPTURE(device);
    const fs::path dir = temp_dir("sigint");
    const std::string out = (dir / "out").string();
    const pid_t pid = spawn_cli({"run", source_dir() + "/examples/coba.json", "--tstop", "1000000",
                                 "-o", out, "--overwrite", "--quiet", "--threads", "2", "--device", device},
                                dir);
    // The files exist once the network is built and the run starts; then let it run a while
    // (on a loaded machine building alone can take longer than a fixed wait).
    for (int i = 0; i < 30000 && !fs::exists(fs::path(out) / "spikes.h5"); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    kill(pid, SIGINT);
    const Proc p = wait_cli(pid, dir);
    CHECK(p.code == 128 + SIGINT);
    CHECK(p.err.find("interrupted") != std::string::npos);
    H5Id f = open_file(fs::path(out) / "spikes.h5");
    CHECK(read_attr_string(f, "status") == "interrupted");
    H5Id a(H5Aopen(f, "t_reached", H5P_DEFAULT), H5Aclose);
    double t_reached = 0;
    H5Aread(a, H5T_NATIVE_DOUBLE, &t_reached);
    CHECK(t_reached > 0);
    CHECK(t_reached < 1000000);
    const auto t = read_f64(f, "/spikes/exc/timestamps");
    REQUIRE(!t.empty());
    CHECK(t.back() <= t_reached + 1e-9);
    CHECK(read_u64(f, "/spikes/exc/node_ids").size() == t.size());
    // ~20 Hz * 3200 neurons: spikes up to the stop, not only a first chunk (at least 1,280
    // expected from 20 ms on, far from the noise).
    if (t_reached >= 20) CHECK(static_cast<double>(t.size()) > 0.5 * 20 * 3200 * t_reached * 1e-3);
    H5Id r = open_file(fs::path(out) / "exc_V_m.h5");
    CHECK(read_attr_string(r, "status") == "interrupted");
    const auto time = read_f64(r, "/report/exc/mapping/time");
    CHECK(dims(r, "/report/exc/data")[0] == static_cast<hsize_t>(std::llround(time[1] / time[2])));
  }
}

TEST_CASE("spike file with several compressed chunks (helper-thread deflate) reads back whole and in order") {
  // 1000 Poisson sources at 1 kHz for 200 ms: about 200,000 spikes, three whole chunks of
  // 65,536 compressed off the simulation thread, and a partial one at the end.
  const std::string net = R"({"run": {"tstop": 200, "dt": 0.1, "seed": 4},
    "populations": {"p": {"size": 1000, "model": "poisson", "params": {"rate": 1000.0}}},
    "monitors": [{"type": "spikes", "populations": ["p"]}]})";
  fs::path dir;
  const RunResult r = run_text(net, nullptr, &dir);
  REQUIRE(r.spike_counts[0] > 3 * 65536);
  const auto [t, id] = read_spikes(dir / "spikes.h5", "p");
  REQUIRE(t.size() == r.spike_counts[0]);
  for (size_t k = 0; k < t.size(); ++k) {
    REQUIRE(id[k] < 1000);
    REQUIRE(std::fabs(t[k] / 0.1 - std::round(t[k] / 0.1)) < 1e-6);  // on the step grid
    if (k > 0) {
      REQUIRE(t[k] >= t[k - 1]);
      if (t[k] == t[k - 1]) REQUIRE(id[k] > id[k - 1]);  // ascending ids within a step
    }
  }
  CHECK(t.back() <= 200.0);
}
