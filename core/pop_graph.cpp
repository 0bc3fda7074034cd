#include "core/pop_graph.hpp"

#include <algorithm>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/reverse_graph.hpp>

namespace spikesim {

PopulationGraph::PopulationGraph(const NetworkSpec& spec) {
  for (const auto& p : spec.populations) boost::add_vertex(PopVertex{p.name, p.size, p.model}, g_);
  for (size_t i = 0; i < spec.projections.size(); ++i)
    boost::add_edge(spec.projections[i].source, spec.projections[i].target, ProjEdge{i}, g_);
  n_pops_ = spec.populations.size();
  for (const auto& s : spec.signals) {
    const auto v = boost::add_vertex(PopVertex{s.name, 0, Model::kPoisson, true}, g_);
    if (s.population >= 0) boost::add_edge(s.population, v, ProjEdge{ProjEdge::kFeedsSignal}, g_);
  }
}

std::vector<int> PopulationGraph::feeds(size_t signal) const {
  std::vector<int> out;
  for (auto [it, end] = boost::in_edges(n_pops_ + signal, g_); it != end; ++it)
    out.push_back(static_cast<int>(boost::source(*it, g_)));
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<int> PopulationGraph::signal_upstream(size_t signal) const { return reach(n_pops_ + signal); }

std::vector<size_t> PopulationGraph::incoming(int population) const {
  std::vector<size_t> out;
  for (auto [it, end] = boost::in_edges(population, g_); it != end; ++it) out.push_back(g_[*it].projection);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<int> PopulationGraph::upstream(int population) const { return reach(static_cast<size_t>(population)); }

std::vector<int> PopulationGraph::reach(size_t start) const {
  const auto rev = boost::make_reverse_graph(g_);
  std::vector<boost::default_color_type> color(boost::num_vertices(g_));
  std::vector<int> found;
  struct Visitor : boost::default_bfs_visitor {
    std::vector<int>* out;
    int start;
    void discover_vertex(size_t v, const decltype(rev)&) const {
      if (static_cast<int>(v) != start) out->push_back(static_cast<int>(v));
    }
  } vis;
  vis.out = &found;
  vis.start = static_cast<int>(start);
  boost::breadth_first_search(rev, start,
                              boost::visitor(vis).color_map(boost::make_iterator_property_map(
                                  color.begin(), boost::get(boost::vertex_index, rev))));
  std::sort(found.begin(), found.end());
  return found;
}

std::vector<int> PopulationGraph::silent(const NetworkSpec& spec,
                                         const std::function<bool(const PopulationSpec&)>& self_driven_spec) const {
  auto self_driven = [&](int p) { return self_driven_spec(spec.populations[p]); };
  std::vector<int> out;
  for (int p = 0; p < static_cast<int>(spec.populations.size()); ++p) {
    if (self_driven(p)) continue;
    bool driven = false;
    for (int q : upstream(p)) driven = driven || self_driven(q);
    if (!driven) out.push_back(p);
  }
  return out;
}

}  // namespace spikesim
