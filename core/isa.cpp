#include "core/isa.hpp"

#include <cstdlib>

#include "core/error.hpp"

namespace spikesim {

namespace {

bool cpu_has_avx2() {
#if defined(SPIKESIM_AVX2_PATH) && (defined(__x86_64__) || defined(__i386__))
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

Isa pick() {
  const char* env = std::getenv("SPIKESIM_ISA");
  const std::string want = env ? env : "";
  if (want.empty()) return cpu_has_avx2() ? Isa::kAvx2 : Isa::kBaseline;
  if (want == "baseline") return Isa::kBaseline;
  if (want == "avx2") {
    if (!cpu_has_avx2())
      throw RunError("SPIKESIM_ISA=avx2, but this build or this CPU has no AVX2+FMA path, expected baseline or unset");
    return Isa::kAvx2;
  }
  throw RunError("SPIKESIM_ISA=" + want + ", expected baseline, avx2 or unset");
}

}  // namespace

Isa selected_isa() {
  static const Isa isa = pick();
  return isa;
}

const char* isa_name(Isa isa) { return isa == Isa::kAvx2 ? "avx2+fma" : "baseline (SSE2)"; }

std::string isa_paths() { return cpu_has_avx2() ? "baseline, avx2+fma" : "baseline"; }

}  // namespace spikesim
