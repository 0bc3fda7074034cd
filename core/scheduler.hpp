#pragma once
// Actions scheduled at given steps (rate changes, rewards, a task's trial events). Actions
// due at step n run first in step n, in the order they were scheduled. Not used per synapse
// or per neuron. The device engine runs its chunks of steps up to the next action.
#include <cstdint>
#include <functional>
#include <limits>
#include <queue>
#include <vector>

namespace spikesim {

class Scheduler {
 public:
  void at(uint64_t step, std::function<void()> action) { q_.push({step, seq_++, std::move(action)}); }
  // The step of the earliest action still queued (the largest uint64_t if none).
  uint64_t next_step() const { return q_.empty() ? std::numeric_limits<uint64_t>::max() : q_.top().step; }
  void run_due(uint64_t step) {
    while (!q_.empty() && q_.top().step <= step) {
      auto action = q_.top().action;
      q_.pop();
      action();
    }
  }

 private:
  struct Item {
    uint64_t step, seq;
    std::function<void()> action;
    bool operator>(const Item& o) const { return step != o.step ? step > o.step : seq > o.seq; }
  };
  std::priority_queue<Item, std::vector<Item>, std::greater<Item>> q_;
  uint64_t seq_ = 0;
};

}  // namespace spikesim
