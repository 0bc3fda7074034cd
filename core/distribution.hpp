#pragma once
// A value given as a constant or a distribution, as in NEST/PyNN:
//   4.0 | {"uniform": [lo, hi]} | {"normal": [mean, sd], "min": lo, "max": hi}
// "min"/"max" clip a normal draw to the boundary (PyNN's normal_clipped_to_boundary).
#include <limits>
#include <string>

#include "core/hd.hpp"
#include "core/json_access.hpp"
#include "core/rng.hpp"

namespace spikesim {

struct Distribution {
  enum Kind { kConstant, kUniform, kNormal } kind = kConstant;
  double a = 0.0, b = 0.0;  // constant: a; uniform: [a, b); normal: mean a, sd b
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();

  static Distribution constant(double v) { return Distribution{kConstant, v, 0.0}; }
  double min_value() const;  // smallest value a draw can take
  double max_value() const;
  double mean() const;
  bool is_constant() const { return kind == kConstant; }
  // A draw keyed by (index, step) of `rng`'s stream (also on the device: gpu/kernels.hpp).
  SPIKESIM_HD double sample(const CounterRng& rng, uint32_t index, uint32_t step) const {
    if (kind == kConstant) return a;
    if (kind == kUniform) return a + (b - a) * rng.uniform(index, step);
    const double x = a + b * rng.normal(index, step);
    return x < lo ? lo : (x > hi ? hi : x);
  }
};

Distribution parse_distribution(const json& j, const std::string& ptr);

}  // namespace spikesim
