#pragma once
// Actions scheduled at given steps (rate changes, rewards, a task's trial events). Actions
// due at step n run first in step n, in the order they were scheduled. Not used per synapse
// or per neuron. The device engine runs its chunks of steps up to the next action.
//
// Checkpoints (core/archive.hpp): actions built from the network file (rate changes, the
// file's rewards, a task's trial events) are made again by the same code at resume, and
// those before the checkpoint's step dropped (drop_before). Jumps of a signal that the run
// itself decided (a reward triggered by a spike pair or by a task's decision) are kept as
// data (jump) and saved with their order (state).
#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

#include "core/archive.hpp"
#include "core/signals.hpp"

namespace spikesim {

class Scheduler {
 public:
  void at(uint64_t step, std::function<void()> action) { push({step, seq_++, std::move(action), -1, 0.0}); }
  // `amount` into signal k of `signals` at step `step` (Signals::add in that step's phase 1).
  void jump(uint64_t step, Signals& signals, size_t k, double amount) {
    signals_ = &signals;
    push({step, seq_++, {}, static_cast<int64_t>(k), amount});
  }
  // The step of the earliest action still queued (the largest uint64_t if none).
  uint64_t next_step() const { return q_.empty() ? std::numeric_limits<uint64_t>::max() : q_.front().step; }
  void run_due(uint64_t step) {
    while (!q_.empty() && q_.front().step <= step) {
      std::pop_heap(q_.begin(), q_.end(), Later{});
      Item it = std::move(q_.back());
      q_.pop_back();
      if (it.signal >= 0) signals_->add(static_cast<size_t>(it.signal), it.amount);
      else it.action();
    }
  }
  // Removes, without running them, the actions due before `step` (a resumed run's start).
  void drop_before(uint64_t step) {
    q_.erase(std::remove_if(q_.begin(), q_.end(), [step](const Item& it) { return it.step < step; }), q_.end());
    std::make_heap(q_.begin(), q_.end(), Later{});
  }
  // The pending jumps and the sequence counter, saved or restored under `k` (restore after
  // the file's actions were made again, with the same `signals`).
  void state(Archive& a, const std::string& k, Signals& signals) {
    std::vector<uint64_t> step, seq;
    std::vector<int64_t> sig;
    std::vector<double> amount;
    if (!a.loading())
      for (const Item& it : q_)
        if (it.signal >= 0) step.push_back(it.step), seq.push_back(it.seq), sig.push_back(it.signal), amount.push_back(it.amount);
    a.array(k + "/jump_step", step);
    a.array(k + "/jump_seq", seq);
    a.array(k + "/jump_signal", sig);
    a.array(k + "/jump_amount", amount);
    uint64_t next = seq_;
    a.value(k + "/seq", next);
    if (!a.loading()) return;
    if (seq.size() != step.size() || sig.size() != step.size() || amount.size() != step.size())
      throw CheckpointError(k + ": pending jumps of unequal lengths");
    signals_ = &signals;
    for (size_t i = 0; i < step.size(); ++i) push({step[i], seq[i], {}, sig[i], amount[i]});
    seq_ = std::max(seq_, next);
  }

 private:
  struct Item {
    uint64_t step, seq;
    std::function<void()> action;
    int64_t signal;  // >= 0: a jump of that signal by `amount` (no action)
    double amount;
  };
  struct Later {
    bool operator()(const Item& a, const Item& b) const { return a.step != b.step ? a.step > b.step : a.seq > b.seq; }
  };
  void push(Item it) {
    q_.push_back(std::move(it));
    std::push_heap(q_.begin(), q_.end(), Later{});
  }
  std::vector<Item> q_;  // a heap: the earliest (step, seq) in front
  uint64_t seq_ = 0;
  Signals* signals_ = nullptr;
};

}  // namespace spikesim
