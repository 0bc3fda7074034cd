// libFuzzer target: a network file's text through everything `spikesim validate` does before a
// run: JSON parse (depth and duplicate-key checks), parse_network, the pre-flight estimate,
// and, for networks the pre-flight lets through under a 64 MiB limit, build_network. A bad
// file must end in SpecError (exit 2); anything else (a crash, a sanitizer report, another
// exception, a hang) is a finding.
#include <cstdint>
#include <string>

#include "io/edges_file.hpp"
#include "plasticity/preflight.hpp"

using namespace spikesim;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  set_memory_limit(64.0 * 1024 * 1024);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    NetworkSpec spec = parse_network(read_json_text(text), "<fuzz>", Overrides{});
    const Estimate e = estimate(spec);
    (void)e.memory();
    // Files named by the input are not opened (the fuzzer would read the machine's files).
    spec.init_from.clear();
    for (ProjectionSpec& p : spec.projections) p.weights_from.clear();
    if (spec.run.tstop / spec.run.dt > 1e6) return 0;  // build_network allocates per step nothing, but keep runs short
    build_network(std::move(spec));
  } catch (const SpecError&) {
  }
  return 0;
}
