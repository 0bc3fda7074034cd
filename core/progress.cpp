#include "core/progress.hpp"

#include <cstdio>

namespace spikesim {

Progress::Progress(Mode mode, double tstop_ms)
    : mode_(mode), tstop_(tstop_ms), start_(std::chrono::steady_clock::now()), last_(start_) {}

void Progress::update(double t_ms) {
  if (mode_ == kOff) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(mode_ == kLine ? 250 : 10000)) return;
  last_ = now;
  const double wall = std::chrono::duration<double>(now - start_).count();
  const double rtf = wall > 0 ? t_ms * 1e-3 / wall : 0.0;  // biological seconds per wall second
  const double eta = rtf > 0 ? (tstop_ - t_ms) * 1e-3 / rtf : 0.0;
  std::fprintf(stderr, mode_ == kLine ? "\r%5.1f %%  t = %.1f / %.1f ms  real-time factor %.3f  ETA %.0f s   "
                                      : "spikesim: %5.1f %%  t = %.1f / %.1f ms  real-time factor %.3f  ETA %.0f s\n",
               tstop_ > 0 ? 100.0 * t_ms / tstop_ : 100.0, t_ms, tstop_, rtf, eta);
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::done() {
  if (mode_ == kLine && drawn_) std::fprintf(stderr, "\r%80s\r", "");
}

}  // namespace spikesim
