#include "core/isa.hpp"

#include <cstdlib>

#include "core/error.hpp"

namespace spikesim {

namespace {

struct IsaRow {
  Isa isa;
  const char* name;
  const char* what;
};
const IsaRow kIsas[] = {
#define SPIKESIM_ISA_ROW(e, name, what) {Isa::e, name, what},
    SPIKESIM_ISAS(SPIKESIM_ISA_ROW)
#undef SPIKESIM_ISA_ROW
};

Isa pick() {
  const char* env = std::getenv("SPIKESIM_ISA");
  const std::string want = env ? env : "";
  std::string names;
  for (const IsaRow& r : kIsas) names += std::string(names.empty() ? "" : ", ") + r.name;
  if (want.empty()) {
    Isa best = Isa::kBaseline;
    for (const IsaRow& r : kIsas)
      if (isa_available(r.isa)) best = r.isa;
    return best;
  }
  for (const IsaRow& r : kIsas) {
    if (want != r.name) continue;
    if (!isa_available(r.isa))
      throw RunError("SPIKESIM_ISA=" + want + ", but this build or this CPU has no " + r.what +
                     " path, expected one of: " + isa_paths());
    return r.isa;
  }
  throw RunError("SPIKESIM_ISA=" + want + ", expected one of " + names + ", or unset");
}

}  // namespace

bool isa_available(Isa isa) {
  switch (isa) {
    case Isa::kBaseline: return true;
#if defined(SPIKESIM_AVX2_PATH) && (defined(__x86_64__) || defined(__i386__))
    case Isa::kAvx2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
#if defined(SPIKESIM_AVX512_PATH) && (defined(__x86_64__) || defined(__i386__))
    // GCC's and Clang's checks include the operating system's support for the registers (XCR0).
    case Isa::kAvx512:
      return isa_available(Isa::kAvx2) && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
             __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq");
#endif
    default: return false;
  }
}

Isa selected_isa() {
  static const Isa isa = pick();
  return isa;
}

const char* isa_name(Isa isa) { return kIsas[static_cast<int>(isa)].name; }

std::string isa_paths() {
  std::string s;
  for (const IsaRow& r : kIsas)
    if (isa_available(r.isa)) s += std::string(s.empty() ? "" : ", ") + r.name + " (" + r.what + ")";
  return s;
}

}  // namespace spikesim
