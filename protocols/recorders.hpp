#pragma once
// In-memory monitors (core/monitor.hpp) for protocols: what a protocol reads of its runs is
// recorded beside the network file's own monitors (simulate(net, opt, extra)), so that no
// protocol reads its results back from its output files. Each samples as its file
// counterpart does (row 0 at t = 0, then every `stride` steps before the last), so the
// numbers are the files' numbers.
#include <cstdint>
#include <vector>

#include "core/monitor.hpp"
#include "plasticity/network.hpp"

namespace spikesim {

// Weights of chosen synapses of one projection, in the column order of its weights report.
class WeightRecorder final : public Monitor {
 public:
  // The synapses and interval of weights monitor `mon` of net.spec.weights.
  WeightRecorder(const Network& net, const WeightMonitorSpec& mon);
  void start(const double*) override { record(); }
  uint64_t state_stride() const override { return stride_; }
  int lazy_projection() const override { return lazy_; }
  void sample_state() override { record(); }
  void finish(const RunEnd&) override {}

  std::vector<uint64_t> synapses;  // column c: synapse synapses[c] (CSR index)
  std::vector<float> rows;         // row-major, synapses.size() values per row

 private:
  void record() {
    for (uint64_t s : synapses) rows.push_back(weight_[s]);
  }
  const float* weight_;
  uint64_t stride_;
  int lazy_;
};

// One global signal at t = 0 and every `stride` steps (as a signals monitor's column).
class SignalRecorder final : public Monitor {
 public:
  SignalRecorder(int signal, uint64_t stride) : signal_(signal), stride_(stride) {}
  void start(const double* signals) override { values.push_back(signals[signal_]); }
  void step(const StepSample& s) override {
    if (!s.last && s.stamp % stride_ == 0) values.push_back(s.signals[signal_]);
  }
  void finish(const RunEnd&) override {}
  std::vector<double> values;

 private:
  int signal_;
  uint64_t stride_;
};

// Spikes per neuron of one population over the run.
class SpikeCounter final : public Monitor {
 public:
  SpikeCounter(int population, uint32_t size) : counts(size, 0), pop_(population) {}
  void step(const StepSample& s) override {
    for (uint32_t i : (*s.spikes)[pop_]) ++counts[i];
  }
  void finish(const RunEnd&) override {}
  std::vector<int> spike_populations() const override { return {pop_}; }
  std::vector<uint64_t> counts;

 private:
  int pop_;
};

// Spikes per neuron of one population in bins of `bin_ms`: a spike at t lies in bin
// floor(t / bin_ms); spikes past the last whole bin are dropped. Row-major [neuron][bin].
class BinCounter final : public Monitor {
 public:
  BinCounter(int population, uint32_t size, double bin_ms, uint32_t bins)
      : counts(static_cast<size_t>(size) * bins, 0), pop_(population), bins_(bins), bin_ms_(bin_ms) {}
  void step(const StepSample& s) override {
    const auto b = static_cast<uint64_t>(s.t / bin_ms_);
    if (b >= bins_) return;
    for (uint32_t i : (*s.spikes)[pop_]) ++counts[static_cast<size_t>(i) * bins_ + b];
  }
  void finish(const RunEnd&) override {}
  std::vector<int> spike_populations() const override { return {pop_}; }
  std::vector<uint32_t> counts;

 private:
  int pop_;
  uint32_t bins_;
  double bin_ms_;
};

}  // namespace spikesim
