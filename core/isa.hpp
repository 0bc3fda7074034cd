#pragma once
// The instruction set the CPU hot loops run with (neurons/step_range.hpp): baseline x86-64
// (SSE2) or AVX2 with FMA, picked once at start-up from what the CPU supports, or forced by
// the environment variable SPIKESIM_ISA=baseline|avx2. Every path gives the same numbers
// (the model math is compiled without contraction into FMA, -ffp-contract=off), so a run's
// output does not depend on the CPU it ran on.
#include <string>

namespace spikesim {

enum class Isa { kBaseline, kAvx2 };

Isa selected_isa();             // throws RunError for an unknown or unsupported SPIKESIM_ISA
const char* isa_name(Isa isa);  // "baseline (SSE2)", "avx2+fma"
std::string isa_paths();        // the paths this build has and this CPU supports, for --version

}  // namespace spikesim
