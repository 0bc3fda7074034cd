#pragma once
// Where the device engine (gpu/engine.cpp) runs its kernels: device memory and one launch
// per kernel, population or projection (a virtual call per launch, never per neuron or
// synapse). Two launchers share the kernels of gpu/kernels.hpp (GeNN's backends):
//   cuda     CUDA kernels on the first device; one step's launches are captured once as a
//            CUDA graph and replayed (gpu/launch_cuda.cu)
//   emulate  the same kernels in a serial loop on the CPU, host memory for device memory
//            (gpu/launch_host.cpp): checks the engine without a GPU; no speed.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "gpu/plastic_kernels.hpp"

namespace spikesim {

class Launcher {
 public:
  virtual ~Launcher() = default;
  virtual std::string describe() const = 0;
  virtual void* alloc(size_t bytes) = 0;  // zero-filled; throws RunError when memory runs out
  virtual void release(void* p) = 0;
  virtual void upload(void* dst, const void* src, size_t bytes) = 0;
  virtual void download(void* dst, const void* src, size_t bytes) = 0;  // waits for the kernels before it
  virtual void zero(void* dst, size_t bytes) = 0;                       // in stream order
  virtual uint64_t free_bytes() const = 0;

  virtual void clear_slot(const DevSpikes& s, const uint32_t* clock) = 0;
  virtual void update(const DevPop& p, const uint32_t* clock) = 0;
  virtual void emit(const DevEmit& e) = 0;
  virtual void push(const PushKernel& k) = 0;
  virtual void pull(const PullKernel& k, uint32_t n_target) = 0;
  virtual void poisson_input(const PoissonInputKernel& k, uint32_t n_target) = 0;
  virtual void plastic_pre(const DevPlastic& p, uint32_t n_target) = 0;
  virtual void bump_pre(const DevPlastic& p, uint32_t n_source) = 0;
  virtual void on_post(const DevPlastic& p, uint32_t n_target) = 0;
  virtual void partner(const DevPlastic& p, uint32_t n_target) = 0;
  virtual void tick(uint32_t* clock) = 0;
  // Lazy rules (nothing for others): per step, after emit; between steps, every synapse.
  virtual void advance(const DevPlastic& p, const SignalView& sig) = 0;
  virtual void settle(const DevPlastic& p, uint32_t n_target) = 0;
  // Trial rules (nothing for others), between steps at a trial's end.
  virtual void trial(const DevPlastic& p, uint32_t n_target, const uint32_t* n_pre, const uint32_t* n_post,
                     const TrialCtx& ctx) = 0;
  // Periodic trial rules, between steps at the end of a period: from the traces at `now`.
  virtual void period(const DevPlastic& p, uint32_t n_target, uint32_t now, const TrialCtx& ctx) = 0;
  virtual uint32_t push_warps() const = 0;  // warps of a PushKernel launch

