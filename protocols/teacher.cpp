#include "protocols/teacher.hpp"

#include <filesystem>

#include "protocols/protocol.hpp"
#include "protocols/simulate.hpp"

namespace spikesim {

namespace fs = std::filesystem;

json with_coefficients(const json& network, const json& fit, const json& coefficients) {
  json net = network;
  std::vector<std::string> names;
  const json& pj = fit.value("projection", json());
  if (pj.is_array())
    for (const auto& n : pj) names.push_back(n.is_string() ? n.get<std::string>() : "");
  else
    names.push_back(pj.is_string() ? pj.get<std::string>() : "");
  for (const std::string& name : names) {
    bool found = false;
    for (auto& pr : net["projections"])
      if (pr.value("name", "") == name && pr.contains("plasticity")) pr["plasticity"]["coefficients"] = coefficients, found = true;
    if (!found) fail("/fit/projection", name, "the \"name\" of a plastic projection of the network");
  }
  return net;
}

std::vector<uint64_t> run_seeds(const json& runs) {
  std::vector<uint64_t> seeds;
  for (const char* k : {"seeds", "held_out"})
    if (runs.contains(k) && runs[k].is_array())
      for (const auto& s : runs[k])
        if (s.is_number_unsigned()) seeds.push_back(s.get<uint64_t>());
  return seeds;
}

void record_teacher(const json& network, const std::string& file, const std::vector<uint64_t>& seeds, const std::string& dir,
                    const RunOptions& engine) {
  for (uint64_t seed : seeds) {
    const std::string d = (fs::path(dir) / ("seed" + std::to_string(seed))).string();
    Network net = build_protocol_network(network_for_run(network, d, seed), file, "", "/network");
    RunOptions opt = engine;
    opt.threads = 1;
    simulate(net, opt);
  }
}

}  // namespace spikesim
