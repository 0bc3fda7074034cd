#pragma once
// Errors the user can act on. SpecError is a bad network file or bad usage (exit code 2);
// RunError is a failure while running (exit code 1).
#include <stdexcept>
#include <string>

namespace spikesim {

struct SpecError : std::runtime_error {
  std::string pointer;  // JSON pointer into the network file, e.g. /projections/3/delay
  SpecError(std::string ptr, const std::string& msg)
      : std::runtime_error(msg), pointer(std::move(ptr)) {}
};

struct RunError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace spikesim
