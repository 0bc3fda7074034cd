#include "cpu/rank_view.hpp"

#include <algorithm>

#include "plasticity/plasticity.hpp"

namespace spikesim {

std::vector<uint64_t> whole_sizes(const Network& net, Comm& comm) {
  std::vector<uint64_t> n;
  for (const Projection& p : net.projs) n.push_back(p.csr.size());
  comm.sum(n);
  return n;
}

RankView::RankView(Network& net, Comm& comm, bool complete) : net_(net), comm_(comm) {
  const NetworkSpec& s = net.spec;
  needed_.assign(net.projs.size(), false);
  for (size_t i = 0; i < net.projs.size(); ++i) needed_[i] = net.projs[i].plastic != nullptr || s.output.circuit || complete;
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
  if (comm_.root()) build_table(i, all_len, all_tgt, all_delay);
  gather_weights(i);
}

// The whole table i from every rank's rows, targets and delays (rank order), and where each
// rank's synapse goes in it (place_).
void RankView::build_table(int i, const std::vector<uint64_t>& all_len, const std::vector<uint32_t>& all_tgt,
                           const std::vector<uint16_t>& all_delay) {
  const uint32_t rows = net_.projs[i].csr.rows();
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
  if (!d.empty()) {
    const auto [lo, hi] = std::minmax_element(d.begin(), d.end());
    w.delay_min = *lo;
    w.delay_max = *hi;
    if (*lo != *hi) w.delay = std::move(d);
  }
}

void RankView::gather_weights(int i) {
  std::vector<float> scratch;  // the other ranks' (unused)
  gather_placed(net_.projs[i].csr.weight, i, 1, comm_.root() ? full_->projs[i].csr.weight : scratch);
}

void RankView::gather_all_weights() {
  for (size_t i = 0; i < needed_.size(); ++i)
    if (needed_[i]) gather_weights(static_cast<int>(i));
}

// Each rank's [lo, hi) of population `pop` (per_neuron values each) into `whole` on rank 0.
template <class T>
void RankView::gather_slices(const std::vector<T>& mine, int pop, size_t per_neuron, std::vector<T>& whole) {
  const size_t lo = net_.part.lo(pop) * per_neuron, hi = net_.part.hi(pop) * per_neuron;
  std::vector<T> all;
  gather_vec(comm_, mine.data() + lo, hi - lo, all);
  if (comm_.root()) std::copy(all.begin(), all.end(), whole.begin());
}

// Each rank's per-synapse values (per_synapse each) of projection i to their places in `whole`.
template <class T>
void RankView::gather_placed(const std::vector<T>& mine, int i, size_t per_synapse, std::vector<T>& whole) {
  std::vector<T> all;
  gather_vec(comm_, mine.data(), mine.size(), all);
  if (!comm_.root()) return;
  whole.resize(place_[i].size() * per_synapse);
  for (uint64_t q = 0; q < place_[i].size(); ++q)
    std::copy(all.begin() + q * per_synapse, all.begin() + (q + 1) * per_synapse, whole.begin() + place_[i][q] * per_synapse);
}

void RankView::gather_checkpoint() {
  gather_state();
  for (size_t p = 0; p < net_.pops.size(); ++p) {
    Population& pop = net_.pops[p];
    Population* w = comm_.root() ? &full_->pops[p] : nullptr;
    if (!pop.ref.empty()) gather_slices(pop.ref, static_cast<int>(p), 1, w ? w->ref : pop.ref);
    if (w) {
      w->threshold = pop.threshold;
      w->thresholds = pop.thresholds;
    }
  }
  for (size_t i = 0; i < net_.projs.size(); ++i) {
    Projection& pr = net_.projs[i];
    Projection* w = comm_.root() ? &full_->projs[i] : nullptr;
    const int ii = static_cast<int>(i);
    gather_weights(ii);
    if (w) w->queue = pr.queue;
    if (!pr.plastic) continue;
    Plasticity& pl = *pr.plastic;
    if (w) {
      // A fresh copy of rank 0's rule: its presynaptic traces, integrals and rewards are every
      // rank's; its own arrays are replaced below by the whole network's.
      auto copy = pl.clone();
      copy->post_ptr.clear();
      copy->post_pre.clear();
      copy->post_syn.clear();
      w->plastic = copy;
    }
    std::vector<float> scratch;
    gather_placed(pl.syn_state, ii, pl.syn_floats, w ? w->plastic->syn_state : scratch);
    TraceArray* wpost = w ? &w->plastic->post : &pl.post;
    TraceArray* wpart = w ? &w->plastic->partner.traces : &pl.partner.traces;
    gather_slices(pl.post.values, pr.target, pl.post.spec.count, wpost->values);
    gather_slices(pl.post.stamp, pr.target, 1, wpost->stamp);
    if (!pl.partner.traces.stamp.empty()) {
      gather_slices(pl.partner.traces.values, pr.target, pl.partner.traces.spec.count, wpart->values);
      gather_slices(pl.partner.traces.stamp, pr.target, 1, wpart->stamp);
    }
  }
  if (comm_.root()) full_->signals = net_.signals;
}

void RankView::gather_state() {
  for (size_t p = 0; p < net_.pops.size(); ++p) {
    Population& pop = net_.pops[p];
    for (size_t v = 0; v < pop.x.size(); ++v)  // in place: monitors hold the arrays
      if (!pop.x[v].empty()) gather_slices(pop.x[v], static_cast<int>(p), 1, comm_.root() ? full_->pops[p].x[v] : pop.x[v]);
  }
}

}  // namespace spikesim
