#pragma once
// Wall time per phase of the step loop (`spikesim run --profile`). Thread 0 takes a lap after
// each phase, so a phase's time includes the wait for the slowest thread at its barrier.
// Off by default: then a lap is one branch.
#include <array>
#include <chrono>

namespace spikesim {

// Wall seconds from t0 to now.
inline double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

enum Phase { kPhaseNeurons, kPhaseExchange, kPhaseDelivery, kPhasePlasticity, kPhaseRecording, kPhaseCount };
inline const char* const kPhaseNames[kPhaseCount] = {"neuron update", "spike exchange", "spike delivery",
                                                     "plasticity", "recording"};

class PhaseClock {
 public:
  explicit PhaseClock(bool on) : on_(on), last_(std::chrono::steady_clock::now()) {}
  void lap(Phase p) {
    if (!on_) return;
    const auto now = std::chrono::steady_clock::now();
    seconds_[p] += std::chrono::duration<double>(now - last_).count();
    last_ = now;
  }
  const std::array<double, kPhaseCount>& seconds() const { return seconds_; }

 private:
  bool on_;
  std::chrono::steady_clock::time_point last_;
  std::array<double, kPhaseCount> seconds_{};
};

}  // namespace spikesim
