#include "core/simulation.hpp"

#include <omp.h>

#include <chrono>
#include <exception>
#include <memory>

#include "core/monitors.hpp"
#include "core/progress.hpp"
#include "core/scheduler.hpp"
#include "core/stop_signal.hpp"
#include "gpu/engine.hpp"
#include "io/series_file.hpp"
#include "io/spike_file.hpp"
#include "io/state_report.hpp"
#include "neurons/models.hpp"
#include "neurons/poisson.hpp"
#include "plasticity/plasticity.hpp"

namespace spikesim {

namespace {

// Scheduled events from the file: rewards into signals and Poisson rate changes.
void schedule_events(Network& net, Scheduler& sched) {
  Signals* sig = &net.signals;
  for (const ScheduledReward& r : scheduled_rewards(net.spec.signals, net.spec.run.dt))  // in the signal at r.stamp
    sched.at(r.stamp - 1, [sig, r] { sig->add(r.signal, r.amount); });
  for (size_t i = 0; i < net.pops.size(); ++i) {
    Population* pop = &net.pops[i];
    for (const auto& [step, thr] : PoissonSource::schedule(net.spec.populations[i].rates, net.spec.populations[i].rate_times, net.spec.run.dt))
      sched.at(step, [pop, thr = thr] { pop->threshold = thr; });
  }
}

}  // namespace

RunResult simulate(Network& net, const RunOptions& opt) {
  if (opt.device != Device::kCpu) return simulate_device(net, opt);
  const auto wall0 = std::chrono::steady_clock::now();
  RunResult res;
  res.spike_counts.assign(net.pops.size(), 0);
  Scheduler sched;
  schedule_events(net, sched);
  PairRewards pair_rewards(net.spec.signals, net.spec.run.seed);
  // A task, and the per-neuron spike counts of a trial for the populations trial rules read.
  std::unique_ptr<TaskRunner> task;
  std::vector<std::vector<uint32_t>> trial_counts(net.pops.size());
  const std::vector<size_t> trial_projs = trial_projections(net);
  for (size_t i : trial_projs)
    for (int p : {net.projs[i].source, net.projs[i].target}) trial_counts[p].assign(net.pops[p].size, 0);
  if (net.spec.task.active()) {
    task = std::make_unique<TaskRunner>(net.spec.task, net.pops, res.spike_counts, net.signals, sched, net.spec.run.dt,
                                        net.spec.run.seed, opt.log_trials);
    task->on_trial_end([&](const TrialRecord& rec) {
      const TrialCtx ctx{rec.feedback, net.signals.value.data()};
      for (size_t i : trial_projs) {
        Projection& pr = net.projs[i];
        pr.plastic->on_trial(pr, static_cast<uint64_t>(std::llround(rec.t_end / net.spec.run.dt)), trial_counts[pr.source].data(),
                             trial_counts[pr.target].data(), ctx);
      }
      for (auto& c : trial_counts) std::fill(c.begin(), c.end(), 0u);
    });
  }

  const double dt = net.spec.run.dt;
  const uint64_t n_steps = net.steps();
  const int nthreads = opt.threads > 0 ? opt.threads : omp_get_max_threads();
  Monitors mon = open_monitors(net, res, nthreads);
  const size_t n_pops = net.pops.size();
  // local[tid][pop]: spikes found by a thread this step; step_spikes[pop]: all, ascending.
  std::vector<std::vector<std::vector<uint32_t>>> local(nthreads, std::vector<std::vector<uint32_t>>(n_pops));
  std::vector<std::vector<uint32_t>> step_spikes(n_pops);
  Progress progress(opt.progress, net.spec.run.tstop);
  auto last_flush = std::chrono::steady_clock::now();
  bool stop = false;
  std::exception_ptr failure;  // an exception in a serial phase ends the run after the region

  for (auto& r : mon.reports) r.file->record(r.state, r.offset);  // row 0: t = 0
  record_signals(mon, net.signals.value.data(), 0);
  // What plasticity hooks may read of each projection's postsynaptic population.
  std::vector<HookCtx> hook(net.projs.size());
  for (size_t i = 0; i < net.projs.size(); ++i) {
    Population& tgt = net.pops[net.projs[i].target];
    hook[i].post_state = {tgt.V.empty() ? nullptr : tgt.V.data(), tgt.ex.empty() ? nullptr : tgt.ex.data(),
                          tgt.in.empty() ? nullptr : tgt.in.data(), tgt.E_L};
    hook[i].signals = net.signals.value.data();
  }
  const bool plastic = !mon.plastic.empty();
  for (auto& proj : net.projs) proj.partition(nthreads, net.pops[proj.target].size);
  PhaseClock clock(opt.profile);
  res.setup_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();

  // With one thread no OpenMP construct is entered: libgomp's barriers of a team of one
  // still cost a futex call each.
  auto sync = [nthreads] {
    if (nthreads > 1) {
#pragma omp barrier
    }
  };
  const auto loop0 = std::chrono::steady_clock::now();
#pragma omp parallel num_threads(nthreads) if (nthreads > 1)
  {
    const int tid = omp_get_thread_num();
    uint32_t lo, hi;
    for (uint64_t n = 0; n < n_steps; ++n) {
      if (tid == 0) sched.run_due(n);  // 1. events
      sync();
      for (size_t p = 0; p < n_pops; ++p) {  // 2. update
        local[tid][p].clear();
        thread_share(net.pops[p].size, tid, nthreads, lo, hi);
        net.pops[p].update(lo, hi, static_cast<uint32_t>(n), local[tid][p]);
      }
      sync();
      if (tid == 0) try {  // 3. emit
        clock.lap(kPhaseNeurons);
        const double t = static_cast<double>(n + 1) * dt;
        for (size_t p = 0; p < n_pops; ++p) {
          auto& all = step_spikes[p];
          all.clear();
          for (int k = 0; k < nthreads; ++k) all.insert(all.end(), local[k][p].begin(), local[k][p].end());
          res.spike_counts[p] += all.size();
        }
        for (size_t p = 0; p < n_pops; ++p)
          if (!trial_counts[p].empty())
            for (uint32_t i : step_spikes[p]) ++trial_counts[p][i];
        pair_rewards.on_step(step_spikes, n + 1, dt, sched, net.signals);
        net.signals.step(step_spikes);  // global signals at t_{n+1}, read in phase 4
        for (size_t i : mon.plastic) net.projs[i].plastic->advance(static_cast<uint32_t>(n + 1), net.signals);
        for (auto& proj : net.projs) proj.push(n + 1, step_spikes[proj.source]);
        clock.lap(kPhaseExchange);
        for (size_t p = 0; p < n_pops; ++p)
          if (mon.spike_slot[p] >= 0 && !step_spikes[p].empty()) mon.spikes->add(mon.spike_slot[p], t, step_spikes[p]);
        clock.lap(kPhaseRecording);
      } catch (...) {
        failure = std::current_exception();
      }
      sync();
      const auto now = static_cast<uint32_t>(n + 1);
      for (size_t i = 0; i < net.projs.size(); ++i) {  // 4. deliver (+ on_pre), each thread to its own targets
        Projection& proj = net.projs[i];
        Population& tgt = net.pops[proj.target];
        thread_share(tgt.size, tid, nthreads, lo, hi);
        float* input = tgt.receptor(proj.receptor);
        const TargetPart part{lo, hi, tid, nthreads};
        if (proj.plastic) proj.plastic->deliver(proj, now, input, part, hook[i]);
        else proj.deliver(now, input, part);
      }
      if (plastic) {  // 4b. presynaptic traces of this step's arrivals; 4c. on_post
        sync();
        if (tid == 0) clock.lap(kPhaseDelivery);
        for (size_t i : mon.plastic) {
          Projection& proj = net.projs[i];
          if (now < proj.plastic->delay) continue;
          const auto& arr = proj.arrivals(now, proj.plastic->delay);
          thread_share(arr.size(), tid, nthreads, lo, hi);
          proj.plastic->bump_pre(arr, lo, hi, now);
        }
        sync();
        for (size_t i : mon.plastic) {
          Projection& proj = net.projs[i];
          thread_share(net.pops[proj.target].size, tid, nthreads, lo, hi);
          proj.plastic->on_post(proj, step_spikes[proj.target], lo, hi, now, hook[i]);
        }
      }
      sync();
      if (tid == 0) try {  // 5. record, progress, stop
        clock.lap(plastic ? kPhasePlasticity : kPhaseDelivery);
        const double t = static_cast<double>(n + 1) * dt;
        for (size_t i : mon.plastic)  // partner traces (after the hooks of this step, like xpost)
          if (net.projs[i].plastic->partner.active()) net.projs[i].plastic->bump_partner(step_spikes, static_cast<uint32_t>(n + 1));
        if (n + 1 < n_steps)
          for (auto& r : mon.reports)
            if ((n + 1) % r.stride == 0) {
              if (r.lazy_projection >= 0)
                net.projs[r.lazy_projection].plastic->settle(net.projs[r.lazy_projection], static_cast<uint32_t>(n + 1),
                                                             hook[r.lazy_projection]);
              r.file->record(r.state, r.offset);
            }
        if (n + 1 < n_steps) record_signals(mon, net.signals.value.data(), n + 1);
        record_rates(mon, net, res.spike_counts, n + 1);
        res.steps = n + 1;
        progress.update(t);
        const auto now = std::chrono::steady_clock::now();
        if (mon.spikes && now - last_flush > std::chrono::seconds(2)) {
          mon.spikes->flush();
          last_flush = now;
        }
        stop = stop_requested() || failure;
        clock.lap(kPhaseRecording);
      } catch (...) {
        failure = std::current_exception();
        stop = true;
      }
      sync();
      if (stop) break;
    }
  }
  res.loop_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - loop0).count();
  progress.done();
  res.phase_s = clock.seconds();
  res.pair_rewards = pair_rewards.triggered();
  const auto finish0 = std::chrono::steady_clock::now();
  if (failure) std::rethrow_exception(failure);
  res.interrupted = stop && res.steps < n_steps;
  // Events due at t_stop (e.g. the end of a task's last trial) run when the run completed.
  if (!res.interrupted) sched.run_due(n_steps);
  for (size_t i : mon.plastic)  // lazy rules: every weight up to the time reached
    net.projs[i].plastic->settle(net.projs[i], static_cast<uint32_t>(res.steps), hook[i]);
  finish_outputs(net, mon, res, task.get());
  res.finish_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - finish0).count();
  res.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  return res;
}

}  // namespace spikesim
