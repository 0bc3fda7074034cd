#include "cpu/rank_view.hpp"

#include <algorithm>

namespace spikesim {

std::vector<uint64_t> whole_sizes(const Network& net, Comm& comm) {
  std::vector<uint64_t> n;
  for (const Projection& p : net.projs) n.push_back(p.csr.size());
  comm.sum(n);
  return n;
}

RankView::RankView(Network& net, Comm& comm) : net_(net), comm_(comm) {
  const NetworkSpec& s = net.spec;
  needed_.assign(net.projs.size(), false);
  for (size_t i = 0; i < net.projs.size(); ++i) needed_[i] = net.projs[i].plastic != nullptr || s.output.circuit;
  for (const WeightMonitorSpec& m : s.weights) needed_[m.projection] = true;
  place_.resize(net.projs.size());
  if (comm.root()) {
    full_ = std::make_unique<Network>(Network{s, net.graph, net.pops, {}, net.poisson_inputs, net.signals, rank_part(s, 0, 1)});
    for (const Projection& p : net.projs) {
      Projection q;
      q.name = p.name;
      q.source = p.source;
      q.target = p.target;
      q.receptor = p.receptor;
      q.plastic = p.plastic;
      full_->projs.push_back(std::move(q));
    }
  }
  for (size_t i = 0; i < net.projs.size(); ++i)
    if (needed_[i]) gather_table(static_cast<int>(i));
}

void RankView::gather_table(int i) {
  const Csr& c = net_.projs[i].csr;
  const uint32_t rows = c.rows();
  std::vector<uint64_t> len(rows);
  for (uint32_t j = 0; j < rows; ++j) len[j] = c.row_ptr[j + 1] - c.row_ptr[j];
  std::vector<uint16_t> delay = c.delay;
  if (delay.empty()) delay.assign(c.size(), c.delay_min);
  std::vector<uint64_t> all_len;
  std::vector<uint32_t> all_tgt;
  std::vector<uint16_t> all_delay;
  gather_vec(comm_, len.data(), len.size(), all_len);
  gather_vec(comm_, c.target.data(), c.size(), all_tgt);
  gather_vec(comm_, delay.data(), delay.size(), all_delay);
  std::vector<float> all_w;
  gather_vec(comm_, c.weight.data(), c.size(), all_w);
  if (!comm_.root()) return;
  const int R = comm_.size();
  // Where each rank's rows begin in the concatenation: rank r's synapse q of row j is at
  // base[r] + its row start + q.
  std::vector<uint64_t> base(R + 1, 0), cursor(R, 0);
  for (int r = 0; r < R; ++r) {
    uint64_t n = 0;
    for (uint32_t j = 0; j < rows; ++j) n += all_len[static_cast<size_t>(r) * rows + j];
    base[r + 1] = base[r] + n;
    cursor[r] = base[r];
  }
  Csr& w = full_->projs[i].csr;
  w.row_ptr.assign(rows + 1, 0);
  w.target.resize(all_tgt.size());
  w.weight.resize(all_tgt.size());
  std::vector<uint16_t> d(all_tgt.size());
  std::vector<uint64_t>& place = place_[i];
  place.resize(all_tgt.size());
  uint64_t k = 0;
  std::vector<uint64_t> at(R), end(R);
  for (uint32_t j = 0; j < rows; ++j) {
    for (int r = 0; r < R; ++r) {
      at[r] = cursor[r];
      end[r] = cursor[r] + all_len[static_cast<size_t>(r) * rows + j];
      cursor[r] = end[r];
    }
    for (;;) {  // merge the ranks' parts of row j by (delay, target)
      int best = -1;
      for (int r = 0; r < R; ++r)
        if (at[r] < end[r] && (best < 0 || std::make_pair(all_delay[at[r]], all_tgt[at[r]]) <
                                               std::make_pair(all_delay[at[best]], all_tgt[at[best]])))
          best = r;
      if (best < 0) break;
      const uint64_t q = at[best]++;
      w.target[k] = all_tgt[q];
      d[k] = all_delay[q];
      place[q] = k++;
    }
    w.row_ptr[j + 1] = k;
  }
  for (uint64_t q = 0; q < all_w.size(); ++q) w.weight[place[q]] = all_w[q];
  if (!d.empty()) {
    const auto [lo, hi] = std::minmax_element(d.begin(), d.end());
    w.delay_min = *lo;
    w.delay_max = *hi;
    if (*lo != *hi) w.delay = std::move(d);
  }
}

void RankView::gather_weights(int i) {
  const Csr& c = net_.projs[i].csr;
  std::vector<float> all_w;
  gather_vec(comm_, c.weight.data(), c.size(), all_w);
  if (!comm_.root()) return;
  float* w = full_->projs[i].csr.weight.data();
  const std::vector<uint64_t>& place = place_[i];
  for (uint64_t q = 0; q < all_w.size(); ++q) w[place[q]] = all_w[q];
}

void RankView::gather_all_weights() {
  for (size_t i = 0; i < needed_.size(); ++i)
    if (needed_[i]) gather_weights(static_cast<int>(i));
}

void RankView::gather_state() {
  for (size_t p = 0; p < net_.pops.size(); ++p) {
    Population& pop = net_.pops[p];
    const uint32_t lo = net_.part.lo(static_cast<int>(p)), hi = net_.part.hi(static_cast<int>(p));
    for (size_t v = 0; v < pop.x.size(); ++v) {
      if (pop.x[v].empty()) continue;
      std::vector<float> all;
      gather_vec(comm_, pop.x[v].data() + lo, hi - lo, all);
      if (comm_.root()) std::copy(all.begin(), all.end(), full_->pops[p].x[v].begin());  // in place: monitors hold the arrays
    }
  }
}

}  // namespace spikesim
