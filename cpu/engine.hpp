#pragma once
// The CPU backend (OpenMP): one parallel region per chunk of steps, each thread owning a
// range of every population's neurons and of every projection's targets, so that no lock is
// taken and sums are added in the same order for any thread count. Phases of a step:
// core/backend.hpp.
#include <memory>

#include "core/backend.hpp"
#include "plasticity/network.hpp"

namespace spikesim {

class RankView;

// A backend over `net` (whose state it advances in place) with opt.threads threads. In a
// distributed run (opt.comm of more than one rank) it steps the rank's neurons (net.part),
// exchanges every step's spikes with the other ranks, and gathers what monitors read into
// `view` (cpu/rank_view.hpp).
std::unique_ptr<Backend> make_cpu_backend(Network& net, const RunOptions& opt, RankView* view = nullptr);

}  // namespace spikesim
