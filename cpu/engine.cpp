#include "cpu/engine.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <exception>

#include "core/comm.hpp"
#include "core/isa.hpp"
#include "core/phase_clock.hpp"
#include "cpu/rank_view.hpp"
#include "cpu/thread_count.hpp"
#include "core/poisson_rate.hpp"
#include "core/run_loop.hpp"
#include "core/scheduler.hpp"
#include "plasticity/network_state.hpp"
#include "plasticity/plasticity.hpp"

namespace spikesim {

namespace {

constexpr uint64_t kMaxInterval = 1000;  // steps held at most between two exchanges

class CpuBackend final : public Backend {
 public:
  CpuBackend(Network& net, const RunOptions& opt, RankView* view);
  // A distributed run's state is current only on each rank's own neurons: monitors sample at
  // chunk ends, after sync_state gathered it into the view.
  bool live_state() const override { return !dist_; }
  uint64_t advance(uint64_t n0, uint64_t k, RunLoop& loop) override;
  void sync_state(uint64_t n, const std::vector<int>& lazy) override {
    for (int i : lazy) net_.projs[i].plastic->settle(net_.projs[i], static_cast<uint32_t>(n), hook_[i]);
    if (!dist_) return;
    view_->gather_state();
    for (const WeightMonitorSpec& m : net_.spec.weights) view_->gather_weights(m.projection);
  }
  void set_thresholds(int pop, const std::vector<uint32_t>& thr) override { net_.pops[pop].thresholds = thr; }
  void set_input_current(int pop, double pA) override {
    apply_input_current(net_.pops[pop], net_.spec.populations[pop], pA, net_.spec.run.dt);
  }
  void end_trial(uint64_t step, double feedback, double reward, int action) override;
  std::vector<uint64_t> periods() const override { return periods_of(net_); }
  void periodic(uint64_t step, uint64_t period) override {
    for (size_t i : plastic_) {
      Plasticity& pl = *net_.projs[i].plastic;
      if (pl.period_due(step) && pl.period_steps() == period)
        pl.on_period(net_.projs[i], static_cast<uint32_t>(step), pl.period_ctx(net_.signals.value.data()));
    }
  }
  void finish(uint64_t steps) override {
    for (size_t i : plastic_)  // lazy rules: every weight up to the time reached
      net_.projs[i].plastic->settle(net_.projs[i], static_cast<uint32_t>(steps), hook_[i]);
    if (!dist_) return;
    view_->gather_state();
    view_->gather_all_weights();
  }
  const double* signals() const override { return net_.signals.value.data(); }
  void state(Archive& a, uint64_t n) override;
  void prepare_checkpoint(uint64_t) override {
    if (dist_) view_->gather_checkpoint();
  }
  const char* engine() const override { return "cpu"; }
  void report(RunResult& res) override {
    res.pair_rewards = pair_rewards_.triggered();
    res.threads = team_;
    res.phase_s = clock_.seconds();
    if (!dist_) return;
    res.ranks = comm_.size();
    res.interval_steps = interval_;
    res.exchanges = exchanges_;
    res.exchange_words = exchange_words_;
    res.exchange_s = exchange_s_;
  }

 private:
  // Up to k steps with team_ threads; `stopped`: the run loop asked to stop.
  uint64_t run_steps(uint64_t n0, uint64_t k, RunLoop& loop, bool& stopped);
  // Phase 3 (one thread); `flush`: the last step of a communication interval (distributed).
  void emit(uint64_t n, bool flush);
  void exchange();  // phase 3, distributed: every rank's spikes of the interval's steps held so far (held_)
  // Thread tid's share of this rank's neurons of population p.
  void share(int p, int tid, uint32_t& lo, uint32_t& hi) const { thread_share(net_.part.lo(p), net_.part.hi(p), tid, team_, lo, hi); }
  void deliver(int tid, uint32_t now);   // phase 4a (every thread)
  void plasticity(int tid, uint32_t now);  // phases 4b, 4c (every thread)
  void sync() const {
    // With one thread no OpenMP construct is entered: libgomp's barriers of a team of one
    // still cost a futex call each.
    if (team_ > 1) {
#pragma omp barrier
    }
  }

