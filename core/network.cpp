#include "core/network.hpp"

#include <cmath>

#include "synapses/connectivity.hpp"

namespace spikesim {

uint64_t Network::neurons() const {
  uint64_t n = 0;
  for (const auto& p : pops) n += p.size;
  return n;
}

uint64_t Network::synapses() const {
  uint64_t n = 0;
  for (const auto& p : projs) n += p.csr.size();
  return n;
}

uint64_t Network::bytes() const {
  uint64_t b = 0;
  for (const auto& p : pops) b += p.state_bytes();
  for (const auto& p : projs) b += p.csr.bytes() + p.queue.size() * 64;
  return b;
}

uint64_t Network::steps() const {
  return static_cast<uint64_t>(std::ceil(spec.run.tstop / spec.run.dt - 1e-9));
}

Network build_network(NetworkSpec spec) {
  if (spec.run.tstop / spec.run.dt >= 4.0e9)
    fail("/run/tstop", spec.run.tstop, "fewer than 4e9 steps of dt (" + std::to_string(spec.run.dt) + " ms)");
  Network net{spec, PopulationGraph(spec), {}, {}};
  for (uint32_t i = 0; i < net.spec.populations.size(); ++i)
    net.pops.push_back(make_population(net.spec.populations[i], net.spec.run, i));
  for (uint32_t i = 0; i < net.spec.projections.size(); ++i) {
    const ProjectionSpec& s = net.spec.projections[i];
    Projection p;
    p.name = s.name;
    p.source = s.source;
    p.target = s.target;
    p.receptor = s.receptor;
    p.csr = build_csr(s, net.pops[s.source].size, net.pops[s.target].size, net.spec.run, i);
    p.init_queue();
    net.projs.push_back(std::move(p));
  }
  return net;
}

}  // namespace spikesim
