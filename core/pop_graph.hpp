#pragma once
// Populations as vertices, projections as edges (Boost.Graph); global signals are vertices
// too (after the populations), with an edge from each population whose spikes raise them.
// Used to report the network, to find what feeds a population (upstream) and which
// populations feed a global signal.
#include <boost/graph/adjacency_list.hpp>
#include <functional>
#include <string>
#include <vector>

#include "core/spec.hpp"

namespace spikesim {

struct PopVertex {
  std::string name;
  uint32_t size = 0;
  Model model = Model::kPoisson;
  bool signal = false;  // a global signal (NetworkSpec::signals), not a population
};
struct ProjEdge {
  static constexpr size_t kFeedsSignal = ~size_t{0};
  size_t projection = 0;  // index into NetworkSpec::projections, or kFeedsSignal
};
using PopGraphT = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, PopVertex, ProjEdge>;

class PopulationGraph {
 public:
  PopulationGraph() = default;
  explicit PopulationGraph(const NetworkSpec& spec);
  const PopGraphT& graph() const { return g_; }
  std::vector<size_t> incoming(int population) const;  // projection indices, in file order
  std::vector<int> upstream(int population) const;     // populations with a path into it
  std::vector<int> feeds(size_t signal) const;         // populations whose spikes raise signal k
  std::vector<int> signal_upstream(size_t signal) const;  // every population with a path into it
  // Populations that can never spike: not driven themselves (`self_driven`: a source, or a
  // neuron model whose own current or initial state fires it; neurons/models.hpp) and with
  // nothing upstream that is.
  std::vector<int> silent(const NetworkSpec& spec, const std::function<bool(const PopulationSpec&)>& self_driven) const;

 private:
  std::vector<int> reach(size_t vertex) const;  // vertices with a path into `vertex`
  PopGraphT g_;
  size_t n_pops_ = 0;
};

}  // namespace spikesim
