#include "plasticity/plasticity.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "synapses/by_target.hpp"

namespace spikesim {

void Plasticity::attach(const Projection& p, uint32_t n_pre, uint32_t n_post, double dt_ms) {
  dt = dt_ms;
  delay = p.csr.delay_min;
  learn_from = static_cast<uint64_t>(std::llround(start_ms / dt_ms));
  pre.init(pre.spec, n_pre, dt_ms);
  post.init(post.spec, n_post, dt_ms);
  syn_state.assign(p.csr.size() * syn_floats, 0.0f);
  index(p, n_post);
}

void Plasticity::index(const Projection& p, uint32_t n_post) {
  ByTarget t = by_target(p.csr, n_post);  // one delay: (source, CSR index) order within a target
  post_ptr = std::move(t.ptr);
  post_pre = std::move(t.pre);
  post_syn = std::move(t.syn);
}

void Plasticity::bump_pre(const std::vector<uint32_t>& arrivals, size_t b, size_t e, uint32_t step) {
  for (size_t a = b; a < e; ++a) pre.bump(arrivals[a], step, dt);
}

uint64_t Plasticity::period_steps() const {
  return std::max<uint64_t>(1, static_cast<uint64_t>(std::llround(trial.period_ms / dt)));
}

TrialCtx Plasticity::trial_ctx(double feedback, double reward, const double* signals, double trial_ms) {
  TrialCtx t{feedback, signals, 1000.0 / trial_ms, reward, 0.0};
  const size_t n = std::min<size_t>(trial.baseline_trials, rewards.size());
  for (size_t k = rewards.size() - n; k < rewards.size(); ++k) t.reward_mean += rewards[k] / n;
  rewards.push_back(reward);
  return t;
}

TrialCtx Plasticity::period_ctx(const double* signals) const {
  TrialCtx t;
  t.signals = signals;
  t.rate_scale = 1000.0 / pre.spec.tau[0];
  return t;
}

uint64_t Plasticity::bytes() const {
  uint64_t partner_bytes = partner.traces.bytes();
  for (const auto& src : partner.sources) partner_bytes += src.first.size() * 8 + src.targets.size() * 4 + src.amount.size() * 4;
  return pre.bytes() + post.bytes() + partner_bytes + post_ptr.size() * 8 + post_pre.size() * 4 + post_syn.size() * 4 +
         syn_state.size() * 4;
}

}  // namespace spikesim
