// The device engine's host side: copies a built Network into device memory, issues one
// step's launches (gpu/kernels.hpp) through a Launcher, and every chunk of steps copies back
// the spikes recorded on the device, the spike counts and the signals, and streams them into
// the same monitor files as the CPU engine (core/monitors.hpp). See gpu/README.md.
#include "gpu/engine.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/error.hpp"
#include "core/monitors.hpp"
#include "core/progress.hpp"
#include "core/scheduler.hpp"
#include "core/stop_signal.hpp"
#include "core/task.hpp"
#include "gpu/device_network.hpp"
#include "plasticity/plasticity.hpp"

namespace spikesim {

namespace {

std::string device_rule_names() {
  std::string s;
#define SPIKESIM_RULE_NAME(R, name) s += (s.empty() ? "" : ", ") + std::string(name);
  SPIKESIM_DEVICE_RULES(SPIKESIM_RULE_NAME)
#undef SPIKESIM_RULE_NAME
  return s;
}

// The record of a chunk in (stamp, id) order. Steps run one after another, so the entries
// already come in stamp order; only each step's run is unordered (atomic appends). Each run
// is sorted on its own, the runs in parallel.
void sort_record(std::vector<uint64_t>& entries) {
  std::vector<size_t> runs{0};
  for (size_t i = 1; i < entries.size(); ++i) {
    const uint64_t a = entries[i - 1] >> 32, b = entries[i] >> 32;
    if (b < a) {  // not in stamp order after all: sort the whole chunk
      std::sort(entries.begin(), entries.end());
      return;
    }
    if (b != a) runs.push_back(i);
  }
  runs.push_back(entries.size());
  const auto n_runs = static_cast<int64_t>(runs.size() - 1);
#pragma omp parallel for schedule(dynamic, 8) if (entries.size() > 65536)
  for (int64_t r = 0; r < n_runs; ++r) std::sort(entries.begin() + runs[r], entries.begin() + runs[r + 1]);
}

}  // namespace

void check_device_support(const NetworkSpec& spec) {
  const std::string cpu = "; run it with --device cpu";
  for (const SignalSpec& s : spec.signals)
    for (const PairReward& r : s.pair_rewards)
      if (!std::isfinite(r.delay.max_value()))
        throw SpecError(s.ptr + "/rewards/on_pair",
                        "on the device a pair reward's delay needs an upper bound (\"max\" of a normal draw)" + cpu);
  for (const ProjectionSpec& p : spec.projections) {
    if (!p.plasticity) continue;
    const void* params = nullptr;
    if (device_rule(*p.plasticity, params) < 0)
      throw SpecError(p.ptr + "/plasticity/rule", "rule \"" + p.plasticity->rule + "\" runs on the CPU engine only (on the device: " +
                                                     device_rule_names() + ")" + cpu);
  }
}

RunResult simulate_device(Network& net, const RunOptions& opt, Launcher& L) {
  const auto wall0 = std::chrono::steady_clock::now();
  check_device_support(net.spec);
  RunResult res;
  const size_t n_pops = net.pops.size(), n_sig = net.signals.value.size();
  const double dt = net.spec.run.dt;
  const uint64_t n_steps = net.steps();
  res.spike_counts.assign(n_pops, 0);
  Monitors mon = open_monitors(net, res, opt.threads > 0 ? opt.threads : omp_get_max_threads());
  DeviceNetwork dn(net, opt, mon, L);
  // Host events between chunks: a task's trial events (core/task.hpp), whose trial rules
  // then run on the device from the device's per-neuron trial counts.
  Scheduler sched;
  std::unique_ptr<TaskRunner> task;
  const std::vector<size_t> trial_projs = trial_projections(net);
  if (net.spec.task.active()) {
    task = std::make_unique<TaskRunner>(net.spec.task, net.pops, res.spike_counts, net.signals, sched, dt, net.spec.run.seed,
                                        opt.log_trials);
    task->on_trial_end([&](const TrialRecord& r) {
      const auto now = static_cast<uint64_t>(std::llround(r.t_end / dt));
      for (size_t i : trial_projs)
        if (now >= net.projs[i].plastic->learn_from) dn.trial(i, r.feedback);
      dn.clear_trial_counts();
    });
  }
  res.device_bytes = dn.dev.bytes;
  res.device_synapse_bytes = dn.synapse_bytes;
  const DevRecord& rec = dn.rec;
  const DevEmit& emit = dn.emit;
  const std::vector<int>& rec_pop = dn.rec_pop;
  const std::vector<uint32_t>& rec_offset = dn.rec_offset;
  const uint64_t recorded = dn.recorded;
  for (auto& r : mon.reports) r.file->record(r.state, r.offset);  // row 0: t = 0
  record_signals(mon, net.signals.value.data(), 0);
  Progress progress(opt.progress, net.spec.run.tstop);
  res.setup_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  std::vector<uint32_t> count_hist(static_cast<size_t>(kHistory) * n_pops);
  std::vector<double> signal_hist(static_cast<size_t>(kHistory) * n_sig);
  std::vector<uint64_t> entries;
  std::vector<std::vector<uint32_t>> ids(n_pops);
  auto last_flush = std::chrono::steady_clock::now();
  bool stop = false;
  uint64_t n = 0;
  const auto loop0 = std::chrono::steady_clock::now();
  while (n < n_steps && !stop) {
    sched.run_due(n);  // phase 1 of step n
    dn.upload_events();
    uint64_t k = std::min<uint64_t>({kHistory, n_steps - n, dn.rec_steps, sched.next_step() - n});
    for (const auto& r : mon.reports) {  // end the chunk where a state or weights report is due
      const uint64_t due = (n / r.stride + 1) * r.stride;
      if (due < n_steps) k = std::min(k, due - n);
    }
    L.run_steps(k, [&] { dn.step(); });
    L.download(count_hist.data(), emit.count_hist, count_hist.size() * sizeof(uint32_t));
    L.download(signal_hist.data(), emit.signal_hist, signal_hist.size() * sizeof(double));
    uint32_t n_rec = 0;
    if (recorded) {
      L.download(&n_rec, rec.count, sizeof n_rec);
      if (n_rec > rec.capacity) throw RunError("device spike record overflowed (an engine defect)");
      entries.resize(n_rec);
      L.download(entries.data(), rec.entries, n_rec * sizeof(uint64_t));
      L.zero(rec.count, sizeof(uint32_t));
      sort_record(entries);
    }
    size_t e = 0;
    for (uint64_t step = n; step < n + k; ++step) {  // step `step` stamps its spikes step + 1
      const uint64_t stamp = step + 1, h = step % kHistory;
      for (size_t p = 0; p < n_pops; ++p) res.spike_counts[p] += count_hist[h * n_pops + p];
      if (recorded) {
        for (auto& v : ids) v.clear();
        size_t slot = 0;
        for (; e < entries.size() && (entries[e] >> 32) == stamp; ++e) {
          const auto id = static_cast<uint32_t>(entries[e]);
          while (slot + 1 < rec_pop.size() && id >= rec_offset[rec_pop[slot + 1]]) ++slot;
          ids[rec_pop[slot]].push_back(id - rec_offset[rec_pop[slot]]);
        }
        for (size_t p = 0; p < n_pops; ++p)
          if (!ids[p].empty()) mon.spikes->add(mon.spike_slot[p], static_cast<double>(stamp) * dt, ids[p]);
      }
      if (stamp < n_steps) record_signals(mon, signal_hist.data() + h * n_sig, stamp);
      record_rates(mon, net, res.spike_counts, stamp);
    }
    n += k;
    res.steps = n;
    if (n < n_steps) {
      bool due = false;
      for (const auto& r : mon.reports) due = due || n % r.stride == 0;
      if (due) {
        for (const auto& r : mon.reports)
          if (n % r.stride == 0 && r.lazy_projection >= 0) dn.settle(static_cast<size_t>(r.lazy_projection), n);
        dn.download(false, n);
        for (auto& r : mon.reports)
          if (n % r.stride == 0) r.file->record(r.state, r.offset);
      }
    }
    progress.update(static_cast<double>(n) * dt);
    const auto now = std::chrono::steady_clock::now();
    if (mon.spikes && now - last_flush > std::chrono::seconds(2)) {
      mon.spikes->flush();
      last_flush = now;
    }
    stop = stop_requested();
  }
  res.loop_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - loop0).count();
  progress.done();
  const auto finish0 = std::chrono::steady_clock::now();
  res.interrupted = res.steps < n_steps;
  if (!res.interrupted) {  // events due at t_stop (a task's last trial end)
    sched.run_due(n_steps);
    dn.upload_events();
  }
  for (size_t i : mon.plastic) dn.settle(i, res.steps);  // lazy rules: every weight up to the time reached
  dn.download(true, res.steps);
  res.pair_rewards = dn.pair_rewards();
  finish_outputs(net, mon, res, task.get());
  res.finish_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - finish0).count();
  res.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  return res;
}

RunResult simulate_device(Network& net, const RunOptions& opt) {
  std::unique_ptr<Launcher> l = opt.device == Device::kCuda ? make_cuda_launcher() : make_host_launcher();
  return simulate_device(net, opt, *l);
}

}  // namespace spikesim
