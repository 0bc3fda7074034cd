#include "core/distribution.hpp"

#include <tuple>

namespace spikesim {

namespace {
const char* kExpected = "a number, {\"uniform\": [lo, hi]} or {\"normal\": [mean, sd], \"min\": lo, \"max\": hi}";

std::pair<double, double> pair_of(const json& j, const std::string& ptr) {
  if (!j.is_array() || j.size() != 2) fail(ptr, j, "an array of two numbers");
  return {as_number(j[0], ptr + "/0", "a number"), as_number(j[1], ptr + "/1", "a number")};
}
}  // namespace

double Distribution::min_value() const {
  switch (kind) {
    case kConstant: return a;
    case kUniform: return a;
    default: return lo;
  }
}

double Distribution::max_value() const {
  switch (kind) {
    case kConstant: return a;
    case kUniform: return b;
    default: return hi;
  }
}

double Distribution::mean() const { return kind == kUniform ? 0.5 * (a + b) : a; }

Distribution parse_distribution(const json& j, const std::string& ptr) {
  if (j.is_number()) return Distribution::constant(as_number(j, ptr, kExpected));
  if (!j.is_object()) fail(ptr, j, kExpected);
  JObj o(j, ptr);
  Distribution d;
  if (const json* u = o.get("uniform")) {
    d.kind = Distribution::kUniform;
    std::tie(d.a, d.b) = pair_of(*u, o.at("uniform"));
    if (!(d.a <= d.b)) fail(o.at("uniform"), *u, "[lo, hi] with lo <= hi");
  } else if (const json* n = o.get("normal")) {
    d.kind = Distribution::kNormal;
    std::tie(d.a, d.b) = pair_of(*n, o.at("normal"));
    if (d.b < 0) fail(o.at("normal") + "/1", (*n)[1], "a standard deviation >= 0");
    d.lo = o.number_or("min", d.lo, "a number");
    d.hi = o.number_or("max", d.hi, "a number");
    if (!(d.lo <= d.hi)) fail(o.at("max"), j["max"], "max >= min");
  } else {
    fail(ptr, j, kExpected);
  }
  o.finish("uniform, normal, min, max");
  return d;
}

}  // namespace spikesim