  // Runs `k` steps, each issuing the same launches (one_step); the CUDA launcher captures
  // them once and replays the graph.
  virtual void run_steps(uint64_t k, const std::function<void()>& one_step) = 0;
  // The launches' arguments changed between steps (a population's constants, passed by
  // value; a network copied to the device again): the CUDA launcher captures anew.
  virtual void launches_changed() {}
};

// The order in which the emulating launcher runs a kernel's threads. A GPU runs them in no
// fixed order, so a kernel whose result depends on the order has a race between its threads;
// the tests run the engine in all three orders against the CPU engine to find such kernels.
enum class ThreadOrder {
  kAscending,   // 0, 1, ..., n-1 (--device emulate)
  kDescending,  // n-1, ..., 0
  kStrided,     // start + k * stride (mod n), start and stride coprime to n drawn anew at each launch
};
std::unique_ptr<Launcher> make_host_launcher(ThreadOrder order = ThreadOrder::kAscending);
std::unique_ptr<Launcher> make_cuda_launcher();  // throws RunError when no device is usable

// The kernels of gpu/kernels.hpp launched through Exec::run(n_threads, functor).
template <class Exec>
class LauncherOf : public Launcher {
 public:
  void clear_slot(const DevSpikes& s, const uint32_t* clock) override { exec().run(s.words + 1ull, ClearSlotKernel{s, clock}); }
  void update(const DevPop& p, const uint32_t* clock) override {  // one kernel per kind of population
    if (!p.size) return;
    if (with_model(p.model, [&](auto m) { exec().run(p.size, UpdateKernel<NeuronStep<decltype(m)>>{p, clock}); })) return;
    if (p.model == Model::kPoisson) exec().run(p.size, UpdateKernel<PoissonStep>{p, clock});
    else exec().run(p.size, UpdateKernel<GeneratorStep>{p, clock});
  }
  void emit(const DevEmit& e) override { exec().run(1, EmitKernel{e}); }
  void push(const PushKernel& k) override { exec().run(32ull * k.warps, k); }
  void pull(const PullKernel& k, uint32_t n_target) override {
    if (n_target) exec().run(n_target, k);
  }
  void poisson_input(const PoissonInputKernel& k, uint32_t n_target) override {
    if (n_target) exec().run(n_target, k);
  }
  void plastic_pre(const DevPlastic& p, uint32_t n_target) override {
    if (n_target) with_rule(p, [&](auto prm) { exec().run(n_target, PlasticPreKernel<typename decltype(prm)::Rule>{p, prm.params}); });
  }
  void bump_pre(const DevPlastic& p, uint32_t n_source) override {
    if (n_source) exec().run(n_source, BumpPreKernel{p});
  }
  void on_post(const DevPlastic& p, uint32_t n_target) override {
    if (n_target) with_rule(p, [&](auto prm) { exec().run(n_target, OnPostKernel<typename decltype(prm)::Rule>{p, prm.params}); });
  }
  void partner(const DevPlastic& p, uint32_t n_target) override {
    if (n_target && p.n_sources) exec().run(n_target, PartnerKernel{p});
  }
  void tick(uint32_t* clock) override { exec().run(1, TickKernel{clock}); }
  void advance(const DevPlastic& p, const SignalView& sig) override {
    with_rule(p, [&](auto prm) {
      using R = typename decltype(prm)::Rule;
      if constexpr (IsLazyRule<R>::value) exec().run(1, AdvanceKernel<R>{p, prm.params, sig});
    });
  }
  void settle(const DevPlastic& p, uint32_t n_target) override {
    with_rule(p, [&](auto prm) {
      using R = typename decltype(prm)::Rule;
      if constexpr (IsLazyRule<R>::value)
        if (n_target) exec().run(n_target, SettleKernel<R>{p, prm.params});
    });
  }
  void trial(const DevPlastic& p, uint32_t n_target, const uint32_t* n_pre, const uint32_t* n_post, const TrialCtx& ctx) override {
    with_rule(p, [&](auto prm) {
      using R = typename decltype(prm)::Rule;
      if constexpr (IsTrialRule<R>::value)
        if (n_target) exec().run(n_target, TrialKernel<R>{p, prm.params, n_pre, n_post, ctx});
    });
  }
  void period(const DevPlastic& p, uint32_t n_target, uint32_t now, const TrialCtx& ctx) override {
    with_rule(p, [&](auto prm) {
      using R = typename decltype(prm)::Rule;
      if constexpr (IsTrialRule<R>::value)
        if (n_target) exec().run(n_target, PeriodKernel<R>{p, prm.params, now, ctx});
    });
  }

 protected:
  virtual Exec& exec() = 0;

 private:
  template <class R>
  struct Typed {
    using Rule = R;
    typename R::Params params;
  };
  template <class F>
  static void with_rule(const DevPlastic& p, F f) {
    int k = 0;
#define SPIKESIM_RULE_CASE(R, name, summary) \
  if (p.rule == k++) return f(Typed<R>{*static_cast<const typename R::Params*>(p.params)});
    SPIKESIM_RULES(SPIKESIM_RULE_CASE)
#undef SPIKESIM_RULE_CASE
  }
};

}  // namespace spikesim
