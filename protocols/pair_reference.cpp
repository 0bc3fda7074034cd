#include "protocols/pair_reference.hpp"

#include <cmath>

namespace spikesim {

double pair_stdp_dw(const std::vector<double>& pre, const std::vector<double>& post, const PairStdpParams& p) {
  double dw = 0.0;
  for (double tq : post) {  // potentiation: pre spikes at or before each post spike
    double sum = 0.0, latest = -INFINITY;
    for (double tp : pre)
      if (tp <= tq) {
        sum += std::exp(-(tq - tp) / p.tau_plus);
        latest = std::max(latest, tp);
      }
    if (p.nearest) sum = std::isfinite(latest) ? std::exp(-(tq - latest) / p.tau_plus) : 0.0;
    dw += p.A_plus * sum;
  }
  for (double tp : pre) {  // depression: post spikes strictly before each pre arrival
    double sum = 0.0, latest = -INFINITY;
    for (double tq : post)
      if (tq < tp) {
        sum += std::exp(-(tp - tq) / p.tau_minus);
        latest = std::max(latest, tq);
      }
    if (p.nearest) sum = std::isfinite(latest) ? std::exp(-(tp - latest) / p.tau_minus) : 0.0;
    dw -= p.A_minus * sum;
  }
  return dw;
}

}  // namespace spikesim
