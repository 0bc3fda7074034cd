#pragma once
// What the command line's commands share (cli/commands.cpp parses, cli/run_commands.cpp runs
// networks): the parsed arguments and the engine options they ask for.
#include <cstdint>
#include <string>
#include <vector>

#include "core/comm.hpp"
#include "core/run.hpp"
#include "core/spec.hpp"

namespace spikesim::cli {

struct UsageError {
  std::string msg;
};

struct Args {
  std::string command, file;
  std::vector<std::string> sets;  // protocol --set
  bool list = false;
  Overrides ov;
  int threads = 0;
  std::string device = "cpu", propagation = "auto";
  bool quiet = false;
  bool profile = false;
  bool device_given = false;
  std::string network;  // resume --network NET.json: continue with a changed network
  bool progress = false;  // --progress: the progress line even when stderr is not a terminal (python/spikesim reads it)
  double checkpoint_every = -1.0;  // ms; -1: not given
  std::string save_state;
  double max_memory = 0.0;  // --max-memory, bytes; 0: the available memory
  bool strict = false;      // --strict: warnings are errors
  bool help = false, json = false;
};

// The ranks of this process: MPI's when mpirun started it (docs/mpi.md), else this process alone.
Comm& ranks();

// --device and --propagation as the options of every run of this command (protocols
// included); fails (exit 2) before any work when cuda is asked for and no device is usable.
RunOptions engine_options(const Args& a);
std::string with_commas(uint64_t n);  // 1,234,567

// The warnings of a parsed network (NetworkSpec::warnings), threads above the cores, output
// larger than the free disk: printed to stderr before any work; --strict makes them errors
// (exit 2, all of them listed).
void check_warnings(const Args& a, const NetworkSpec& spec);

// spikesim run NET.json and spikesim resume DIR (docs/checkpoints.md).
int cmd_run(const Args& a);
int cmd_resume(const Args& a);
// spikesim describe --json (cli/describe.cpp).
int cmd_describe(const Args& a);

}  // namespace spikesim::cli
