#include "synapses/by_target.hpp"

#include <algorithm>

namespace spikesim {

ByTarget by_target(const Csr& csr, uint32_t n_target) {
  ByTarget r;
  const uint64_t n = csr.size();
  r.ptr.assign(n_target + 1ull, 0);
  for (uint32_t t : csr.target) ++r.ptr[t + 1ull];
  for (uint32_t i = 0; i < n_target; ++i) r.ptr[i + 1ull] += r.ptr[i];
  std::vector<uint64_t> fill(r.ptr.begin(), r.ptr.end() - 1);
  r.pre.resize(n);
  r.syn.resize(n);
  auto place = [&](uint32_t j, uint64_t k) {
    const uint64_t s = fill[csr.target[k]]++;
    r.pre[s] = j;
    r.syn[s] = static_cast<uint32_t>(k);
  };
  if (csr.delay.empty()) {  // one delay: CSR order is (source, CSR index) already
    for (uint32_t j = 0; j < csr.rows(); ++j)
      for (uint64_t k = csr.row_ptr[j]; k < csr.row_ptr[j + 1]; ++k) place(j, k);
    return r;
  }
  // Several delays: the CSR order sorted stably by delay.
  std::vector<uint32_t> order(n), src_of(n);
  for (uint32_t j = 0; j < csr.rows(); ++j)
    for (uint64_t k = csr.row_ptr[j]; k < csr.row_ptr[j + 1]; ++k) src_of[k] = j;
  for (uint64_t k = 0; k < n; ++k) order[k] = static_cast<uint32_t>(k);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return csr.delay[a] < csr.delay[b]; });
  for (uint32_t k : order) place(src_of[k], k);
  return r;
}

}  // namespace spikesim
