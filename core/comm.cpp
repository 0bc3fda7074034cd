#include "core/comm.hpp"

#include <cstdlib>
#include <cstring>

namespace spikesim {

namespace {

class SoloComm final : public Comm {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  void allgather(const std::vector<uint32_t>& mine, std::vector<uint32_t>& all, std::vector<int>& counts) override {
    all = mine;
    counts.assign(1, static_cast<int>(mine.size()));
  }
  void gather(const void* mine, size_t bytes, std::vector<char>& all, std::vector<size_t>& counts) override {
    all.resize(bytes);
    if (bytes) std::memcpy(all.data(), mine, bytes);
    counts.assign(1, bytes);
  }
  void sum(std::vector<uint64_t>&) override {}
  uint64_t min(uint64_t x) override { return x; }
  uint64_t max(uint64_t x) override { return x; }
  void broadcast(std::vector<uint64_t>&) override {}
  bool any(bool x) override { return x; }
  [[noreturn]] void abort(int code) override { std::exit(code); }
};

}  // namespace

Comm& solo_comm() {
  static SoloComm c;
  return c;
}

}  // namespace spikesim
