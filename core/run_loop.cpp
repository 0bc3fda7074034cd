#include "core/run_loop.hpp"

#include <algorithm>
#include <cmath>

#include "core/phase_clock.hpp"
#include "core/stop_signal.hpp"
#include "core/task.hpp"

namespace spikesim {

std::vector<int> recorded_populations(const std::vector<std::unique_ptr<Monitor>>& monitors, size_t n_pops) {
  std::vector<bool> rec(n_pops, false);
  for (const auto& m : monitors)
    for (int p : m->spike_populations()) rec[p] = true;
  std::vector<int> out;
  for (size_t p = 0; p < n_pops; ++p)
    if (rec[p]) out.push_back(static_cast<int>(p));
  return out;
}

RunLoop::RunLoop(const NetworkSpec& spec, uint64_t n_steps, Backend& backend, std::vector<std::unique_ptr<Monitor>>& monitors,
                 Signals& signals, const RunOptions& opt, const Checkpointing& cp)
    : spec_(spec), n_steps_(n_steps), backend_(backend), monitors_(monitors), signals_(signals), cp_(cp),
      progress_(opt.progress ? Progress::kLine : opt.progress_plain ? Progress::kPlain : Progress::kOff, spec.run.tstop), live_(backend.live_state()),
      comm_(comm_or_solo(opt.comm)) {
  res_.spike_counts.assign(spec.populations.size(), 0);
  for (const auto& m : monitors_) {
    if (m->samples()) sampled_.push_back(m.get());
    res_.files.insert(res_.files.end(), m->files.begin(), m->files.end());
  }
  if (spec.task.active()) {
    const double dt = spec.run.dt;
    task_ = std::make_unique<TaskRunner>(spec.task, spec.populations[spec.task.stimulus].size, backend_, res_.spike_counts,
                                         signals, sched_, dt, spec.run.seed, opt.log_trials,
                                         static_cast<uint64_t>(std::ceil(spec.run.tstop / dt - 1e-9)));
    task_->on_trial_end([this, dt](const TrialRecord& r) {
      backend_.end_trial(static_cast<uint64_t>(std::llround(r.t_end / dt)), r.feedback, r.reward, r.action);
    });
  }
  // Current generators: each population's level at the start (a resumed run's too), then
  // its changes.
  for (int p = 0; p < static_cast<int>(spec.populations.size()); ++p) {
    double level = 0.0;
    bool any = false;
    for (const auto& [step, pA] : current_schedule(spec, p)) {
      any = true;
      if (step <= cp_.start) level = pA;
      else sched_.at(step, [this, p, pA = pA] { backend_.set_input_current(p, pA); });
    }
    if (any) backend_.set_input_current(p, level);
  }
  for (uint64_t period : backend_.periods())  // the first multiple of the period from the start on
    schedule_periodic(std::max(period, (cp_.start + period - 1) / period * period), period);
}

RunLoop::~RunLoop() = default;

// One host event at a time per period: each schedules the next.
void RunLoop::schedule_periodic(uint64_t step, uint64_t period) {
  if (step > n_steps_) return;
  sched_.at(step, [this, step, period] {
    backend_.periodic(step, period);
    schedule_periodic(step + period, period);
  });
}

bool RunLoop::states_due(uint64_t n) const {
  for (const Monitor* m : sampled_)
    if (m->due(n)) return true;
  return false;
}

void RunLoop::sample_states(uint64_t n) {
  // [due, lazy projections...]: in a distributed run rank 0's decision (its monitors), which
  // every rank calls this to receive (the gathers of sync_state are collective).
  decision_.clear();
  if (comm_.root()) {
    decision_.push_back(states_due(n) ? 1 : 0);
    for (const Monitor* m : sampled_)
      if (m->due(n) && m->lazy_projection() >= 0) decision_.push_back(static_cast<uint64_t>(m->lazy_projection()));
  }
  comm_.broadcast(decision_);
  if (decision_.empty() || decision_[0] == 0) return;
  lazy_due_.assign(decision_.begin() + 1, decision_.end());
  backend_.sync_state(n, lazy_due_);
  for (Monitor* m : sampled_)
    if (m->due(n)) m->sample_state();
}

void RunLoop::state(Archive& a, uint64_t n) {
  backend_.state(a, n);
  a.fixed("run/spike_counts", res_.spike_counts);
  if (task_) task_->state(a);
  if (a.loading()) sched_.drop_before(n);  // a task's trial events: made again by its constructor
  sched_.state(a, "run/scheduler", signals_);
  for (auto& m : monitors_) m->checkpoint(a);
  // The state samples of step n are taken unless n was the last step (a run that ended
  // there); a run resumed past it takes them now.
  bool sampled = n < n_steps_;
  a.flag("run/states_sampled", sampled);
  if (a.loading() && !sampled && n < n_steps_) {
    StepSample s;
    s.stamp = n;
    s.t = static_cast<double>(n) * spec_.run.dt;
    s.counts = &res_.spike_counts;
    s.signals = backend_.signals();
    for (auto& m : monitors_) m->resume_at(s);
    if (comm_.size() > 1 || states_due(n)) sample_states(n);  // every rank loads the same archive: all get here
  }
}

void RunLoop::checkpoint(uint64_t n) {
  const auto t0 = std::chrono::steady_clock::now();
  backend_.prepare_checkpoint(n);
  cp_.sink->write(n, [this, n](Archive& a) { state(a, n); });
  ++res_.checkpoints;
  res_.checkpoint_s += seconds_since(t0);
}

uint64_t RunLoop::chunk(uint64_t n) const {
  uint64_t k = std::min(n_steps_ - n, sched_.next_step() - n);
  if (cp_.sink && cp_.every) k = std::min(k, (n / cp_.every + 1) * cp_.every - n);
  if (!live_)  // end the chunk where a state or weights monitor samples
    for (const Monitor* m : sampled_) {
      const uint64_t due = m->next_due(n);
      if (due < n_steps_) k = std::min(k, due - n);
    }
  return k;
}

bool RunLoop::after_step(const StepView& v) {
  for (size_t p = 0; p < res_.spike_counts.size(); ++p) res_.spike_counts[p] += v.counts[p];
  StepSample s;
  s.stamp = v.stamp;
  s.last = v.stamp >= n_steps_;
  s.t = static_cast<double>(v.stamp) * spec_.run.dt;
  s.spikes = v.spikes;
  s.counts = &res_.spike_counts;
  s.signals = v.signals;
  for (auto& m : monitors_) m->step(s);
  if (live_ && !s.last && states_due(v.stamp)) sample_states(v.stamp);
  res_.steps = v.stamp;
  progress_.update(s.t);
  const auto now = std::chrono::steady_clock::now();
  if (now - last_flush_ > std::chrono::seconds(2)) {
    for (auto& m : monitors_) m->flush();
    last_flush_ = now;
  }
  return stop_requested();
}

RunResult RunLoop::run(std::chrono::steady_clock::time_point wall0) {
  uint64_t n = cp_.start;
  if (cp_.from) {  // a resumed run: state, task and files as they were at step n
    state(*cp_.from, n);
    res_.steps = n;
  } else {
    for (auto& m : monitors_) m->start(backend_.signals());  // row 0: t = 0
  }
  res_.setup_s = seconds_since(wall0);
  last_flush_ = std::chrono::steady_clock::now();
  const auto loop0 = std::chrono::steady_clock::now();
  bool stop = false;
  while (n < n_steps_ && !stop) {
    if (cp_.sink && cp_.every && n > cp_.start && n % cp_.every == 0) checkpoint(n);
    sched_.run_due(n);  // host events of step n, before the backend's own (phase 1)
    backend_.host_events_done();
    const bool ranks = comm_.size() > 1;
    const uint64_t k = ranks ? comm_.min(chunk(n)) : chunk(n);  // rank 0's monitors end chunks for all
    const uint64_t done = backend_.advance(n, k, *this);
    n += done;
    stop = done < k || (ranks ? comm_.any(stop_requested()) : stop_requested());
    if (!live_ && n < n_steps_ && (ranks || states_due(n))) sample_states(n);  // ranks: rank 0 decides
  }
  res_.loop_s = seconds_since(loop0);
  progress_.done();
  const auto finish0 = std::chrono::steady_clock::now();
  res_.interrupted = res_.steps < n_steps_;
  if (cp_.sink && res_.steps > cp_.start) checkpoint(res_.steps);  // where a resume continues
  if (!res_.interrupted) {  // host events due at t_stop (a task's last trial end)
    sched_.run_due(n_steps_);
    backend_.host_events_done();
  }
  backend_.finish(res_.steps);
  backend_.report(res_);
  RunEnd end;
  end.status = res_.interrupted ? "interrupted" : "complete";
  res_.t_reached_ms = static_cast<double>(res_.steps) * spec_.run.dt;
  end.t_reached_ms = res_.t_reached_ms;
  if (task_) res_.trials = task_->records();
  end.trials = task_ ? &res_.trials : nullptr;
  for (auto& m : monitors_) m->finish(end);
  res_.finish_s = seconds_since(finish0);
  res_.wall_s = seconds_since(wall0);
  return res_;
}

}  // namespace spikesim
