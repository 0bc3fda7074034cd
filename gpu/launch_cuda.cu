// The CUDA launcher: gpu/kernels.hpp's functors as kernels on device 0, in one stream.
// The first step's launches are captured as a CUDA graph; later steps replay it (one graph
// launch per step instead of one launch per kernel, which dominates small networks at
// dt = 0.1 ms). Built with --fmad=false (CMakeLists.txt) so that a * b + c rounds as on the
// CPU: per-target propagation then gives the CPU's numbers bit for bit.
#include <cuda_runtime.h>

#include "core/error.hpp"
#include "gpu/cuda_check.hpp"
#include "gpu/device.hpp"
#include "gpu/launcher.hpp"

namespace spikesim {

namespace {

template <class F>
__global__ void __launch_bounds__(256) kernel_of(F f, uint64_t n) {
  const uint64_t i = static_cast<uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) f(i);
}

struct CudaExec {
  cudaStream_t stream = nullptr;
  template <class F>
  void run(uint64_t n, const F& f) {
    constexpr unsigned kBlock = 256;
    kernel_of<<<static_cast<unsigned>((n + kBlock - 1) / kBlock), kBlock, 0, stream>>>(f, n);
    cuda_check(cudaGetLastError(), "kernel launch");
  }
};

class CudaLauncher final : public LauncherOf<CudaExec> {
 public:
  explicit CudaLauncher(const CudaDevice& dev) : dev_(dev) {
    cuda_check(cudaSetDevice(0), "cudaSetDevice(0)");
    cuda_check(cudaStreamCreateWithFlags(&exec_.stream, cudaStreamNonBlocking), "cudaStreamCreate");
  }
  ~CudaLauncher() override {
    launches_changed();
    if (exec_.stream) cudaStreamDestroy(exec_.stream);
  }
  void launches_changed() override {
    if (graph_exec_) cudaGraphExecDestroy(graph_exec_);
    if (graph_) cudaGraphDestroy(graph_);
    graph_exec_ = nullptr, graph_ = nullptr;
  }
  std::string describe() const override { return "CUDA device 0: " + dev_.name; }
  void* alloc(size_t bytes) override {
    void* p = nullptr;
    const cudaError_t e = cudaMalloc(&p, bytes ? bytes : 1);
    if (e != cudaSuccess)
      throw RunError("CUDA: cannot allocate " + std::to_string(bytes) + " bytes of device memory (" +
                     std::to_string(free_bytes()) + " free): " + cudaGetErrorString(e));
    cuda_check(cudaMemsetAsync(p, 0, bytes, exec_.stream), "cudaMemsetAsync");
    cuda_check(cudaStreamSynchronize(exec_.stream), "cudaMemsetAsync");
    return p;
  }
  void release(void* p) override { cudaFree(p); }
  void upload(void* dst, const void* src, size_t bytes) override {
    // In the engine's stream (non-blocking: a plain cudaMemcpy would not order it before the kernels).
    if (bytes) cuda_check(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, exec_.stream), "copy to the device");
    cuda_check(cudaStreamSynchronize(exec_.stream), "copy to the device");
  }
  void download(void* dst, const void* src, size_t bytes) override {
    if (bytes) cuda_check(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, exec_.stream), "copy from the device");
    cuda_check(cudaStreamSynchronize(exec_.stream), "kernels");
  }
  void zero(void* dst, size_t bytes) override {
    if (bytes) cuda_check(cudaMemsetAsync(dst, 0, bytes, exec_.stream), "cudaMemsetAsync");
  }
  uint64_t free_bytes() const override {
    size_t free = 0, total = 0;
    cudaMemGetInfo(&free, &total);
    return free;
  }
  uint32_t push_warps() const override { return static_cast<uint32_t>(dev_.multiprocessors > 0 ? dev_.multiprocessors * 32 : 4096); }
  void run_steps(uint64_t k, const std::function<void()>& one_step) override {
    if (!k) return;
    if (!graph_exec_) {
      cuda_check(cudaStreamBeginCapture(exec_.stream, cudaStreamCaptureModeThreadLocal), "cudaStreamBeginCapture");
      try {
        one_step();
      } catch (...) {
        cudaGraph_t g = nullptr;
        cudaStreamEndCapture(exec_.stream, &g);
        if (g) cudaGraphDestroy(g);
        throw;
      }
      cuda_check(cudaStreamEndCapture(exec_.stream, &graph_), "cudaStreamEndCapture");
      cuda_check(cudaGraphInstantiate(&graph_exec_, graph_, 0), "cudaGraphInstantiate");
    }
    for (uint64_t i = 0; i < k; ++i) cuda_check(cudaGraphLaunch(graph_exec_, exec_.stream), "cudaGraphLaunch");
  }

 protected:
  CudaExec& exec() override { return exec_; }

 private:
  CudaDevice dev_;
  CudaExec exec_;
  cudaGraph_t graph_ = nullptr;
  cudaGraphExec_t graph_exec_ = nullptr;
};

}  // namespace

std::unique_ptr<Launcher> make_cuda_launcher() {
  const CudaStatus st = cuda_status();
  if (!st.usable()) throw RunError("--device cuda: " + st.error);
  return std::make_unique<CudaLauncher>(st.devices[0]);
}

}  // namespace spikesim
