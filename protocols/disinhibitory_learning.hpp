#pragma once
// The disinhibitory learning protocol (`"kind": "disinhibitory_learning"`,
// protocols/disinhibitory_learning.json; Rossbroich & Zenke 2023, docs/plasticity.md section 5):
// a student-teacher task. Input Poisson patterns drive excitatory units (with paired
// interneurons) through plastic `disinhibitory` synapses; the target rates of the units are
// those of a fixed random teacher (the same circuit with weights drawn once, no feedback).
// During training a target Poisson population plays the teacher's rates and error
// populations (excited by the target and inhibited by the output, or the reverse) project
// onto the interneurons: output below target disinhibits them, output above target adds
// inhibition, so the rule's sign follows the error. The rule's threshold (lin_thresh a, b)
// is fitted per condition on the student's own circuit before training, at zero error
// (with feedback: the target plays the student's own rates), times b_factor on b. Each
// epoch presents every training pattern once (shuffled; learning rate times anneal per
// epoch), then the loss (mean squared rate error on held-out patterns, with no feedback and
// no learning) is measured. A control trains with the feedback projections' weights at 0.
// Each presentation is one run of the network; the plastic weights carry over in memory.
// All connectivity must be one_to_one or all_to_all (the same synapses for every run seed).
#include <cstdint>
#include <string>
#include <vector>

#include "core/json_access.hpp"
#include "protocols/simulate.hpp"
#include "protocols/protocol_header.hpp"

namespace spikesim {

struct LearningProtocol : ProtocolHeader {
  json network;
  std::string plastic, input, target, output, interneurons;
  std::vector<std::string> feedback;     // projections onto the interneurons, zeroed in the control
  uint32_t train = 20, test = 10, epochs = 10;
  double rate_lo = 0.0, rate_hi = 20.0;  // input pattern rates (Hz), uniform per neuron
  double teacher_lo = 0.0, teacher_hi = 1.0;  // teacher weights, uniform
  double present = 1000.0, evaluate = 2000.0;  // ms
  double max_final = 0.2, min_control = 0.8;   // loss criteria, fractions of the initial loss
  double b_factor = 1.0;                        // on the fitted b (see run_learning)
  double anneal = 1.0;                          // the learning rate's factor per epoch
  bool control = true;
};

struct LearningRun {
  std::string label;
  bool feedback = true;
  double a = 0, b = 0;                 // the rule's threshold, calibrated for this condition
  std::vector<double> cal_I, cal_E;    // the calibration's points (Hz)
  std::vector<float> weights;          // the plastic weights after training
  std::vector<double> loss;  // per epoch, loss[0] before training
  std::vector<std::vector<double>> rates_before, rates_after;  // held-out patterns' output rates (Hz)
};

struct LearningResult {
  std::vector<float> initial, teacher;  // the student's initial and the teacher's weights
  std::vector<LearningRun> runs;  // with feedback, then the control
  bool learned = false, control_flat = false, pass = false;
  std::vector<std::string> files;
};

LearningProtocol load_learning(const json& raw, const std::string& path);
LearningResult run_learning(const LearningProtocol& p, const std::string& out_dir, bool quiet = true,
                             const RunOptions& engine = {});

}  // namespace spikesim
