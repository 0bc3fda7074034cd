#include "io/trial_file.hpp"

#include <fstream>

namespace spikesim {

namespace {

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
  return s;
}

}  // namespace

void write_trials(const std::string& h5_path, const std::string& csv_path, const TaskSpec& spec,
                  const std::vector<TrialRecord>& records, const Provenance& prov, const std::string& status,
                  double t_reached_ms) {
  H5Id f = h5_create_file(h5_path);
  write_provenance(f, prov);
  H5Id g = h5_create_group(f, "/trials");
  attr_string(g, "categories", joined(spec.categories));
  attr_string(g, "actions", joined(spec.actions));
  const size_t n = records.size();
  std::vector<uint32_t> trial(n);
  std::vector<int32_t> category(n), action(n), correct(n);
  std::vector<double> reward(n), feedback(n), t_end(n);
  for (size_t i = 0; i < n; ++i) {
    trial[i] = records[i].trial;
    category[i] = records[i].category;
    action[i] = records[i].action;
    correct[i] = records[i].correct;
    reward[i] = records[i].reward;
    feedback[i] = records[i].feedback;
    t_end[i] = records[i].t_end;
  }
  write_vector(g, "trial", H5T_NATIVE_UINT32, H5T_STD_U32LE, trial.data(), n);
  write_vector(g, "category", H5T_NATIVE_INT32, H5T_STD_I32LE, category.data(), n);
  write_vector(g, "action", H5T_NATIVE_INT32, H5T_STD_I32LE, action.data(), n);
  write_vector(g, "correct", H5T_NATIVE_INT32, H5T_STD_I32LE, correct.data(), n);
  write_vector(g, "reward", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, reward.data(), n);
  write_vector(g, "feedback", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, feedback.data(), n);
  write_vector(g, "t_end", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, t_end.data(), n);
  write_status(f, status, t_reached_ms);

  std::ofstream c(csv_path);
  c << "trial,category,action,correct,reward,feedback,t_end_ms";
  for (const auto& a : spec.actions) c << ",spikes_" << a;
  c << '\n';
  for (const auto& r : records) {
    c << r.trial << ',' << spec.categories[r.category] << ',' << (r.action < 0 ? "none" : spec.actions[r.action]) << ','
      << (r.correct ? 1 : 0) << ',' << r.reward << ',' << r.feedback << ',' << r.t_end;
    for (uint64_t x : r.counts) c << ',' << x;
    c << '\n';
  }
}

}  // namespace spikesim
