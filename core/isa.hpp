#pragma once
// The instruction set the CPU hot loops run with (neurons/step_range.hpp): baseline x86-64
// (SSE2), AVX2 with FMA, or AVX-512 (F, VL, BW, DQ; 512-bit vectors), picked once at
// start-up as the widest the CPU supports, or forced by the environment variable
// SPIKESIM_ISA=baseline|avx2|avx512. Every path gives the same numbers (the model math is
// compiled without contraction into FMA, -ffp-contract=off), so a run's output does not
// depend on the CPU it ran on.
#include <string>

namespace spikesim {

// X(enumerator, SPIKESIM_ISA value, what it uses), narrowest first.
#define SPIKESIM_ISAS(X)                      \
  X(kBaseline, "baseline", "x86-64 baseline, SSE2") \
  X(kAvx2, "avx2", "AVX2+FMA, 256-bit")       \
  X(kAvx512, "avx512", "AVX-512 F/VL/BW/DQ, 512-bit")

enum class Isa {
#define SPIKESIM_ISA_ENUM(e, name, what) e,
  SPIKESIM_ISAS(SPIKESIM_ISA_ENUM)
#undef SPIKESIM_ISA_ENUM
};

Isa selected_isa();             // throws RunError for an unknown or unsupported SPIKESIM_ISA
const char* isa_name(Isa isa);  // its SPIKESIM_ISA value: "baseline", "avx2", "avx512"
bool isa_available(Isa isa);    // compiled into this build and supported by this CPU
std::string isa_paths();        // the available paths with what each uses, for --version

}  // namespace spikesim
