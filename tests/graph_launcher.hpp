#pragma once
// A launcher with the CUDA launcher's graph semantics, on the CPU: the first step's launches
// are recorded with their arguments as they were (as cudaStreamBeginCapture records them)
// and replayed for every later step until launches_changed(); the kernels run through the
// emulating launcher. A change the engine makes to a by-value argument without telling the
// launcher is then lost here as it would be on a GPU.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gpu/launcher.hpp"

namespace spikesim::test {

class GraphLauncher final : public Launcher {
 public:
  GraphLauncher() : in_(make_host_launcher()) {}
  int captures = 0;  // graphs recorded

  std::string describe() const override { return "graph replay over " + in_->describe(); }
  void* alloc(size_t bytes) override { return in_->alloc(bytes); }
  void release(void* p) override { in_->release(p); }
  void upload(void* dst, const void* src, size_t bytes) override { in_->upload(dst, src, bytes); }
  void download(void* dst, const void* src, size_t bytes) override { in_->download(dst, src, bytes); }
  void zero(void* dst, size_t bytes) override { in_->zero(dst, bytes); }
  uint64_t free_bytes() const override { return in_->free_bytes(); }
  uint32_t push_warps() const override { return in_->push_warps(); }

  void clear_slot(const DevSpikes& s, const uint32_t* clock) override { launch([=] { in_->clear_slot(s, clock); }); }
  void update(const DevPop& p, const uint32_t* clock) override { launch([=] { in_->update(p, clock); }); }
  void emit(const DevEmit& e) override { launch([=] { in_->emit(e); }); }
  void push(const PushKernel& k) override { launch([=] { in_->push(k); }); }
  void pull(const PullKernel& k, uint32_t n) override { launch([=] { in_->pull(k, n); }); }
  void poisson_input(const PoissonInputKernel& k, uint32_t n) override { launch([=] { in_->poisson_input(k, n); }); }
  void plastic_pre(const DevPlastic& p, uint32_t n) override { launch([=] { in_->plastic_pre(p, n); }); }
  void bump_pre(const DevPlastic& p, uint32_t n) override { launch([=] { in_->bump_pre(p, n); }); }
  void on_post(const DevPlastic& p, uint32_t n) override { launch([=] { in_->on_post(p, n); }); }
  void partner(const DevPlastic& p, uint32_t n) override { launch([=] { in_->partner(p, n); }); }
  void tick(uint32_t* clock) override { launch([=] { in_->tick(clock); }); }
  void advance(const DevPlastic& p, const SignalView& sig) override { launch([=] { in_->advance(p, sig); }); }
  void settle(const DevPlastic& p, uint32_t n) override { launch([=] { in_->settle(p, n); }); }
  void trial(const DevPlastic& p, uint32_t n, const uint32_t* pre, const uint32_t* post, const TrialCtx& ctx) override {
    launch([=] { in_->trial(p, n, pre, post, ctx); });
  }
  void period(const DevPlastic& p, uint32_t n, uint32_t now, const TrialCtx& ctx) override {
    launch([=] { in_->period(p, n, now, ctx); });
  }

  void run_steps(uint64_t k, const std::function<void()>& one_step) override {
    if (!k) return;
    if (!captured_) {
      graph_.clear();
      capturing_ = true;
      one_step();
      capturing_ = false;
      captured_ = true;
      ++captures;
    }
    for (uint64_t i = 0; i < k; ++i)
      for (const auto& f : graph_) f();
  }
  void launches_changed() override { captured_ = false; }

 private:
  void launch(std::function<void()> f) {
    if (capturing_) graph_.push_back(std::move(f));
    else f();
  }
  std::unique_ptr<Launcher> in_;
  std::vector<std::function<void()>> graph_;
  bool capturing_ = false, captured_ = false;
};

}  // namespace spikesim::test
