#include "io/parse_monitor.hpp"

#include <cmath>

namespace spikesim {

double recording_dt(JObj& o, double dt, const std::string& key) {
  const double m = o.number_or(key, dt, "a recording interval in ms");
  const double ratio = m / dt;
  if (!(m > 0) || std::fabs(ratio - std::round(ratio)) > 1e-9 * ratio || std::round(ratio) < 1)
    o.reject(key, "a recording interval that is a positive multiple of dt (" + std::to_string(dt) + " ms)");
  return m;
}

std::string monitor_name(JObj& o, const std::string& def) {
  const std::string name = o.string_or("name", def);
  if (name.empty() || name.find('/') != std::string::npos) o.reject("name", "a plain name without '/'");
  return name;
}

void claim_file(MonitorFiles& files, const std::string& file, const std::string& ptr) {
  if (!files.insert(file).second)
    fail_msg(ptr, "output file \"" + file + "\" would be written twice, expected a unique \"name\" for this monitor");
}

}  // namespace spikesim
