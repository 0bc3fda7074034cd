#include "synapses/connectivity.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <omp.h>
#include <unordered_set>

#include "core/rng.hpp"

namespace spikesim {

namespace {

struct Rows {  // adjacency by generator row (source-major, or target-major for fixed_indegree)
  std::vector<uint64_t> ptr;
  std::vector<uint32_t> col;
};

// Two passes over rows in parallel: count, then fill. gen(row, scratch, emit) must emit the
// same columns both times; it is deterministic because its random numbers are keyed by row.
// Only columns in [r.lo, r.hi) are kept (a rank's targets); first[row] counts the row's
// columns below r.lo, so that a kept synapse knows its place in the whole, sorted row.
template <class Gen>
Rows rows_from_generator(uint32_t n_rows, uint32_t n_cols, const TargetRange& tr, std::vector<uint32_t>& first, Gen gen) {
  Rows r;
  r.ptr.assign(n_rows + 1, 0);
  const bool part = !tr.whole(n_cols);
  if (part) first.assign(n_rows, 0);
#pragma omp parallel
  {
    std::vector<uint8_t> scratch(n_cols, 0);
#pragma omp for schedule(dynamic, 256)
    for (int64_t i = 0; i < n_rows; ++i) {
      uint64_t count = 0;
      uint32_t below = 0;
      gen(static_cast<uint32_t>(i), scratch, [&](uint32_t c) {
        if (c < tr.lo) ++below;
        else if (c < tr.hi) ++count;
      });
      r.ptr[i + 1] = count;
      if (part) first[i] = below;
    }
  }
  std::partial_sum(r.ptr.begin(), r.ptr.end(), r.ptr.begin());
  r.col.resize(r.ptr.back());
#pragma omp parallel
  {
    std::vector<uint8_t> scratch(n_cols, 0);
#pragma omp for schedule(dynamic, 256)
    for (int64_t i = 0; i < n_rows; ++i) {
      uint64_t k = r.ptr[i];
      gen(static_cast<uint32_t>(i), scratch, [&](uint32_t c) {
        if (c >= tr.lo && c < tr.hi) r.col[k++] = c;
      });
      std::sort(r.col.begin() + r.ptr[i], r.col.begin() + r.ptr[i + 1]);
    }
  }
  return r;
}

// Pairs (row-major order of `rows`) -> rows by the other index (counting sort, stable).
Rows transpose(const Rows& in, uint32_t n_out) {
  Rows out;
  out.ptr.assign(n_out + 1, 0);
  for (uint32_t c : in.col) ++out.ptr[c + 1];
  std::partial_sum(out.ptr.begin(), out.ptr.end(), out.ptr.begin());
  out.col.resize(in.col.size());
  std::vector<uint64_t> fill(out.ptr.begin(), out.ptr.end() - 1);
  for (uint32_t r = 0; r + 1 < in.ptr.size(); ++r)
    for (uint64_t k = in.ptr[r]; k < in.ptr[r + 1]; ++k) out.col[fill[in.col[k]]++] = r;
  return out;
}

Rows rows_from_pairs(const std::vector<uint32_t>& src, const std::vector<uint32_t>& tgt, uint32_t n_src, uint32_t n_tgt,
                     const TargetRange& tr, std::vector<uint32_t>& first) {
  Rows by_target;  // build target-major first so that the transpose leaves targets sorted
  by_target.ptr.assign(n_tgt + 1, 0);
  const bool part = !tr.whole(n_tgt);
  if (part) first.assign(n_src, 0);
  for (size_t k = 0; k < src.size(); ++k) {
    if (tgt[k] < tr.lo) ++first[src[k]];
    else if (tgt[k] < tr.hi) ++by_target.ptr[tgt[k] + 1];
  }
  std::partial_sum(by_target.ptr.begin(), by_target.ptr.end(), by_target.ptr.begin());
  by_target.col.resize(by_target.ptr.back());
  std::vector<uint64_t> fill(by_target.ptr.begin(), by_target.ptr.end() - 1);
  for (size_t k = 0; k < src.size(); ++k)
    if (tgt[k] >= tr.lo && tgt[k] < tr.hi) by_target.col[fill[tgt[k]]++] = src[k];
  for (uint32_t t = tr.lo; t < tr.hi && t < n_tgt; ++t)
    std::sort(by_target.col.begin() + by_target.ptr[t], by_target.col.begin() + by_target.ptr[t + 1]);
  return transpose(by_target, n_src);
}

// k distinct (or, with multapses, independent) draws from [0, pool) skipping `self`.
template <class Emit>
void sample_fixed(const CounterRng& rng, uint32_t row, uint64_t k, uint32_t pool, bool skip_self,
                  bool multapses, std::vector<uint8_t>& mark, Emit emit) {
  const uint32_t m = pool - (skip_self ? 1 : 0);
  if (m == 0 || k == 0) return;
  std::vector<uint32_t> chosen;
  uint32_t draw = 0;
  while (chosen.size() < k) {
    uint32_t c = static_cast<uint32_t>(rng.uniform(row, draw++) * m);
    if (c >= m) c = m - 1;
    if (skip_self && c >= row) ++c;
    if (!multapses) {
      if (mark[c]) continue;
      mark[c] = 1;
    }
    chosen.push_back(c);
  }
  for (uint32_t c : chosen) {
    mark[c] = 0;
    emit(c);
  }
}

Rows make_rows(const ConnectivitySpec& c, uint32_t n_src, uint32_t n_tgt, bool same_pop, const CounterRng& rng,
               const TargetRange& tr, std::vector<uint32_t>& first) {
  const bool no_self = same_pop && !c.allow_autapses;
  const TargetRange all{};  // rows by target: every source column kept
  std::vector<uint32_t> unused;
  using Scratch = std::vector<uint8_t>;
  switch (c.rule) {
    case ConnectivitySpec::kAllToAll:
      return rows_from_generator(n_src, n_tgt, tr, first, [&](uint32_t i, Scratch&, auto emit) {
        for (uint32_t j = 0; j < n_tgt; ++j)
          if (!(no_self && i == j)) emit(j);
      });
    case ConnectivitySpec::kOneToOne:
      return rows_from_generator(n_src, n_tgt, tr, first, [&](uint32_t i, Scratch&, auto emit) { emit(i); });
    case ConnectivitySpec::kPairwiseBernoulli:
      return rows_from_generator(n_src, n_tgt, tr, first, [&](uint32_t i, Scratch&, auto emit) {
        if (c.p <= 0) return;
        if (c.p >= 1) {
          for (uint32_t j = 0; j < n_tgt; ++j)
            if (!(no_self && i == j)) emit(j);
          return;
        }
        // Geometric skipping: the gap to the next connected target is Geometric(p).
        const double log_q = std::log1p(-c.p);
        double j = -1;
        for (uint32_t draw = 0;; ++draw) {
          j += 1 + std::floor(std::log1p(-rng.uniform(i, draw)) / log_q);
          if (j >= n_tgt) break;
          if (!(no_self && static_cast<uint32_t>(j) == i)) emit(static_cast<uint32_t>(j));
        }
      });
    case ConnectivitySpec::kFixedOutdegree:
      return rows_from_generator(n_src, n_tgt, tr, first, [&](uint32_t i, Scratch& mark, auto emit) {
        sample_fixed(rng, i, c.count, n_tgt, no_self && i < n_tgt, c.allow_multapses, mark, emit);
      });
    case ConnectivitySpec::kFixedIndegree: {
      // Rows by target, each drawn from its own stream: a rank draws its targets' rows, and
      // counts (per source) the synapses onto the targets below its range.
      auto gen = [&](uint32_t j, Scratch& mark, auto emit) {
        if (j >= tr.lo && j < tr.hi) sample_fixed(rng, j, c.count, n_src, no_self && j < n_src, c.allow_multapses, mark, emit);
      };
      if (!tr.whole(n_tgt)) {
        first.assign(n_src, 0);
        Scratch mark(n_src, 0);
        for (uint32_t j = 0; j < tr.lo && j < n_tgt; ++j)
          sample_fixed(rng, j, c.count, n_src, no_self && j < n_src, c.allow_multapses, mark, [&](uint32_t s) { ++first[s]; });
      }
      return transpose(rows_from_generator(n_tgt, n_src, all, unused, gen), n_src);
    }
    case ConnectivitySpec::kFixedTotalNumber: {
      std::vector<uint32_t> src, tgt;
      std::unordered_set<uint64_t> seen;
      for (uint64_t k = 0; src.size() < c.count; ++k) {
        const auto idx = static_cast<uint32_t>(k), hi = static_cast<uint32_t>(k >> 32);
        uint32_t s = std::min(n_src - 1, static_cast<uint32_t>(rng.uniform(idx, hi, 0) * n_src));
        uint32_t t = std::min(n_tgt - 1, static_cast<uint32_t>(rng.uniform(idx, hi, 1) * n_tgt));
        if (no_self && s == t) continue;
        if (!c.allow_multapses && !seen.insert(uint64_t{s} << 32 | t).second) continue;
        src.push_back(s);
        tgt.push_back(t);
      }
      return rows_from_pairs(src, tgt, n_src, n_tgt, tr, first);
    }
    case ConnectivitySpec::kExplicit:
      return rows_from_pairs(c.sources, c.targets, n_src, n_tgt, tr, first);
  }
  return {};
}

}  // namespace

Csr build_csr(const ProjectionSpec& spec, uint32_t n_src, uint32_t n_tgt, const RunSpec& run, uint32_t projection_index,
              const TargetRange& range) {
  const bool same_pop = spec.source == spec.target;
  std::vector<uint32_t> first;  // with a range: each row's synapses onto targets below it
  Rows rows = make_rows(spec.conn, n_src, n_tgt, same_pop, CounterRng{run.seed, kStreamConnect | projection_index}, range, first);
  Csr csr;
  csr.row_ptr = std::move(rows.ptr);
  csr.target = std::move(rows.col);
  const uint64_t n = csr.target.size();
  csr.weight.resize(n);
  const CounterRng wrng{run.seed, kStreamWeight | projection_index};
  const CounterRng drng{run.seed, kStreamDelay | projection_index};
  const int64_t n_rows = csr.rows();
  // Delay in steps of synapse k (position pos in row i); counter-based, so it can be drawn
  // twice: once for the range, and only if delays differ, again into a per-synapse array.
  // A synapse's place in its whole row (its key): with a range, after the row's synapses
  // onto targets below it.
  auto place = [&](int64_t i, uint64_t k) { return static_cast<uint32_t>(k - csr.row_ptr[i] + (first.empty() ? 0 : first[i])); };
  auto delay_of = [&](int64_t i, uint32_t pos) {
    const long steps = std::lround(spec.delay.sample(drng, static_cast<uint32_t>(i), pos) / run.dt);
    return static_cast<uint16_t>(std::clamp(steps, 1L, 65535L));
  };
  unsigned d_min = 65535, d_max = 1;
#pragma omp parallel for schedule(dynamic, 256) reduction(min : d_min) reduction(max : d_max)
  for (int64_t i = 0; i < n_rows; ++i) {
    for (uint64_t k = csr.row_ptr[i]; k < csr.row_ptr[i + 1]; ++k) {
      const uint32_t pos = place(i, k);
      csr.weight[k] = static_cast<float>(spec.weight.sample(wrng, static_cast<uint32_t>(i), pos));
      const unsigned d = delay_of(i, pos);
      d_min = std::min(d_min, d);
      d_max = std::max(d_max, d);
    }
  }
  if (n == 0) return csr;
  csr.delay_min = static_cast<uint16_t>(d_min);
  csr.delay_max = static_cast<uint16_t>(d_max);
  if (csr.delay_min == csr.delay_max) return csr;
  std::vector<uint16_t> delay(n);
#pragma omp parallel for schedule(dynamic, 256)
  for (int64_t i = 0; i < n_rows; ++i)
    for (uint64_t k = csr.row_ptr[i]; k < csr.row_ptr[i + 1]; ++k)
      delay[k] = delay_of(i, place(i, k));
  // Heterogeneous delays: order each row by (delay, target) so that the synapses of one
  // delay are a contiguous, target-sorted range.
#pragma omp parallel
  {
    std::vector<uint64_t> order;
    std::vector<uint32_t> t;
    std::vector<float> w;
    std::vector<uint16_t> d;
#pragma omp for schedule(dynamic, 256)
    for (int64_t i = 0; i < n_rows; ++i) {
      const uint64_t b = csr.row_ptr[i], e = csr.row_ptr[i + 1];
      order.resize(e - b);
      std::iota(order.begin(), order.end(), b);
      std::stable_sort(order.begin(), order.end(), [&](uint64_t x, uint64_t y) { return delay[x] < delay[y]; });
      t.clear(); w.clear(); d.clear();
      for (uint64_t k : order) { t.push_back(csr.target[k]); w.push_back(csr.weight[k]); d.push_back(delay[k]); }
      std::copy(t.begin(), t.end(), csr.target.begin() + b);
      std::copy(w.begin(), w.end(), csr.weight.begin() + b);
      std::copy(d.begin(), d.end(), delay.begin() + b);
    }
  }
  csr.delay = std::move(delay);
  return csr;
}

}  // namespace spikesim
