// The circuit: with "output": {"circuit": true}, the network as built (t = 0) in SONATA form in
// OUT/circuit/, so that bmtk- and libsonata-style readers find nodes, edges and types:
//   nodes.h5        /nodes/POP/{node_type_id, node_group_id, node_group_index}, group 0 with
//                   the model's parameters (one value per neuron)
//   edges.h5        /edges/PROJ/... for every projection, static ones too (initial weights,
//                   delays in ms; edge_type_id = the projection's index)
//   node_types.csv, edge_types.csv   space-separated, one type per population / projection
//   circuit_config.json             the files above
// and OUT/simulation_config.json (run, output files, the circuit). docs/formats.md describes it.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <numeric>

#include "core/neuron_params.hpp"
#include "io/edges_file.hpp"
#include "io/monitors.hpp"
#include "io/parse_monitor.hpp"
#include "neurons/models.hpp"
#include "plasticity/plasticity.hpp"

namespace spikesim {

namespace {

namespace fs = std::filesystem;

void write_nodes(const std::string& path, const Network& net, const Provenance& prov) {
  H5Id file = h5_create_file(path);
  write_provenance(file, prov);
  for (size_t k = 0; k < net.pops.size(); ++k) {
    const Population& p = net.pops[k];
    const PopulationSpec& s = net.spec.populations[k];
    H5Id g = h5_create_group(file, "/nodes/" + p.name);
    write_vector_pieces<int64_t>(g, "node_type_id", H5T_NATIVE_INT64, H5T_STD_I64LE, p.size,
                                 [k](uint64_t, uint64_t count, int64_t* out) { std::fill(out, out + count, static_cast<int64_t>(k)); });
    write_vector_pieces<uint64_t>(g, "node_id", H5T_NATIVE_UINT64, H5T_STD_U64LE, p.size,
                                  [](uint64_t first, uint64_t count, uint64_t* out) { std::iota(out, out + count, first); });
    write_vector_pieces<uint32_t>(g, "node_group_id", H5T_NATIVE_UINT32, H5T_STD_U32LE, p.size,
                                  [](uint64_t, uint64_t count, uint32_t* out) { std::fill(out, out + count, 0u); });
    write_vector_pieces<uint64_t>(g, "node_group_index", H5T_NATIVE_UINT64, H5T_STD_U64LE, p.size,
                                  [](uint64_t first, uint64_t count, uint64_t* out) { std::iota(out, out + count, first); });
    H5Id g0 = h5_create_group(g, "0");
    NeuronParams np(s, net.spec.run.seed, static_cast<uint32_t>(k));
    for (const auto& [name, value] : s.params)  // per neuron, as SONATA's group attributes are
      write_vector_pieces<double>(g0, name, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, p.size,
                                  [&, v = value, n = name](uint64_t first, uint64_t count, double* out) {
                                    if (s.varied.empty()) std::fill(out, out + count, v);
                                    else
                                      for (uint64_t j = 0; j < count; ++j) out[j] = np.value(n, static_cast<uint32_t>(first + j));
                                  });
  }
  write_status(file, "complete", 0.0);
}

void write_all_edges(const std::string& path, const Network& net, const Provenance& prov) {
  std::vector<size_t> all(net.projs.size());
  std::iota(all.begin(), all.end(), size_t{0});
  write_edges(path, net, all, prov, "complete", 0.0);
}

void write_types(const std::string& dir, const Network& net) {
  std::ofstream nodes(dir + "/node_types.csv");
  nodes << "node_type_id pop_name model_type model_template model_name\n";
  for (size_t k = 0; k < net.pops.size(); ++k) {
    const Population& p = net.pops[k];
    const bool source = p.model == Model::kPoisson || p.model == Model::kSpikeGenerator;
    nodes << k << ' ' << p.name << ' ' << (source ? "virtual" : "point_neuron") << " spikesim:" << model_info(p.model).name << ' '
          << model_info(p.model).name << '\n';
  }
  std::ofstream edges(dir + "/edge_types.csv");
  edges << "edge_type_id edge_population source_population target_population receptor plasticity\n";
  for (size_t k = 0; k < net.projs.size(); ++k) {
    const Projection& p = net.projs[k];
    edges << k << ' ' << p.name << ' ' << net.pops[p.source].name << ' ' << net.pops[p.target].name << ' '
          << (p.receptor == kReceptorEx ? "ex" : "in") << ' ' << (p.plastic ? p.plastic->rule : "static") << '\n';
  }
}

class CircuitMonitor final : public Monitor {
 public:
  explicit CircuitMonitor(const MonitorContext& c) {
    const std::string dir = c.path("circuit");
    fs::create_directories(dir);
    for (const char* f : {"nodes.h5", "edges.h5", "node_types.csv", "edge_types.csv", "circuit_config.json"})
      files.push_back(dir + "/" + f);
    files.push_back(c.path("simulation_config.json"));
    if (c.mode.resume) return;  // written at t = 0 by the run a resume continues
    write_nodes(dir + "/nodes.h5", c.net, c.prov);
    write_all_edges(dir + "/edges.h5", c.net, c.prov);
    write_types(dir, c.net);
    const json circuit = {
        {"manifest", {{"$BASE_DIR", "."}}},
        {"components", json::object()},
        {"networks",
         {{"nodes", json::array({{{"nodes_file", "$BASE_DIR/nodes.h5"}, {"node_types_file", "$BASE_DIR/node_types.csv"}}})},
          {"edges", json::array({{{"edges_file", "$BASE_DIR/edges.h5"}, {"edge_types_file", "$BASE_DIR/edge_types.csv"}}})}}}};
    std::ofstream(dir + "/circuit_config.json") << circuit.dump(2) << '\n';
    const NetworkSpec& s = c.net.spec;
    json reports = json::object();
    for (const auto& m : s.states)
      for (const auto& v : m.variables)
        reports[m.name + "_" + v] = {{"module", "membrane_report"}, {"variable_name", v}, {"cells", s.populations[m.population].name},
                                     {"file_name", m.file_name(v)}, {"dt", m.dt}};
    for (const auto& m : s.weights)
      reports[m.name] = {{"module", m.snapshot_steps.empty() ? "synapse_report" : "edges_snapshots"},
                         {"variable_name", "syn_weight"}, {"edges", s.projections[m.projection].name}, {"file_name", m.file_name()}};
    const json sim = {
        {"manifest", {{"$OUTPUT_DIR", "."}}},
        {"target_simulator", "spikesim"},
        {"run", {{"tstop", s.run.tstop}, {"dt", s.run.dt}}},
        {"conditions", {{"seed", s.run.seed}}},
        {"network", "circuit/circuit_config.json"},
        {"output", {{"output_dir", "$OUTPUT_DIR"}, {"spikes_file", s.output.spikes_file}, {"spikes_sort_order", "time"}}},
        {"reports", reports}};
    std::ofstream(c.path("simulation_config.json")) << sim.dump(2) << '\n';
  }
  void finish(const RunEnd&) override {}
};

}  // namespace

void open_circuit_monitors(const MonitorContext& c, MonitorList& out) {
  if (c.net.spec.output.circuit) out.push_back(std::make_unique<CircuitMonitor>(c));
}

void parse_circuit_monitor(JObj& o, NetworkSpec&, MonitorFiles&) {
  fail_msg(o.at("type"), "the circuit is written with \"output\": {\"circuit\": true}, expected another monitor type");
}

}  // namespace spikesim
