#pragma once
// The monitor kinds (core/monitor.hpp implemented as HDF5 files), one file each:
//   spikes   io/monitor_spikes.cpp   spikes.h5 (SONATA spikes)
//   states   io/monitor_states.cpp   <name>_<var>.h5 (SONATA report of state variables)
//   weights  io/monitor_weights.cpp  <name>_weights.h5 (SONATA report of synapse weights)
//   signals  io/monitor_series.cpp   <name>.h5 (global signals every `step` ms)
//   rates    io/monitor_series.cpp   <name>.h5 (population rates per bin)
//   trials   io/monitor_trials.cpp   trials.h5 and trials.csv (a task's trials)
//   edges    io/monitor_edges.cpp    edges.h5 (final weights of plastic projections)
// Adding a kind: a file with its Monitor class, its open_<kind>_monitors and its
// parse_<kind>_monitor (io/parse_monitor.hpp), one line in SPIKESIM_MONITOR_KINDS; its spec
// (what parse fills, open reads) is a struct in core/spec.hpp.
#include <memory>
#include <string>
#include <vector>

#include "core/monitor.hpp"
#include "io/h5.hpp"
#include "plasticity/network.hpp"

namespace spikesim {

// X(kind, "type"): the kind's "type" in the file's "monitors". edges, trials and circuit are
// written without an entry (for every plastic projection, for a task, for "output":
// {"circuit": true}); their parse explains that.
#define SPIKESIM_MONITOR_KINDS(X) \
  X(spikes, "spikes")             \
  X(states, "state")              \
  X(weights, "weights")           \
  X(signals, "signals")           \
  X(rates, "rates")               \
  X(edges, "edges")               \
  X(trials, "trials")             \
  X(circuit, "circuit")

using MonitorList = std::vector<std::unique_ptr<Monitor>>;

struct MonitorContext {
  const Network& net;
  Provenance prov;
  int nthreads;
  FileMode mode;  // resume: the files exist, open them to continue (Monitor::checkpoint cuts them back)
  std::string path(const std::string& file) const;  // file under the output folder
  uint64_t stride(double ms) const;                 // ms as steps of dt
};

#define SPIKESIM_DECLARE_MONITOR_KIND(kind, type) void open_##kind##_monitors(const MonitorContext& c, MonitorList& out);
SPIKESIM_MONITOR_KINDS(SPIKESIM_DECLARE_MONITOR_KIND)
#undef SPIKESIM_DECLARE_MONITOR_KIND

// Creates the output folder and opens every monitor of net.spec, in the order of the list.
// mode.resume opens the files of an earlier run in the folder instead of creating them;
// mode.crash_safe (a run with checkpoints) makes them safe against a kill (io/h5.hpp).
MonitorList open_monitors(const Network& net, int nthreads, const FileMode& mode = {});

}  // namespace spikesim
