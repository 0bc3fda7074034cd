#include "io/edges_file.hpp"

#include <algorithm>
#include <filesystem>
#include <numeric>

#include "io/checkpoint.hpp"
#include "neurons/models.hpp"

namespace spikesim {

namespace {

void name_population(hid_t g, const std::string& name, const std::string& node_pop) {
  H5Id ds(H5Dopen2(g, name.c_str(), H5P_DEFAULT), H5Dclose);
  attr_string(ds, "node_population", node_pop);
}

// A column of `expected` values; anything else (a group, another length, another rank) is
// refused at `ptr` before a byte is read: a small file may declare 2^31 values.
template <class T>
std::vector<T> read_column(hid_t file, const std::string& path, hid_t mem_type, const std::string& ptr,
                           const std::string& file_name, uint64_t expected) {
  const std::string what = "edges file " + file_name + " ";
  if (!h5_exists(file, path))
    fail_msg(ptr, what + "has no dataset " + path + ", expected a SONATA edges file written by spikesim");
  hid_t id;
  H5E_BEGIN_TRY { id = H5Dopen2(file, path.c_str(), H5P_DEFAULT); } H5E_END_TRY;
  if (id < 0) fail_msg(ptr, what + "has " + path + " but it is not a dataset, expected a SONATA edges file written by spikesim");
  H5Id ds(id, H5Dclose);
  H5Id space(H5Dget_space(ds), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space);
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  if (rank != 1 || n < 0 || static_cast<uint64_t>(n) != expected)
    fail_msg(ptr, what + "holds " + (rank == 1 ? std::to_string(n) + " values" : std::to_string(rank) + "-dimensional data") +
                      " in " + path + ", expected " + std::to_string(expected) +
                      " (one per synapse: the same connectivity and seed as the run that wrote it)");
  return h5_read_vector<T>(file, path, mem_type);
}

}  // namespace

void write_edge_columns(hid_t g, const Network& net, const Projection& p) {
  const Csr& c = p.csr;
  const uint64_t n = c.size();
  // Columns are written in pieces: a plastic run's peak memory stays that of its synapses.
  write_vector_pieces<uint64_t>(g, "source_node_id", H5T_NATIVE_UINT64, H5T_STD_U64LE, n,
                                [&](uint64_t first, uint64_t count, uint64_t* out) {
                                  uint64_t j = std::upper_bound(c.row_ptr.begin(), c.row_ptr.end(), first) - c.row_ptr.begin() - 1;
                                  for (uint64_t k = first; k < first + count; ++k) {
                                    while (c.row_ptr[j + 1] <= k) ++j;
                                    out[k - first] = j;
                                  }
                                });
  name_population(g, "source_node_id", net.pops[p.source].name);
  write_vector_pieces<uint64_t>(g, "target_node_id", H5T_NATIVE_UINT64, H5T_STD_U64LE, n,
                                [&](uint64_t first, uint64_t count, uint64_t* out) {
                                  std::copy(c.target.begin() + first, c.target.begin() + first + count, out);
                                });
  name_population(g, "target_node_id", net.pops[p.target].name);
  write_vector_pieces<uint64_t>(g, "edge_group_index", H5T_NATIVE_UINT64, H5T_STD_U64LE, n,
                                [](uint64_t first, uint64_t count, uint64_t* out) { std::iota(out, out + count, first); });
  write_vector_pieces<int64_t>(g, "edge_type_id", H5T_NATIVE_INT64, H5T_STD_I64LE, n,
                               [type = static_cast<int64_t>(&p - net.projs.data())](uint64_t, uint64_t count, int64_t* out) {
                                 std::fill(out, out + count, type);  // the projection's index (circuit/edge_types.csv)
                               });
  write_vector_pieces<uint32_t>(g, "edge_group_id", H5T_NATIVE_UINT32, H5T_STD_U32LE, n,
                                [](uint64_t, uint64_t count, uint32_t* out) { std::fill(out, out + count, 0u); });
}

void write_edge_weights(hid_t g, const std::string& group, const Network& net, const Projection& p, bool delays) {
  const Csr& c = p.csr;
  const uint64_t n = c.size();
  H5Id g0 = h5_create_group(g, group);
  write_vector(g0, "syn_weight", H5T_NATIVE_FLOAT, H5T_IEEE_F32LE, c.weight.data(), n);
  H5Id wds(H5Dopen2(g0, "syn_weight", H5P_DEFAULT), H5Dclose);
  attr_string(wds, "units", weight_unit(net.pops[p.target].model));
  if (!delays) return;
  const double dt = net.spec.run.dt;
  write_vector_pieces<double>(g0, "delay", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, n, [&](uint64_t first, uint64_t count, double* out) {
    for (uint64_t k = first; k < first + count; ++k) out[k - first] = (c.delay.empty() ? c.delay_min : c.delay[k]) * dt;
  });
  H5Id dds(H5Dopen2(g0, "delay", H5P_DEFAULT), H5Dclose);
  attr_string(dds, "units", "ms");
}

void write_edges(const std::string& path, const Network& net, const std::vector<size_t>& projections,
                 const Provenance& prov, const std::string& status, double t_reached_ms) {
  H5Id file = h5_create_file(path);
  write_provenance(file, prov);
  for (size_t idx : projections) {
    const Projection& p = net.projs[idx];
    H5Id g = h5_create_group(file, "/edges/" + p.name);
    write_edge_columns(g, net, p);
    write_edge_weights(g, "0", net, p, true);
  }
  write_status(file, status, t_reached_ms);
}

void load_weights(const std::string& path, const std::string& name, Projection& proj, const std::string& ptr) {
  if (!std::filesystem::is_regular_file(path)) fail_msg(ptr, "cannot open \"" + path + "\", expected an existing SONATA edges file");
  if (H5Fis_hdf5(path.c_str()) <= 0) fail_msg(ptr, "\"" + path + "\" is not an HDF5 file, expected a SONATA edges file");
  H5Id file = h5_open_read(path);
  const std::string base = "/edges/" + name;
  const Csr& c = proj.csr;
  const auto src = read_column<uint64_t>(file, base + "/source_node_id", H5T_NATIVE_UINT64, ptr, path, c.size());
  const auto tgt = read_column<uint64_t>(file, base + "/target_node_id", H5T_NATIVE_UINT64, ptr, path, c.size());
  const auto w = read_column<float>(file, base + "/0/syn_weight", H5T_NATIVE_FLOAT, ptr, path, c.size());
  for (uint32_t j = 0; j < c.rows(); ++j)
    for (uint64_t k = c.row_ptr[j]; k < c.row_ptr[j + 1]; ++k)
      if (src[k] != j || tgt[k] != c.target[k])
        fail_msg(ptr, path + " row " + std::to_string(k) + " connects " + std::to_string(src[k]) + " -> " +
                          std::to_string(tgt[k]) + ", expected " + std::to_string(j) + " -> " +
                          std::to_string(c.target[k]) + " (the same connectivity and seed as the run that wrote it)");
  proj.csr.weight = w;
}

Network build_network(NetworkSpec spec, const RankPart* part) {
  if (part && !part->whole() && !spec.init_from.empty())
    throw SpecError("/init_from", "\"init_from\" in a run of one rank (not yet read by a distributed run)");
  Network net = build_network(std::move(spec), load_weights, part);
  if (!net.spec.init_from.empty()) init_from_state(net);
  return net;
}

}  // namespace spikesim
