// The emulating launcher: gpu/kernels.hpp's kernels run one thread after another on the
// CPU, in host memory. `spikesim run --device emulate` and the tests use it to check the
// device engine where no GPU is present; it is slow by design (one core, no vectorising).
#include <cstdlib>
#include <cstring>
#include <new>

#include "core/error.hpp"
#include "gpu/launcher.hpp"

namespace spikesim {

namespace {

struct SerialExec {
  template <class F>
  void run(uint64_t n, const F& f) {
    for (uint64_t i = 0; i < n; ++i) f(i);
  }
};

class HostLauncher final : public LauncherOf<SerialExec> {
 public:
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

std::unique_ptr<Launcher> make_host_launcher() { return std::make_unique<HostLauncher>(); }

}  // namespace spikesim
