#include "core/hints.hpp"

#include <algorithm>
#include <sstream>

namespace spikesim {

// Names users bring from other simulators: each maps to spikesim's, with a note where the
// unit differs (never converted silently: python/spikesim and the docs suggest, users write).
json name_aliases() {
  return {
      {"models",
       {{"IF_cond_exp", "lif_cond_exp"}, {"iaf_cond_exp", "lif_cond_exp"}, {"IF_curr_exp", "lif_curr_exp"},
        {"iaf_psc_exp", "lif_curr_exp"}, {"EIF_cond_exp_isfa_ista", "aeif_cond_exp"}, {"aeif_cond_exp", "aeif_cond_exp"},
        {"Izhikevich", "izhikevich"}, {"izhikevich", "izhikevich"}, {"SpikeSourcePoisson", "poisson"},
        {"SpikeSourceArray", "spike_generator"}, {"spike_generator", "spike_generator"},
        {"pp_psc_delta", "pp_psc_delta"}, {"DCSource", "dc_generator"}, {"StepCurrentSource", "step_current_generator"},
        {"dc_generator", "dc_generator"}, {"step_current_generator", "step_current_generator"},
        {"poisson_generator", "poisson_generator"}}},
      {"params",
       {{"tau_refrac", {{"name", "t_ref"}, {"note", "ms, as in PyNN"}}},
        {"cm", {{"name", "C_m"}, {"note", "PyNN's cm is in nF, spikesim's C_m in pF: multiply by 1000"}}},
        {"v_rest", {{"name", "E_L"}, {"note", "mV"}}},
        {"v_thresh", {{"name", "V_th"}, {"note", "mV"}}},
        {"v_reset", {{"name", "V_reset"}, {"note", "mV"}}},
        {"tau_syn_E", {{"name", "tau_syn_ex"}, {"note", "ms"}}},
        {"tau_syn_I", {{"name", "tau_syn_in"}, {"note", "ms"}}},
        {"e_rev_E", {{"name", "E_ex"}, {"note", "mV"}}},
        {"e_rev_I", {{"name", "E_in"}, {"note", "mV"}}},
        {"i_offset", {{"name", "I_e"}, {"note", "PyNN's i_offset is in nA, spikesim's I_e in pA: multiply by 1000"}}},
        {"v", {{"name", "V_m"}, {"note", "mV"}}},
        {"N", {{"name", "n"}, {"note", "fixed_total_number's synapse count"}}}}},
      {"connection_rules",
       {{"FixedProbabilityConnector", "pairwise_bernoulli"}, {"AllToAllConnector", "all_to_all"},
        {"OneToOneConnector", "one_to_one"}, {"FixedNumberPreConnector", "fixed_indegree"},
        {"FixedNumberPostConnector", "fixed_outdegree"}, {"FixedTotalNumberConnector", "fixed_total_number"},
        {"FromListConnector", "explicit"}}},
      {"monitors", {{"spike_recorder", "spikes"}, {"multimeter", "state"}, {"voltmeter", "state"},
                    {"SpikeMonitor", "spikes"}, {"StateMonitor", "state"}, {"PopulationRateMonitor", "rates"}}}};
}

namespace {

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) == std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (same ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::vector<std::string> split_list(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream ss(list);
  for (std::string item; std::getline(ss, item, ',');)
    if (item.find_first_not_of(' ') != std::string::npos) out.push_back(item.substr(item.find_first_not_of(' ')));
  return out;
}

std::string did_you_mean(const std::string& found, const std::vector<std::string>& candidates, const std::string& kind) {
  static const json kAliases = name_aliases();
  if (!kind.empty() && kAliases.contains(kind) && kAliases[kind].contains(found)) {
    const json& a = kAliases[kind][found];
    const std::string name = a.is_string() ? a.get<std::string>() : a.value("name", "");
    const std::string note = a.is_object() ? a.value("note", "") : "";
    if (name != found && (candidates.empty() || std::find(candidates.begin(), candidates.end(), name) != candidates.end()))
      return " (did you mean \"" + name + "\"? \"" + found + "\" is another simulator's name" + (note.empty() ? "" : "; " + note) + ")";
  }
  std::string best;
  size_t best_d = std::max<size_t>(1, found.size() / 3) + 1;
  for (const std::string& c : candidates) {
    const size_t d = edit_distance(found, c);
    if (d < best_d) best_d = d, best = c;
  }
  return best.empty() ? "" : " (did you mean \"" + best + "\"?)";
}

}  // namespace spikesim
