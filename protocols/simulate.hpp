#pragma once
// Running a built network: the backend RunOptions::device names (cpu/ or gpu/), the monitors
// of the network file (io/monitors.hpp), and the one run loop (core/run_loop.hpp). Used by
// the command line, every protocol and the tests.
#include "core/run.hpp"
#include "gpu/launcher.hpp"
#include "io/monitors.hpp"
#include "plasticity/network.hpp"

namespace spikesim {

// Runs `net` (state is advanced in place) and writes its monitors under spec.output.dir.
RunResult simulate(Network& net, const RunOptions& opt);
// The same with `extra` monitors beside the file's (protocols/recorders.hpp: results kept in
// memory); they are run after the file's monitors and handed back.
RunResult simulate(Network& net, const RunOptions& opt, MonitorList& extra);
// The same on the device backend with a given launcher (tests: emulation in thread orders).
RunResult simulate(Network& net, const RunOptions& opt, Launcher& launcher);

}  // namespace spikesim
