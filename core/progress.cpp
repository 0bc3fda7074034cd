#include "core/progress.hpp"

#include <cstdio>

namespace spikesim {

Progress::Progress(bool enabled, double tstop_ms)
    : enabled_(enabled), tstop_(tstop_ms), start_(std::chrono::steady_clock::now()), last_(start_) {}

void Progress::update(double t_ms) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(250)) return;
  last_ = now;
  const double wall = std::chrono::duration<double>(now - start_).count();
  const double rtf = wall > 0 ? t_ms * 1e-3 / wall : 0.0;  // biological seconds per wall second
  const double eta = rtf > 0 ? (tstop_ - t_ms) * 1e-3 / rtf : 0.0;
  std::fprintf(stderr, "\r%5.1f %%  t = %.1f / %.1f ms  real-time factor %.3f  ETA %.0f s   ",
               tstop_ > 0 ? 100.0 * t_ms / tstop_ : 100.0, t_ms, tstop_, rtf, eta);
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::done() {
  if (enabled_ && drawn_) std::fprintf(stderr, "\r%80s\r", "");
}

}  // namespace spikesim
