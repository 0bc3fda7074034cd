#pragma once
// Errors the user can act on. SpecError is a bad network file or bad usage (exit code 2);
// RunError is a failure while running (exit code 1).
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace spikesim {

struct SpecError : std::runtime_error {
  std::string pointer;  // JSON pointer into the network file, e.g. /projections/3/delay
  // Further errors found in the same file (pointer, message): the parser collects up to
  // kMaxErrors before it stops, so that one run shows what to fix.
  std::vector<std::pair<std::string, std::string>> more;
  SpecError(std::string ptr, const std::string& msg)
      : std::runtime_error(msg), pointer(std::move(ptr)) {}
};
constexpr size_t kMaxErrors = 20;

// Collects SpecErrors; raise() throws the first with the others in `more`.
class ErrorList {
 public:
  template <class F>
  void attempt(F&& f) {
    try {
      f();
    } catch (const SpecError& e) {
      add(e);
    }
  }
  void add(const SpecError& e) {
    if (!first_) first_ = std::make_unique<SpecError>(e.pointer, e.what());
    else first_->more.emplace_back(e.pointer, e.what());
    for (const auto& m : e.more) first_->more.push_back(m);
    if (1 + first_->more.size() >= kMaxErrors) raise();
  }
  bool any() const { return first_ != nullptr; }
  void raise() {
    if (!first_) return;
    SpecError e = *first_;
    first_.reset();
    throw e;
  }

 private:
  std::unique_ptr<SpecError> first_;
};

struct RunError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace spikesim
