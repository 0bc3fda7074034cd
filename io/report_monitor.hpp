#pragma once
// A monitor that samples a host state array every `stride` steps into a SONATA report
// (io/state_report.hpp): state variables (io/monitor_states.cpp) and weights
// (io/monitor_weights.cpp). Row 0 is the state at t = 0.
#include <memory>
#include <string>

#include "core/monitor.hpp"
#include "io/state_report.hpp"

namespace spikesim {

class ReportMonitor final : public Monitor {
 public:
  // offsets: per element (V_m where E_L differs between neurons), else every one adds `offset`.
  ReportMonitor(std::unique_ptr<StateReport> file, const std::string& path, const float* state, float offset,
                uint64_t stride, int lazy_projection, const float* offsets = nullptr)
      : file_(std::move(file)), state_(state), offsets_(offsets), offset_(offset), stride_(stride), lazy_(lazy_projection) {
    files.push_back(path);
  }
  void start(const double*) override { file_->record(state_, offset_, offsets_); }
  uint64_t state_stride() const override { return stride_; }
  int lazy_projection() const override { return lazy_; }
  void sample_state() override { file_->record(state_, offset_, offsets_); }
  void finish(const RunEnd& end) override { file_->finish(end.status, end.t_reached_ms); }
  void checkpoint(Archive& a) override { file_->checkpoint(a, checkpoint_key()); }

 private:
  std::unique_ptr<StateReport> file_;
  const float* state_;
  const float* offsets_;
  float offset_;
  uint64_t stride_;
  int lazy_;
};

}  // namespace spikesim
