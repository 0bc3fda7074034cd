#pragma once
// NEST-style progress line on a terminal: percent, model time, real-time factor, ETA.
#include <chrono>

namespace spikesim {

class Progress {
 public:
  Progress(bool enabled, double tstop_ms);
  void update(double t_ms);  // cheap unless a redraw is due (every 0.25 s of wall time)
  void done();

 private:
  bool enabled_;
  double tstop_;
  std::chrono::steady_clock::time_point start_, last_;
  bool drawn_ = false;
};

}  // namespace spikesim
