// Issue #24: SONATA output users can open: magic and version on every file, weights reports
// that name their populations, and with "output": {"circuit": true} the network itself as
// SONATA nodes and edges with type tables and configs.
#include <doctest/doctest.h>

#include "helpers.hpp"

using namespace spikesim;
using namespace spikesim::test;

namespace {

std::vector<uint32_t> attr_u32s(hid_t obj, const char* name) {
  H5Id a(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose);
  H5Id space(H5Aget_space(a), H5Sclose);
  std::vector<uint32_t> v(static_cast<size_t>(H5Sget_simple_extent_npoints(space)));
  H5Aread(a, H5T_NATIVE_UINT32, v.data());
  return v;
}

}  // namespace

TEST_CASE("SONATA: every output file has magic 0x0A7A and version 0.1, and the circuit has nodes, all edges, types and configs") {
  const fs::path dir = temp_dir("sonata");
  const std::string net = R"({"run": {"tstop": 50}, "output": {"circuit": true},
    "populations": {"exc": {"size": 40, "model": "lif_cond_exp", "params": {"I_e": 500}}, "in": {"size": 10, "model": "poisson", "params": {"rate": 20}}},
    "projections": [{"name": "ee", "source": "exc", "target": "exc", "connectivity": {"rule": "fixed_indegree", "indegree": 4}, "weight": 0.5, "delay": {"uniform": [1, 3]}},
                    {"name": "ie", "source": "in", "target": "exc", "connectivity": {"rule": "all_to_all"}, "weight": 1, "plasticity": {"rule": "stdp", "w_max": 3}}],
    "monitors": [{"type": "spikes"}, {"type": "state", "name": "v", "population": "exc", "variables": ["V_m"], "neurons": [0, 1]},
                 {"type": "weights", "projection": "ie", "synapses": [0, 5], "dt": 10}, {"type": "rates", "bin": 10}]})";
  const fs::path file = write_file(dir, "net.json", net);
  const fs::path out = dir / "out";
  const Proc p = run_cli({"run", file.string(), "-o", out.string(), "--quiet"});
  CAPTURE(p.err);
  REQUIRE(p.code == 0);
  for (const char* f : {"spikes.h5", "edges.h5", "v_V_m.h5", "ie_weights.h5", "rates.h5", "circuit/nodes.h5", "circuit/edges.h5"}) {
    CAPTURE(f);
    H5Id h = open_file(out / f);
    CHECK(attr_u32s(h, "magic") == std::vector<uint32_t>{0x0A7A});
    CHECK(attr_u32s(h, "version") == std::vector<uint32_t>{0, 1});
  }
  // The weights report names the populations its node ids belong to.
  {
    H5Id h = open_file(out / "ie_weights.h5");
    H5Id g(H5Gopen2(h, "/report/ie", H5P_DEFAULT), H5Gclose);
    CHECK(read_attr_string(g, "node_population") == "exc");
    CHECK(read_attr_string(g, "source_population") == "in");
    CHECK(read_attr_string(g, "edge_population") == "ie");
  }
  // Nodes: one group per population, node_type_id = the population's index.
  H5Id nodes = open_file(out / "circuit" / "nodes.h5");
  CHECK(read_u64(nodes, "/nodes/exc/node_id").size() == 40);
  const auto types = read_all<int64_t>(nodes, "/nodes/in/node_type_id", H5T_NATIVE_INT64);
  CHECK(types == std::vector<int64_t>(10, 1));
  CHECK(read_f64(nodes, "/nodes/exc/0/I_e") == std::vector<double>(40, 500.0));
  // Edges: the static projection too, at t = 0, with source/target populations named.
  H5Id edges = open_file(out / "circuit" / "edges.h5");
  const auto ee_tgt = read_u64(edges, "/edges/ee/target_node_id");
  CHECK(ee_tgt.size() == 160);  // indegree 4 x 40
  CHECK(read_f32(edges, "/edges/ee/0/syn_weight") == std::vector<float>(160, 0.5f));
  const auto delays = read_f64(edges, "/edges/ee/0/delay");
  for (double d : delays) CHECK((d >= 1.0 - 1e-9 && d <= 3.0 + 1e-9));
  CHECK(read_f32(edges, "/edges/ie/0/syn_weight") == std::vector<float>(400, 1.0f));  // initial, before STDP
  CHECK(read_all<int64_t>(edges, "/edges/ie/edge_type_id", H5T_NATIVE_INT64) == std::vector<int64_t>(400, 1));
  {
    H5Id ds(H5Dopen2(edges, "/edges/ee/source_node_id", H5P_DEFAULT), H5Dclose);
    CHECK(read_attr_string(ds, "node_population") == "exc");
  }
  // Type tables and configs.
  const std::string node_types = slurp(out / "circuit" / "node_types.csv");
  CHECK(node_types.find("node_type_id pop_name model_type model_template model_name\n0 exc point_neuron spikesim:lif_cond_exp") == 0);
  CHECK(node_types.find("1 in virtual spikesim:poisson poisson") != std::string::npos);
  const std::string edge_types = slurp(out / "circuit" / "edge_types.csv");
  CHECK(edge_types.find("0 ee exc exc ex static") != std::string::npos);
  CHECK(edge_types.find("1 ie in exc ex stdp") != std::string::npos);
  const json circuit = json::parse(slurp(out / "circuit" / "circuit_config.json"));
  CHECK(circuit["networks"]["nodes"][0]["nodes_file"] == "$BASE_DIR/nodes.h5");
  CHECK(circuit["networks"]["edges"][0]["edge_types_file"] == "$BASE_DIR/edge_types.csv");
  const json sim = json::parse(slurp(out / "simulation_config.json"));
  CHECK(sim["network"] == "circuit/circuit_config.json");
  CHECK(sim["output"]["spikes_file"] == "spikes.h5");
  CHECK(sim["run"]["tstop"] == 50.0);
  CHECK(sim["reports"]["ie"]["module"] == "synapse_report");
  // A second run without --overwrite is refused (the circuit files are outputs too).
  const Proc again = run_cli({"run", file.string(), "-o", out.string(), "--quiet"});
  CHECK(again.code == 2);
}
