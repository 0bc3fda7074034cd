#pragma once
// The global-factor pairing protocol (`"kind": "global_factor"`, protocols/istdp_global_factor.json;
// docs/plasticity.md section 4): a Poisson population whose rate steps through a schedule, one
// epoch per rate, feeds a rate_estimate H; one pre -> post pairing at a fixed time in each
// epoch drives a plastic synapse whose rule reads G = H - gamma. Each seed is one run; the
// weight change per epoch is compared with the expected values (per seed within tol_sd
// standard deviations, and the mean over seeds within tol_se standard errors).
#include <string>
#include <vector>

#include "core/json_access.hpp"
#include "protocols/simulate.hpp"
#include "protocols/protocol_header.hpp"

namespace spikesim {

struct GlobalFactorProtocol : ProtocolHeader {
  double dt = 0.1, epoch = 1000.0, at = 500.0, dt_s = 1.0, delay = 0.1;
  double tau_H = 100.0, gamma = 5.0, initial_weight = 0.0;
  uint64_t seed = 1;
  int seeds = 20;
  uint32_t size = 1000;
  std::vector<double> rates;        // Hz, one epoch each
  json plasticity;                  // the rule; its "factor" defaults to {"signal": "H", "offset": -gamma}
  std::vector<double> expected_dw;  // per epoch (docs/plasticity.md table)
  std::vector<double> sd_G;         // per epoch, sd of G at the pairing (Hz)
  double tol_sd = 3.0, tol_se = 2.0, rel_exact = 1e-3;  // rel_exact: epochs with sd 0
};

struct GlobalFactorResult {
  std::vector<std::vector<double>> dw, G;  // [seed][epoch]: weight change, G at the pairing
  std::vector<double> analytic_dw;         // per epoch, from E[G] and the rule's eta and tau
  std::vector<double> sd_dw, mean_dw, se_dw;
  std::vector<int> seed_fail;              // per seed: epochs outside tol_sd sd (or rel_exact)
  std::vector<bool> mean_ok;               // per epoch
  bool signs_ok = true, pass = true;
  std::vector<std::string> files;
};

GlobalFactorProtocol load_global_factor(const json& raw, const std::string& path);
GlobalFactorResult run_global_factor(const GlobalFactorProtocol& p, const std::string& out_dir, bool quiet = true,
                                      const RunOptions& engine = {});

}  // namespace spikesim
