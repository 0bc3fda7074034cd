// The device backend's host side: copies a built Network into device memory
// (gpu/device_network.hpp), issues one step's launches (gpu/kernels.hpp) through a Launcher,
// and after every chunk of steps copies back the spikes recorded on the device, the spike
// counts and the signals, and hands each step to the run loop (core/run_loop.hpp), which
// feeds the same monitors as for the CPU backend. See gpu/README.md.
#include "gpu/engine.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/run_loop.hpp"
#include "gpu/device_network.hpp"
#include "plasticity/network_state.hpp"
#include "plasticity/plasticity.hpp"

namespace spikesim {

namespace {

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
}

namespace {

class DeviceBackend final : public Backend {
 public:
  DeviceBackend(Network& net, const RunOptions& opt, const std::vector<int>& recorded, std::unique_ptr<Launcher> owned,
                Launcher& l)
      : owned_(std::move(owned)), L_(l), net_(net), opt_(opt), recorded_(recorded),
        dn_(std::make_unique<DeviceNetwork>(net, opt, recorded, l)) {
    const size_t n_pops = net.pops.size();
    count_hist_.resize(static_cast<size_t>(kHistory) * n_pops);
    signal_hist_.resize(static_cast<size_t>(kHistory) * net.signals.value.size());
    ids_.resize(n_pops);
    step_counts_.resize(n_pops);
    for (size_t i = 0; i < net.projs.size(); ++i)
      if (net.projs[i].plastic) {
        plastic_.push_back(i);
        if (net.spec.task.active() && net.projs[i].plastic->at_trial_ends()) trial_projs_.push_back(i);
      }
  }
  bool live_state() const override { return false; }
  uint64_t advance(uint64_t n0, uint64_t k, RunLoop& loop) override;
  void sync_state(uint64_t n, const std::vector<int>& lazy) override {
    for (int i : lazy) dn_->settle(static_cast<size_t>(i), n);
    dn_->download(false, n);
  }
  void host_events_done() override { dn_->upload_events(); }
  void set_thresholds(int pop, const std::vector<uint32_t>& thr) override { net_.pops[pop].thresholds = thr; }
  void set_input_current(int pop, double pA) override {  // the kernels take the population's constants by value
    apply_input_current(net_.pops[pop], net_.spec.populations[pop], pA, net_.spec.run.dt);
    dn_->pops[pop].prop = net_.pops[pop].prop;
    L_.launches_changed();  // a CUDA graph captured with the old constants is not replayed
    const auto& props = net_.pops[pop].props;  // per neuron: the kernels read them from device memory
    if (!props.empty()) L_.upload(const_cast<ModelProp*>(dn_->pops[pop].props), props.data(), props.size() * sizeof(ModelProp));
  }
  void end_trial(uint64_t step, double feedback, double reward, int action) override {
    for (size_t i : trial_projs_) {
      Plasticity& pl = *net_.projs[i].plastic;
      if (!pl.trial.learns_on(action)) continue;
      const TrialCtx ctx = pl.trial_ctx(feedback, reward, nullptr, net_.spec.task.trial_ms);
      if (step >= pl.learn_from) dn_->trial(i, ctx);
    }
    dn_->clear_trial_counts();
  }
  std::vector<uint64_t> periods() const override { return periods_of(net_); }
  void periodic(uint64_t step, uint64_t period) override {
    for (size_t i : plastic_) {
      const Plasticity& pl = *net_.projs[i].plastic;
      if (pl.period_due(step) && pl.period_steps() == period) dn_->period(i, static_cast<uint32_t>(step), pl.period_ctx(nullptr));
    }
  }
  void finish(uint64_t steps) override {
    for (size_t i : plastic_) dn_->settle(i, steps);  // lazy rules: every weight up to the time reached
    dn_->download(true, steps);
  }
  const double* signals() const override { return net_.signals.value.data(); }
  // Saving copies the whole state back (lazy weights not settled: that would change the
  // run); restoring loads the host network and copies it to the device again.
  void state(Archive& a, uint64_t n) override {
    if (!a.loading()) dn_->download(true, n);
    network_state(net_, a, false);
    if (a.loading()) {
      dn_.reset();
      L_.launches_changed();  // the graph's device pointers were freed with the old copy
      dn_ = std::make_unique<DeviceNetwork>(net_, opt_, recorded_, L_);
    }
    dn_->state(a, n);
  }
  const char* engine() const override { return "device"; }
  void report(RunResult& res) override {
    res.pair_rewards = dn_->pair_rewards();
    res.device_bytes = dn_->dev.bytes;
    res.device_synapse_bytes = dn_->synapse_bytes;
  }

