// The emulating launcher: gpu/kernels.hpp's kernels run one thread after another on the
// CPU, in host memory. `spikesim run --device emulate` and the tests use it to check the
// device engine where no GPU is present; it is slow by design (one core, no vectorising).
#include <cstdlib>
#include <cstring>
#include <new>
#include <numeric>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "gpu/launcher.hpp"

namespace spikesim {

namespace {

struct SerialExec {
  ThreadOrder order = ThreadOrder::kAscending;
  uint64_t launches = 0;
  template <class F>
  void run(uint64_t n, const F& f) {
    if (order == ThreadOrder::kAscending || n < 2) {
      for (uint64_t i = 0; i < n; ++i) f(i);
    } else if (order == ThreadOrder::kDescending) {
      for (uint64_t i = n; i-- > 0;) f(i);
    } else {  // every thread once: stride coprime to n
      const uint64_t l = ++launches;
      const Philox4 r = CounterRng{0, 0}.raw(static_cast<uint32_t>(l), static_cast<uint32_t>(l >> 32), 0);
      uint64_t stride = 1 + (uint64_t{r.v[0]} << 32 | r.v[1]) % (n - 1);
      while (std::gcd(stride, n) != 1) stride = stride + 1 < n ? stride + 1 : 1;
      for (uint64_t k = 0, i = (uint64_t{r.v[2]} << 32 | r.v[3]) % n; k < n; ++k, i = (i + stride) % n) f(i);
    }
  }
};

class HostLauncher final : public LauncherOf<SerialExec> {
 public:
  explicit HostLauncher(ThreadOrder order) { exec_.order = order; }
  std::string describe() const override { return "emulated on the CPU (the CUDA engine's kernels run serially)"; }
  void* alloc(size_t bytes) override {
    void* p = std::calloc(bytes ? bytes : 1, 1);
    if (!p) throw RunError("emulated device: out of host memory allocating " + std::to_string(bytes) + " bytes");
    return p;
  }
  void release(void* p) override { std::free(p); }
  void upload(void* dst, const void* src, size_t bytes) override {
    if (bytes) std::memcpy(dst, src, bytes);
  }
  void download(void* dst, const void* src, size_t bytes) override {
    if (bytes) std::memcpy(dst, src, bytes);
  }
  void zero(void* dst, size_t bytes) override {
    if (bytes) std::memset(dst, 0, bytes);
  }
  uint64_t free_bytes() const override { return ~uint64_t{0}; }
  uint32_t push_warps() const override { return 4; }
  void run_steps(uint64_t k, const std::function<void()>& one_step) override {
    for (uint64_t i = 0; i < k; ++i) one_step();
  }

 protected:
  SerialExec& exec() override { return exec_; }

 private:
  SerialExec exec_;
};

}  // namespace

std::unique_ptr<Launcher> make_host_launcher(ThreadOrder order) { return std::make_unique<HostLauncher>(order); }

}  // namespace spikesim
