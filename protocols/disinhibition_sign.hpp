#pragma once
// The disinhibition sign protocol (`"kind": "disinhibition_sign"`,
// protocols/disinhibition_sign.json; Rossbroich & Zenke 2023, docs/plasticity.md section 5).
// A microcircuit: excitatory neurons E, each with a paired interneuron (one-to-one E -> I and
// I -> E), plastic inputs onto E with the `disinhibitory` rule (lin_thresh), and a top-down
// projection onto I whose weight (the drive) is swept: negative inhibits the interneurons
// (disinhibition), positive excites them (added inhibition).
//  1. Calibration: with no drive and no learning, the input rate is varied; nu_E = a + b nu_I
//     is fitted by least squares over those runs (the circuit's no-feedback relation) and
//     written into the rule, so that with no drive the rule sits near its zero.
//  2. Sweep: for each drive and seed, the mean weight change of the plastic inputs, and the
//     rates of E and I.
//  3. Predictions, at one disinhibitory drive: the inhibition projection (I -> E) blocked
//     (weight x block) and enhanced (x enhance), against the sweep's value there.
// Checks: the mean dw falls strictly with the drive, is > 0 for every drive < 0 and < 0 for
// every drive > 0, |dw(0)| <= zero_fraction * max |dw|; blocking raises dw, enhancing lowers it.
#include <cstdint>
#include <string>
#include <vector>

#include "core/json_access.hpp"
#include "protocols/simulate.hpp"
#include "protocols/protocol_header.hpp"

namespace spikesim {

struct DisinhibitionProtocol : ProtocolHeader {
  json network;  // a network file without "output"
  std::string plastic, excitatory, interneurons, topdown, inhibition, input;
  std::vector<double> drives, calibration_rates;
  double prediction_drive = -150.0, block = 0.0, enhance = 2.0, zero_fraction = 0.1;
  int seeds = 5;
};

struct DisinhibitionPoint {
  std::string label;
  double drive = 0;
  std::vector<double> dw, rate_E, rate_I;  // per seed
  double mean = 0, se = 0, mean_E = 0, mean_I = 0;
};

struct DisinhibitionResult {
  double a = 0, b = 0;                          // the fitted threshold
  std::vector<double> cal_nu_E, cal_nu_I;       // calibration points (all seeds)
  std::vector<DisinhibitionPoint> sweep;        // in the order of the drives
  DisinhibitionPoint baseline, blocked, enhanced;  // predictions
  bool monotone = false, signs = false, zero = false, block_ok = false, enhance_ok = false, pass = false;
  std::vector<std::string> files;
};

DisinhibitionProtocol load_disinhibition(const json& raw, const std::string& path);
DisinhibitionResult run_disinhibition(const DisinhibitionProtocol& p, const std::string& out_dir, bool quiet = true,
                                       const RunOptions& engine = {});

}  // namespace spikesim
