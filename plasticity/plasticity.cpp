#include "plasticity/plasticity.hpp"

#include <cmath>

namespace spikesim {

void Plasticity::attach(const Projection& p, uint32_t n_pre, uint32_t n_post, double dt_ms) {
  dt = dt_ms;
  delay = p.csr.delay_min;
  learn_from = static_cast<uint64_t>(std::llround(start_ms / dt_ms));
  pre.init(pre.spec, n_pre);
  post.init(post.spec, n_post);
  syn_state.assign(p.csr.size() * syn_floats, 0.0f);
  const Csr& csr = p.csr;
  // Transposed index: counting sort of the synapses by target, keeping CSR order within a target.
  post_ptr.assign(n_post + 1, 0);
  for (uint32_t t : csr.target) ++post_ptr[t + 1];
  for (uint32_t i = 0; i < n_post; ++i) post_ptr[i + 1] += post_ptr[i];
  post_pre.resize(csr.size());
  post_syn.resize(csr.size());
  std::vector<uint64_t> fill(post_ptr.begin(), post_ptr.end() - 1);
  for (uint32_t j = 0; j < csr.rows(); ++j)
    for (uint64_t k = csr.row_ptr[j]; k < csr.row_ptr[j + 1]; ++k) {
      const uint64_t s = fill[csr.target[k]]++;
      post_pre[s] = j;
      post_syn[s] = static_cast<uint32_t>(k);
    }
}

void Plasticity::bump_pre(const std::vector<uint32_t>& arrivals, size_t b, size_t e, uint32_t step) {
  for (size_t a = b; a < e; ++a) pre.bump(arrivals[a], step, dt);
}

uint64_t Plasticity::bytes() const {
  uint64_t partner_bytes = partner.traces.bytes();
  for (const auto& src : partner.sources) partner_bytes += src.first.size() * 8 + src.targets.size() * 4 + src.amount.size() * 4;
  return pre.bytes() + post.bytes() + partner_bytes + post_ptr.size() * 8 + post_pre.size() * 4 + post_syn.size() * 4 +
         syn_state.size() * 4;
}

}  // namespace spikesim
