#pragma once
// Recovering Oja's rule from activity (`"kind": "oja_recovery"`, protocols/oja_recovery.json;
// Mehta et al. 2024's first experiment, spiking; docs/fit.md): a teacher network whose
// taylor rules hold the teacher's coefficients writes recordings for every seed; the fit
// (protocols/fit.hpp) starts from 0 with the chosen coefficients free and sees only the
// binned rates of one population. Passes when the teacher's nonzero coefficients come back
// within `tolerance`, every other stays below `others` of x1y1w0 (both in the fit's
// normalised units), and the held-out runs' weight trajectories have R^2 >= `r2_weights`.
// A sweep repeats the fit over recording noise and over the fraction of neurons recorded
// (the paper's Fig. 2D-F).
#include <string>
#include <vector>

#include "core/json_access.hpp"
#include "protocols/fit.hpp"
#include "protocols/protocol_header.hpp"
#include "protocols/simulate.hpp"

namespace spikesim {

struct OjaRecoveryProtocol : ProtocolHeader {
  json network;                 // the teacher and student network (its "output" dropped)
  json fit, optimizer, runs;    // as in a fit file; fit.coefficients are the free ones
  json teacher;                 // {"x1y1w0": 1, "x0y2w1": -1}: the teacher's rule on fit.projection
  std::string population;       // the recorded population
  double bin = 1000.0, noise = 0.0, fraction = 1.0;
  double tolerance = 0.15, others = 0.1, r2_weights = 0.9;
  std::vector<double> sweep_noise, sweep_fraction;  // each value one more fit (noise with fraction 1 and the other way)
  json sweep_fit, sweep_optimizer;                  // the sweep's fit and optimizer keys (default: the main ones)
};

struct OjaSweepPoint {
  double noise = 0.0, fraction = 1.0, r2_weights = 0.0, r2_rates = 0.0, loss = 0.0;
};

struct OjaRecoveryResult {
  FitResult fit;
  std::vector<double> teacher_phi;  // per fitted term: the teacher's theta in normalised units
  double max_rel_error = 0.0;       // of the teacher's nonzero terms
  double max_other = 0.0;           // the largest |phi| of the others, over |phi_x1y1w0|
  double r2_weights = 0.0;          // held-out runs (the fitted runs when none are held out)
  std::vector<OjaSweepPoint> sweep;
  bool pass = false;
  std::vector<std::string> files;
};

OjaRecoveryProtocol load_oja_recovery(const json& raw, const std::string& path);
OjaRecoveryResult run_oja_recovery(const OjaRecoveryProtocol& p, const std::string& out_dir, bool quiet = true,
                                   const RunOptions& engine = {});

}  // namespace spikesim
