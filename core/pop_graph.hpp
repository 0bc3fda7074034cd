#pragma once
// Populations as vertices, projections as edges (Boost.Graph). Used to report the network,
// to find what feeds a population (upstream) and, in later issues, which populations feed a
// global signal.
#include <boost/graph/adjacency_list.hpp>
#include <string>
#include <vector>

#include "core/spec.hpp"

namespace spikesim {

struct PopVertex {
  std::string name;
  uint32_t size = 0;
  Model model = Model::kLifCondExp;
};
struct ProjEdge {
  size_t projection = 0;  // index into NetworkSpec::projections
};
using PopGraphT = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, PopVertex, ProjEdge>;

class PopulationGraph {
 public:
  PopulationGraph() = default;
  explicit PopulationGraph(const NetworkSpec& spec);
  const PopGraphT& graph() const { return g_; }
  std::vector<size_t> incoming(int population) const;  // projection indices, in file order
  std::vector<int> upstream(int population) const;     // populations with a path into it
  // Neuron populations that can never spike: no drive (I_e <= threshold) and nothing upstream that spikes.
  std::vector<int> silent(const NetworkSpec& spec) const;

 private:
  PopGraphT g_;
};

}  // namespace spikesim
