#pragma once
// SONATA edges file of synapses and their weights:
//   /edges/<projection>/source_node_id, target_node_id   uint64, attribute node_population
//   /edges/<projection>/edge_type_id (int64, 0), edge_group_id (uint32, 0), edge_group_index (uint64)
//   /edges/<projection>/0/syn_weight (float32, receptor unit), /edges/<projection>/0/delay (float64, ms)
// Rows are in the projection's CSR order, so row k is synapse index k of weights monitors.
// spikesim writes the final weights of plastic projections here; "weights_from" reads them.
#include <string>
#include <vector>

#include "plasticity/network.hpp"
#include "io/h5.hpp"

namespace spikesim {

// Writes `projections` (indices into net.projs) of `net` to `path`.
void write_edges(const std::string& path, const Network& net, const std::vector<size_t>& projections,
                 const Provenance& prov, const std::string& status, double t_reached_ms);

// One projection's edge columns (source/target ids, types, group ids and indices) in group
// `g`; and its current weights (and with `delays` its delays) as edge group `group` of `g`.
void write_edge_columns(hid_t g, const Network& net, const Projection& p);
void write_edge_weights(hid_t g, const std::string& group, const Network& net, const Projection& p, bool delays);

// Replaces the weights of projection `proj` by those stored for `name` in `path`; the file
// must hold the same synapses (source and target per row). Errors name `ptr`.
void load_weights(const std::string& path, const std::string& name, Projection& proj, const std::string& ptr);

// build_network (plasticity/network.hpp) with "weights_from" read by load_weights, then the
// state of "init_from" (io/checkpoint.hpp init_from_state).
Network build_network(NetworkSpec spec, const RankPart* part = nullptr);

}  // namespace spikesim
