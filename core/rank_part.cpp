#include "core/rank_part.hpp"

#include <algorithm>

namespace spikesim {

std::vector<double> expected_in_degree(const ProjectionSpec& s, uint32_t n_src, uint32_t n_tgt) {
  const ConnectivitySpec& c = s.conn;
  const bool no_self = s.source == s.target && !c.allow_autapses;
  const double pool = n_src - (no_self ? 1.0 : 0.0);
  std::vector<double> d(n_tgt, 0.0);
  switch (c.rule) {
    case ConnectivitySpec::kAllToAll: std::fill(d.begin(), d.end(), pool); break;
    case ConnectivitySpec::kOneToOne:
      for (uint32_t i = 0; i < n_tgt && i < n_src; ++i) d[i] = 1.0;
      break;
    case ConnectivitySpec::kPairwiseBernoulli: std::fill(d.begin(), d.end(), std::clamp(c.p, 0.0, 1.0) * pool); break;
    case ConnectivitySpec::kFixedIndegree: std::fill(d.begin(), d.end(), static_cast<double>(c.count)); break;
    case ConnectivitySpec::kFixedOutdegree:
      std::fill(d.begin(), d.end(), n_tgt ? static_cast<double>(c.count) * n_src / n_tgt : 0.0);
      break;
    case ConnectivitySpec::kFixedTotalNumber:
      std::fill(d.begin(), d.end(), n_tgt ? static_cast<double>(c.count) / n_tgt : 0.0);
      break;
    case ConnectivitySpec::kExplicit:
      for (uint32_t t : c.targets)
        if (t < n_tgt) d[t] += 1.0;
      break;
  }
  return d;
}

RankPart rank_part(const NetworkSpec& spec, int rank, int ranks) {
  RankPart part;
  part.rank = rank;
  part.ranks = ranks;
  for (size_t p = 0; p < spec.populations.size(); ++p) {
    const uint32_t n = spec.populations[p].size;
    std::vector<double> cost(n, 1.0);
    for (const ProjectionSpec& s : spec.projections)
      if (s.target == static_cast<int>(p)) {
        const std::vector<double> d = expected_in_degree(s, spec.populations[s.source].size, n);
        for (uint32_t i = 0; i < n; ++i) cost[i] += d[i];
      }
    double total = 0.0;
    for (double c : cost) total += c;
    std::vector<uint32_t> b(ranks + 1, n);
    b[0] = 0;
    double cum = 0.0;
    uint32_t i = 0;
    for (int r = 1; r < ranks; ++r) {  // the first neuron where the running cost reaches r/R of the total
      const double goal = total * r / ranks;
      while (i < n && cum + cost[i] * 0.5 < goal) cum += cost[i++];
      b[r] = i;
    }
    part.bounds.push_back(std::move(b));
  }
  return part;
}

}  // namespace spikesim
