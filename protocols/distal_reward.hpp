#pragma once
// The distal reward protocol (`"kind": "distal_reward"`, protocols/distal_reward.json;
// Izhikevich 2007, first experiment; docs/plasticity.md section 6). The file holds the whole
// network; the runner picks one synapse of a plastic projection, sets it to 0, and makes
// the neuromodulator signal deliver a reward each time the synapse's postsynaptic neuron
// fires within `window` ms after its presynaptic one (signals' "on_pair" rewards). A
// control run (no reward delivery) follows. Each run records the chosen weight and a sample
// of the others over time; at the end all weights of the projection are compared.
#include <string>
#include <vector>

#include "core/json_access.hpp"
#include "protocols/simulate.hpp"
#include "protocols/protocol_header.hpp"

namespace spikesim {

struct DistalRewardProtocol : ProtocolHeader {
  json network;             // a network file, without "output"
  std::string projection, signal;
  uint64_t synapse = 0;     // index in the projection's CSR order
  double window = 20.0, amount = 0.5, record_dt = 10000.0;
  json delay;               // a value or a distribution (ms)
  uint64_t sample = 2000;   // other synapses recorded over time
  bool control = true;
};

struct DistalRewardRun {
  std::string label;
  std::vector<double> t_s, chosen, others_mean, others_p99;  // over time (sampled others)
  double final_chosen = 0, final_mean = 0, final_p99 = 0, w_max = 0, wall_s = 0;
  uint64_t rewards = 0, pre = 0, post = 0;
  bool stands_out = false;  // at w_max or above the 99th percentile of all others
};

struct DistalRewardResult {
  std::vector<DistalRewardRun> runs;  // rewarded, then control
  bool pass = false;
  std::vector<std::string> files;
};

DistalRewardProtocol load_distal_reward(const json& raw, const std::string& path);
DistalRewardResult run_distal_reward(const DistalRewardProtocol& p, const std::string& out_dir, bool quiet = true,
                                      const RunOptions& engine = {});

}  // namespace spikesim
