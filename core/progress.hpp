#pragma once
// NEST-style progress line on a terminal: percent, model time, real-time factor, ETA, redrawn
// in place every 0.25 s. Where stderr is a file or a pipe (batch jobs), kPlain prints the same
// as a plain line every 10 s instead, so that a log shows how far a run got.
#include <chrono>

namespace spikesim {

class Progress {
 public:
  enum Mode { kOff, kLine, kPlain };
  Progress(Mode mode, double tstop_ms);
  void update(double t_ms);  // cheap unless a redraw is due (every 0.25 s of wall time)
  void done();

 private:
  Mode mode_;
  double tstop_;
  std::chrono::steady_clock::time_point start_, last_;
  bool drawn_ = false;
};

}  // namespace spikesim