 private:
  bool replay(uint64_t n, uint64_t k, RunLoop& loop);  // the chunk's steps to the loop; true: stop

  std::unique_ptr<Launcher> owned_;
  Launcher& L_;
  Network& net_;
  RunOptions opt_;
  std::vector<int> recorded_;
  std::unique_ptr<DeviceNetwork> dn_;
  std::vector<size_t> plastic_, trial_projs_;
  std::vector<uint32_t> count_hist_, step_counts_;
  std::vector<double> signal_hist_;
  std::vector<uint64_t> entries_;
  std::vector<std::vector<uint32_t>> ids_;
};

uint64_t DeviceBackend::advance(uint64_t n0, uint64_t k, RunLoop& loop) {
  uint64_t done = 0;
  bool stop = false;
  while (done < k && !stop) {
    const uint64_t kk = std::min<uint64_t>({kHistory, k - done, dn_->rec_steps});
    L_.run_steps(kk, [&] { dn_->step(); });
    stop = replay(n0 + done, kk, loop);
    done += kk;
  }
  return done;
}

bool DeviceBackend::replay(uint64_t n, uint64_t k, RunLoop& loop) {
  const size_t n_pops = net_.pops.size(), n_sig = net_.signals.value.size();
  L_.download(count_hist_.data(), dn_->emit.count_hist, count_hist_.size() * sizeof(uint32_t));
  L_.download(signal_hist_.data(), dn_->emit.signal_hist, signal_hist_.size() * sizeof(double));
  const DevRecord& rec = dn_->rec;
  if (dn_->recorded) {
    uint32_t n_rec = 0;
    L_.download(&n_rec, rec.count, sizeof n_rec);
    if (n_rec > rec.capacity) throw RunError("device spike record overflowed (an engine defect)");
    entries_.resize(n_rec);
    L_.download(entries_.data(), rec.entries, n_rec * sizeof(uint64_t));
    L_.zero(rec.count, sizeof(uint32_t));
    sort_record(entries_);
  }
  const std::vector<int>& rec_pop = dn_->rec_pop;
  bool stop = false;
  size_t e = 0;
  for (uint64_t step = n; step < n + k; ++step) {  // step `step` stamps its spikes step + 1
    const uint64_t stamp = step + 1, h = step % kHistory;
    for (size_t p = 0; p < n_pops; ++p) step_counts_[p] = count_hist_[h * n_pops + p];
    for (auto& v : ids_) v.clear();
    size_t slot = 0;
    for (; e < entries_.size() && (entries_[e] >> 32) == stamp; ++e) {
      const auto id = static_cast<uint32_t>(entries_[e]);
      while (slot + 1 < rec_pop.size() && id >= dn_->rec_offset[rec_pop[slot + 1]]) ++slot;
      ids_[rec_pop[slot]].push_back(id - dn_->rec_offset[rec_pop[slot]]);
    }
    // A stop request ends the run after the chunk: its steps have run on the device.
    stop = loop.after_step({stamp, &ids_, step_counts_.data(), signal_hist_.data() + h * n_sig}) || stop;
  }
  return stop;
}

}  // namespace

std::unique_ptr<Backend> make_device_backend(Network& net, const RunOptions& opt, const std::vector<int>& recorded, Launcher* l) {
  std::unique_ptr<Launcher> owned;
  if (!l) {
    owned = opt.device == Device::kCuda ? make_cuda_launcher() : make_host_launcher();
    l = owned.get();
  }
  return std::make_unique<DeviceBackend>(net, opt, recorded, std::move(owned), *l);
}

}  // namespace spikesim