  Network& net_;
  Comm& comm_;
  RankView* view_;  // a distributed run's (else null)
  bool dist_;       // more than one rank
  std::vector<uint32_t> send_, recv_;  // the exchange's buffers: a stop flag, counts, spikes
  std::vector<int> recv_counts_;
  bool stop_sent_ = false, stop_any_ = false;  // this rank's stop request, sent with the next step's spikes
  // The communication interval (distributed): the network's shortest delay in steps, so that
  // a spike reaches no synapse before the interval it was fired in has been exchanged; 1
  // where something reads every step's spikes of every rank in that step (global signals,
  // a task, partner traces). Longer intervals hold their steps: held_[j][pop] the spikes
  // of step held_first_ + j of every rank, handed to the loop when the interval ends.
  uint32_t interval_ = 1;
  uint64_t exchanges_ = 0, exchange_words_ = 0;
  double exchange_s_ = 0.0;
  void allgather() {  // the exchange's one collective, counted and timed
    const auto t0 = std::chrono::steady_clock::now();
    comm_.allgather(send_, recv_, recv_counts_);
    exchange_s_ += seconds_since(t0);
    ++exchanges_;
    exchange_words_ += send_.size();
  }
  std::vector<std::vector<std::vector<uint32_t>>> held_;
  std::vector<std::vector<uint32_t>> held_counts_;
  uint64_t held_first_ = 0;
  size_t held_n_ = 0;
  int nthreads_;  // the projections are partitioned for this many (the most a team has)
  int team_;      // threads stepping now (choice_.team): nthreads_, or 1 where it measured faster
  TeamChoice choice_;
  Scheduler sched_;  // the file's rewards, Poisson rate changes, rewards triggered by pairs
  PairRewards pair_rewards_;
  std::vector<size_t> plastic_, trial_projs_;
  std::vector<std::vector<uint32_t>> trial_counts_;  // per population read by trial rules: spikes per neuron in the trial
  std::vector<HookCtx> hook_;  // what plasticity hooks read of each projection's target population
  // local_[tid][pop]: spikes found by a thread this step; step_spikes_[pop]: all, ascending.
  std::vector<std::vector<std::vector<uint32_t>>> local_;
  std::vector<std::vector<uint32_t>> step_spikes_;
  std::vector<uint32_t> step_counts_;
  PhaseClock clock_;
};

CpuBackend::CpuBackend(Network& net, const RunOptions& opt, RankView* view)
    : net_(net), comm_(comm_or_solo(opt.comm)), view_(view), dist_(comm_.size() > 1), nthreads_(cpu_threads(net, opt, omp_get_max_threads())),  // opt.threads when simulate set it
      team_(nthreads_), choice_(nthreads_, opt.measure_threads),
      pair_rewards_(net.spec.signals, net.spec.run.seed), clock_(opt.profile) {
  const size_t n_pops = net.pops.size();
  Signals* sig = &net.signals;
  for (const ScheduledReward& r : scheduled_rewards(net.spec.signals, net.spec.run.dt))  // in the signal at r.stamp
    sched_.at(r.stamp - 1, [sig, r] { sig->add(r.signal, r.amount); });
  for (size_t i = 0; i < n_pops; ++i) {
    Population* pop = &net.pops[i];
    for (const auto& [step, thr] : rate_schedule(net.spec.populations[i].rates, net.spec.populations[i].rate_times, net.spec.run.dt))
      sched_.at(step, [pop, thr = thr] { pop->threshold = thr; });
  }
  for (size_t i = 0; i < net.projs.size(); ++i)
    if (net.projs[i].plastic) plastic_.push_back(i);
  trial_counts_.resize(n_pops);
  if (net.spec.task.active())
    for (size_t i : plastic_)
      if (net.projs[i].plastic->at_trial_ends()) {
        trial_projs_.push_back(i);
        for (int p : {net.projs[i].source, net.projs[i].target}) trial_counts_[p].assign(net.pops[p].size, 0);
      }
  hook_.resize(net.projs.size());
  for (size_t i = 0; i < net.projs.size(); ++i) {
    Population& tgt = net.pops[net.projs[i].target];
    hook_[i].post_state = {tgt.var(tgt.v_var), tgt.var(tgt.ex_var), tgt.var(tgt.in_var), tgt.v_offset};
    hook_[i].signals = net.signals.value.data();
  }
  for (auto& proj : net.projs) proj.partition(nthreads_, net.part.lo(proj.target), net.part.hi(proj.target));
  local_.assign(nthreads_, std::vector<std::vector<uint32_t>>(n_pops));
  step_spikes_.resize(n_pops);
  step_counts_.resize(n_pops);
  if (dist_) {
    uint64_t shortest = kMaxInterval;
    for (const Projection& proj : net.projs)
      if (proj.csr.size()) shortest = std::min<uint64_t>(shortest, proj.csr.delay_min);
    shortest = comm_.min(shortest);  // over every rank's tables
    for (Projection& proj : net.projs) {
      // Every rank's rings as long as the whole table's (a checkpoint saves rank 0's), and a
      // plastic projection's one delay also where this rank has none of its synapses.
      const uint64_t slots = comm_.max(proj.queue.size());
      if (proj.queue.size() != slots) proj.queue.assign(slots, {});
      if (proj.plastic) {
        const uint64_t d = comm_.min(proj.csr.size() ? proj.csr.delay_min : 65535);
        proj.plastic->delay = d == 65535 ? proj.csr.delay_min : static_cast<uint32_t>(d);  // no synapse anywhere: as one process
      }
    }
    bool every_step = !net.spec.signals.empty() || net.spec.task.active();
    for (size_t i : plastic_) every_step = every_step || net.projs[i].plastic->partner.active();
    interval_ = every_step ? 1u : static_cast<uint32_t>(shortest);
  }
}

void CpuBackend::state(Archive& a, uint64_t n) {
  // Distributed: rank 0 saves the whole network gathered into the view (prepare_checkpoint);
  // a resumed rank was given its part of the checkpoint's network before the run
  // (restrict_network). What follows every rank holds alike.
  if (!dist_) network_state(net_, a, true);
  else if (!a.loading()) network_state(view_->network(), a, true);
  pair_rewards_.state(a, "engine/pair_rewards");
  if (a.loading()) sched_.drop_before(n);  // rate changes and the file's rewards: made again by the constructor
  sched_.state(a, "engine/scheduler", net_.signals);
  a.nested("engine/trial_counts", trial_counts_);
  if (a.loading())  // weights_equal and the rows' splits from the restored weights
    for (auto& proj : net_.projs) proj.partition(nthreads_, net_.part.lo(proj.target), net_.part.hi(proj.target));
}

void CpuBackend::end_trial(uint64_t step, double feedback, double reward, int action) {
  for (size_t i : trial_projs_) {
    Projection& pr = net_.projs[i];
    if (!pr.plastic->trial.learns_on(action)) continue;
    const TrialCtx ctx = pr.plastic->trial_ctx(feedback, reward, net_.signals.value.data(), net_.spec.task.trial_ms);
    pr.plastic->on_trial(pr, step, trial_counts_[pr.source].data(), trial_counts_[pr.target].data(), ctx);
  }
  for (auto& c : trial_counts_) std::fill(c.begin(), c.end(), 0u);
}

void CpuBackend::emit(uint64_t n, bool flush) {
  clock_.lap(kPhaseNeurons);
  for (size_t p = 0; p < step_spikes_.size(); ++p) {
    auto& all = step_spikes_[p];
    all.clear();
    for (int k = 0; k < team_; ++k) all.insert(all.end(), local_[k][p].begin(), local_[k][p].end());
  }
  if (dist_) {  // this rank's spikes held until the interval ends (the exchange's record)
    if (held_n_ == 0) {
      send_.assign(1, stop_sent_ ? 1u : 0u);
      held_first_ = n;
    }
    for (const auto& sp : step_spikes_) send_.push_back(static_cast<uint32_t>(sp.size()));
    for (const auto& sp : step_spikes_) send_.insert(send_.end(), sp.begin(), sp.end());
    ++held_n_;
    if (interval_ > 1) {  // step_spikes_ stays this rank's (on_post reads them)
      for (size_t i : plastic_) net_.projs[i].plastic->advance(static_cast<uint32_t>(n + 1), net_.signals);
      if (flush) exchange();
      clock_.lap(kPhaseExchange);
      return;
    }
    exchange();  // an interval of one step: every rank's spikes of the step, in rank order (= ascending)
    step_spikes_.swap(held_[0]);
    held_n_ = 0;
  }
  for (size_t p = 0; p < step_spikes_.size(); ++p) {
    const auto& all = step_spikes_[p];
    step_counts_[p] = static_cast<uint32_t>(all.size());
    if (!trial_counts_[p].empty())
      for (uint32_t i : all) ++trial_counts_[p][i];
  }
  pair_rewards_.on_step(step_spikes_, n + 1, net_.spec.run.dt, sched_, net_.signals);
  net_.signals.step(step_spikes_);  // global signals at t_{n+1}, read in phase 4
  for (size_t i : plastic_) net_.projs[i].plastic->advance(static_cast<uint32_t>(n + 1), net_.signals);
  for (auto& proj : net_.projs) proj.push(n + 1, step_spikes_[proj.source]);
  clock_.lap(kPhaseExchange);
}

// One collective per interval: [stop flag, then per step: counts per population, spikes]
// from every rank, decoded into held_ (the ranks own ascending ranges: rank order is
// ascending order). With an interval of several steps their spikes enter the delay rings
// here, the earliest needed `interval_` steps after it was fired, i.e. after this exchange;
// with one step emit() goes on as in one process.
void CpuBackend::exchange() {
  const size_t n_pops = step_spikes_.size();
  allgather();
  if (held_.size() < held_n_) {
    held_.resize(held_n_, std::vector<std::vector<uint32_t>>(n_pops));
    held_counts_.resize(held_n_, std::vector<uint32_t>(n_pops));
  }
  for (size_t j = 0; j < held_n_; ++j)
    for (auto& s : held_[j]) s.clear();
  size_t at = 0;
  for (int r = 0; r < comm_.size(); ++r) {
    const uint32_t* rec = recv_.data() + at;
    stop_any_ = stop_any_ || rec[0] != 0;
    const uint32_t* w = rec + 1;
    for (size_t j = 0; j < held_n_; ++j) {
      const uint32_t* counts = w;
      w += n_pops;
      for (size_t p = 0; p < n_pops; ++p) {
        held_[j][p].insert(held_[j][p].end(), w, w + counts[p]);
        w += counts[p];
      }
    }
    at += recv_counts_[r];
  }
  if (interval_ == 1) return;
  for (size_t j = 0; j < held_n_; ++j) {
    for (size_t p = 0; p < n_pops; ++p) held_counts_[j][p] = static_cast<uint32_t>(held_[j][p].size());
    for (auto& proj : net_.projs) proj.push(held_first_ + j + 1, held_[j][proj.source]);
  }
}

void CpuBackend::deliver(int tid, uint32_t now) {
  uint32_t lo, hi;
  for (size_t i = 0; i < net_.projs.size(); ++i) {  // each thread to its own targets
    Projection& proj = net_.projs[i];
    Population& tgt = net_.pops[proj.target];
    share(proj.target, tid, lo, hi);
    float* input = tgt.receptor(proj.receptor);
    const TargetPart part{lo, hi, tid, team_};
    if (proj.plastic) proj.plastic->deliver(proj, now, input, part, hook_[i]);
    else proj.deliver(now, input, part);
  }
  for (const PoissonInput& in : net_.poisson_inputs) {  // poisson_generators' trains, after the projections
    const PoissonDrive d = in.view();
    if (!d.active(now)) continue;
    Population& tgt = net_.pops[in.target];
    share(in.target, tid, lo, hi);
    float* input = tgt.receptor(in.receptor);
    for (uint32_t j = lo; j < hi; ++j) d.add(input, j, now);
  }
}

void CpuBackend::plasticity(int tid, uint32_t now) {
  uint32_t lo, hi;
  sync();
  if (tid == 0) clock_.lap(kPhaseDelivery);
  for (size_t i : plastic_) {  // 4b: presynaptic traces of this step's arrivals
    Projection& proj = net_.projs[i];
    if (now < proj.plastic->delay) continue;
    const auto& arr = proj.arrivals(now, proj.plastic->delay);
    thread_share(arr.size(), tid, team_, lo, hi);
    proj.plastic->bump_pre(arr, lo, hi, now);
  }
  sync();
  for (size_t i : plastic_) {  // 4c: on_post, each thread its own targets
    Projection& proj = net_.projs[i];
    share(proj.target, tid, lo, hi);
    proj.plastic->on_post(proj, step_spikes_[proj.target], lo, hi, now, hook_[i]);
  }
}

uint64_t CpuBackend::advance(uint64_t n0, uint64_t k, RunLoop& loop) {
  uint64_t done = 0;
  bool stopped = false;
  while (done < k && !stopped) {  // in spans of one team (cpu/thread_count.hpp)
    const uint64_t n = n0 + done;
    team_ = choice_.team(n);
    const auto t0 = std::chrono::steady_clock::now();
    const uint64_t got = run_steps(n, choice_.span(n, k - done), loop, stopped);
    choice_.ran(n, got, seconds_since(t0));
    done += got;
  }
  return done;
}

uint64_t CpuBackend::run_steps(uint64_t n0, uint64_t k, RunLoop& loop, bool& stopped) {
  const size_t n_pops = net_.pops.size();
  const bool plastic = !plastic_.empty();
  bool stop = false;
  uint64_t done = 0;
  std::exception_ptr failure;  // an exception in a serial phase ends the run after the region
#pragma omp parallel num_threads(team_) if (team_ > 1)
  {
    const int tid = omp_get_thread_num();
    uint32_t lo, hi;
    if (tid == 0) sched_.run_due(n0);  // 1. events of the first step (later steps': in phase 5)
    sync();
    for (uint64_t n = n0; n < n0 + k; ++n) {
      for (size_t p = 0; p < n_pops; ++p) {  // 2. update
        local_[tid][p].clear();
        share(static_cast<int>(p), tid, lo, hi);
        net_.pops[p].update(lo, hi, static_cast<uint32_t>(n), local_[tid][p]);
      }
      sync();
      const bool flush = (n + 1 - n0) % interval_ == 0 || n + 1 == n0 + k;  // an interval ends (distributed)
      if (tid == 0) try {  // 3. emit
        emit(n, flush);
      } catch (...) {
        failure = std::current_exception();
      }
      sync();
      const auto now = static_cast<uint32_t>(n + 1);
      deliver(tid, now);  // 4. deliver (+ on_pre)
      if (plastic) plasticity(tid, now);
      sync();
      if (tid == 0) try {  // 5. record, progress, stop
        clock_.lap(plastic ? kPhasePlasticity : kPhaseDelivery);
        for (size_t i : plastic_)  // partner traces (after the hooks of this step, like xpost)
          if (net_.projs[i].plastic->partner.active()) net_.projs[i].plastic->bump_partner(step_spikes_, now);
        done = n + 1 - n0;
        bool asked = false;
        if (interval_ == 1) {
          asked = loop.after_step({n + 1, &step_spikes_, step_counts_.data(), net_.signals.value.data()});
        } else if (flush) {  // the interval's steps, now that every rank's spikes are here
          for (size_t j = 0; j < held_n_; ++j)
            asked = loop.after_step({held_first_ + j + 1, &held_[j], held_counts_[j].data(), net_.signals.value.data()}) || asked;
          held_n_ = 0;
        }
        // Distributed: a rank's stop request goes out with the next interval's spikes, and
        // every rank stops after the interval in which one was received.
        stop_sent_ = stop_sent_ || asked;
        stop = (dist_ ? stop_any_ : asked) || failure;
        clock_.lap(kPhaseRecording);
        // 1. the next step's events, in this serial phase: one barrier fewer per step.
        if (!stop && n + 1 < n0 + k) sched_.run_due(n + 1);
      } catch (...) {
        failure = std::current_exception();
        stop = true;
      }
      sync();
      if (stop) break;
    }
  }
  stopped = stop;
  if (failure) std::rethrow_exception(failure);
  return done;
}

}  // namespace

std::unique_ptr<Backend> make_cpu_backend(Network& net, const RunOptions& opt, RankView* view) {
  selected_isa();  // a bad SPIKESIM_ISA fails here, before the threads start (core/isa.hpp)
  return std::make_unique<CpuBackend>(net, opt, view);
}

}  // namespace spikesim
