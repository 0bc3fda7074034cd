#pragma once
// A built Network in device memory, as the views of gpu/kernels.hpp: populations with their
// spike rings, projections (per spike, per target, or plastic), global signals, the spike
// record. Built once per run by the device engine (gpu/engine.cpp); freed with it.
#include <cstdint>
#include <vector>

#include "core/archive.hpp"
#include "core/run.hpp"
#include "plasticity/network.hpp"
#include "gpu/launcher.hpp"

namespace spikesim {

class Plasticity;

constexpr uint32_t kHistory = 1024;  // steps per chunk at most (device history of counts and signals)

// How static projection i delivers its spikes: the file's "propagation", else the command
// line's, else (auto) per target when the share of its sources spiking in a step is known
// (Poisson rates, spike generators) and at least kPerTargetShare, per spike otherwise.
// Cost model per step: per spike, an atomic add per synapse of each spiking source (share
// x synapses); per target, one read per synapse. Atomics to scattered targets cost a few
// reads each, so per target wins only for dense activity; the 0.25 is that estimate, not yet
// measured on a GPU (bench/gpu_bench.py's "propagation" rows measure both).
constexpr double kPerTargetShare = 0.25;
Propagation choose_propagation(const Network& net, size_t i, Propagation command_line);

// Device memory owned by the run: freed when the run ends, however it ends.
class DeviceArena {
 public:
  explicit DeviceArena(Launcher& l) : l_(l) {}
  ~DeviceArena() {
    for (void* p : owned_) l_.release(p);
  }
  template <class T>
  T* alloc(size_t n, uint64_t* account = nullptr) {
    T* p = static_cast<T*>(l_.alloc(n * sizeof(T)));
    owned_.push_back(p);
    bytes += n * sizeof(T);
    if (account) *account += n * sizeof(T);
    return p;
  }
  template <class T>
  T* copy(const std::vector<T>& v, uint64_t* account = nullptr) {
    if (v.empty()) return nullptr;
    T* p = alloc<T>(v.size(), account);
    l_.upload(p, v.data(), v.size() * sizeof(T));
    return p;
  }
  uint64_t bytes = 0;

 private:
  Launcher& l_;
  std::vector<void*> owned_;
};

struct ProjOnDevice {
  enum Kind { kPush, kPull, kPlastic } kind = kPush;
  PushKernel push{};
  PullKernel pull{};
  DevPlastic plastic{};
  std::vector<uint32_t> syn;  // plastic: CSR index of each incoming synapse
  bool spike_hooks = true;    // plastic: false for rules applied at trial ends (no traces, no-op hooks: delivery only)
  uint32_t n_source = 0, n_target = 0;
};

class DeviceNetwork {
 public:
  // Copies `net` to the device; `recorded_pops` (ascending) are the populations whose spikes
  // are recorded for the monitors.
  DeviceNetwork(Network& net, const RunOptions& opt, const std::vector<int>& recorded_pops, Launcher& l);
  DeviceNetwork(const DeviceNetwork&) = delete;
  DeviceNetwork& operator=(const DeviceNetwork&) = delete;

  // One step's launches (the same every step: kernels read the step from `clock`).
  void step();
  // Copies state back into the host network: every population's state, plastic weights in
  // CSR order, their per-synapse state, traces and lazy state, and the signals (everything);
  // or only what state and weights reports read.
  void download(bool everything, uint64_t steps_done);
  // Between steps, after the host's events (core/task.hpp) ran: the task stimulus's
  // thresholds and the signal jumps they queued go to the device.
  void upload_events();
  // Lazy rules: brings projection i's synapses up to the steps done (not before its "start").
  void settle(size_t i, uint64_t steps_done);
  // Trial rules: projection i at a trial's end, from the device's trial spike counts; a
  // periodic one at step `now`, from its traces (ctx from Plasticity::trial_ctx / period_ctx).
  void trial(size_t i, TrialCtx ctx);
  void period(size_t i, uint32_t now, TrialCtx ctx);
  void clear_trial_counts();
  uint64_t pair_rewards();  // rewards triggered by spike pairs so far
  // Checkpoints: what only the device holds (spike rings, generators' positions, trial
  // counts, pair rewards' state and jumps to come, the scheduled rewards' position), saved
  // or restored at step n; the rest is the host network's (plasticity/network_state.hpp).
  void state(Archive& a, uint64_t n);

  Launcher& L;
  Network& net;
  DeviceArena dev;
  uint32_t* clock = nullptr;  // steps done
  std::vector<DevPop> pops;
  DevEmit emit;
  std::vector<ProjOnDevice> projs;
  std::vector<std::pair<PoissonInputKernel, uint32_t>> poisson_inputs;  // (kernel, targets)
  DevRecord rec;
  uint64_t recorded = 0;             // neurons whose spikes go to the spike file
  uint64_t rec_steps = kHistory;     // steps the record holds for certain
  std::vector<uint32_t> rec_offset;  // per population: its first id in the record
  std::vector<int> rec_pop;          // the recorded populations, ascending
  uint64_t synapse_bytes = 0;        // device memory for synapses

 private:
  void setup_record(const std::vector<int>& recorded_pops);
  void upload_populations(const std::vector<uint32_t>& slots, const std::vector<int>& recorded_pops);
  void upload_signals(const std::vector<uint32_t>& slots);
  void upload_projection(size_t i, Propagation command_line);
  float* receptor_array(int pop, Receptor r) const;  // device array of population pop's receptor r, or null
  void upload_plastic(size_t i, ProjOnDevice& d, const DevPop& src, DevPop& tgt, float* input);

  std::vector<bool> reported_pop_, reported_proj_;
  std::vector<uint32_t> stimulus_on_device_;  // a task stimulus's thresholds as last uploaded
};

}  // namespace spikesim
