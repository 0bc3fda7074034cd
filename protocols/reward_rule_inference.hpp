#pragma once
// Inferring a reward rule from choices (`"kind": "reward_rule_inference"`,
// protocols/reward_rule_inference.json; Mehta et al. 2024's second experiment, spiking;
// docs/fit.md): in each condition a teacher network learns a two-choice task with a taylor
// rule in (x, r - E[r], w) and writes its trials (odor, choice, reward) per session; the fit
// (protocols/fit.hpp, a "choices" observable) starts from 0 with the chosen coefficients free
// and sees only those trials. Passes when, for the protocol's `term` (x0y0w1: forgetting),
// the fit finds the sign of a condition whose teacher has it, keeps it below `invented` of
// that teacher's |phi| in a condition whose teacher has none, finds x1y1w0 > 0 in every
// condition, and explains at least `deviance_explained` of the held-out sessions' deviance.
#include <string>
#include <vector>

#include "core/json_access.hpp"
#include "protocols/fit.hpp"
#include "protocols/protocol_header.hpp"
#include "protocols/simulate.hpp"

namespace spikesim {

struct RewardRuleCondition {
  std::string name;
  json teacher;  // the teacher's coefficients, {"x1y1w0": 1, "x0y0w1": -10}
};

struct RewardRuleInferenceProtocol : ProtocolHeader {
  json network;               // the teacher and student network (a task; its "output" dropped)
  json fit, optimizer, runs;  // as in a fit file; fit.coefficients are the free ones
  json observe;               // the choices observable's "temperature" and "replicas"
  std::vector<RewardRuleCondition> conditions;
  std::string term = "x0y0w1";
  double invented = 0.25, deviance_explained = 0.0;
};

struct RewardRuleConditionResult {
  std::string name;
  FitResult fit;
  std::vector<int> terms;            // the fitted taylor terms
  std::vector<double> teacher_phi;   // per fitted term: the teacher's theta in normalised units
  double term_teacher = 0.0, term_fitted = 0.0;  // `term`'s phi
  double hebbian = 0.0;              // fitted phi of x1y1w0
  double deviance_fit = 0.0, deviance_held_out = 0.0;
};

struct RewardRuleInferenceResult {
  std::vector<RewardRuleConditionResult> conditions;
  bool pass = false;
  std::vector<std::string> files;
};

RewardRuleInferenceProtocol load_reward_rule_inference(const json& raw, const std::string& path);
RewardRuleInferenceResult run_reward_rule_inference(const RewardRuleInferenceProtocol& p, const std::string& out_dir, bool quiet = true,
                                                    const RunOptions& engine = {});

}  // namespace spikesim
