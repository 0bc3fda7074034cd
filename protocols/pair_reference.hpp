#pragma once
// Closed-form total weight change of additive, unbounded pair STDP for given spike trains:
// the sum over spike pairs that defines the rule (docs/plasticity.md section 1), independent of
// the trace machinery. Times are at the synapse (presynaptic arrival, postsynaptic spike).
//   all-to-all: dw = sum_{post} sum_{pre <= post} A+ e^{-(t_post - t_pre)/tau+}
//                  - sum_{pre} sum_{post < pre} A- e^{-(t_pre - t_post)/tau-}
//   nearest:    only the latest earlier spike of the other side counts.
// A pre arrival and a post spike at the same time count as pre-then-post (both terms apply
// with dt_s = 0), the order of plasticity/plasticity.hpp.
#include <vector>

namespace spikesim {

struct PairStdpParams {
  double A_plus, A_minus, tau_plus, tau_minus;
  bool nearest;
};

double pair_stdp_dw(const std::vector<double>& pre, const std::vector<double>& post, const PairStdpParams& p);

}  // namespace spikesim
