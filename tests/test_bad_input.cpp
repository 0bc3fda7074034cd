// Malformed network files and bad usage: exit code 2, a message naming the file and the
// JSON pointer, never a crash.
#include <doctest/doctest.h>

#include "helpers.hpp"

using namespace spikesim::test;

namespace {

// A valid base network; each case replaces one part of it.
const std::string kPops = R"("populations": {"a": {"size": 10, "model": "lif_cond_exp"}, "c": {"size": 10, "model": "lif_curr_exp"},
    "p": {"size": 5, "model": "poisson", "params": {"rate": 5}}})";

std::string with_projection(const std::string& proj) {
  return "{" + kPops + R"(, "projections": [)" + proj + "]}";
}
const std::string kConn = R"("connectivity": {"rule": "all_to_all"})";
// A projection p_to_a (50 synapses) and one monitor.
std::string with_monitor(const std::string& mon) {
  return "{" + kPops + R"(, "projections": [{"source": "p", "target": "a", "connectivity": {"rule": "all_to_all"}, "weight": 1}], "monitors": [)" + mon + "]}";
}

struct Case {
  const char* what;
  std::string text;
  const char* pointer;  // must appear in the message
};

std::vector<Case> cases() {
  return {
      {"syntax error", R"({"populations": {"a": {"size": 10,})", "line 1"},
      {"not an object", R"([1, 2, 3])", ": found an array"},
      {"unknown top-level key", "{" + kPops + R"(, "populatons": {}})", "/populatons"},
      {"wrong type for size", R"({"populations": {"a": {"size": "ten", "model": "lif_cond_exp"}}})", "/populations/a/size"},
      {"negative size", R"({"populations": {"a": {"size": -5, "model": "lif_cond_exp"}}})", "/populations/a/size"},
      {"fractional size", R"({"populations": {"a": {"size": 2.5, "model": "lif_cond_exp"}}})", "/populations/a/size"},
      {"unknown model", R"({"populations": {"a": {"size": 1, "model": "hh_psc_alpha"}}})", "/populations/a/model"},
      {"unknown method", R"({"populations": {"a": {"size": 1, "model": "lif_cond_exp", "method": "rk4"}}})", "/populations/a/method"},
      {"method of a one-method model", R"({"populations": {"a": {"size": 1, "model": "lif_curr_exp", "method": "euler"}}})", "/populations/a/method"},
      {"method not a string", R"({"populations": {"a": {"size": 1, "model": "lif_cond_exp", "method": 1}}})", "/populations/a/method"},
      {"unknown parameter", R"({"populations": {"a": {"size": 1, "model": "lif_cond_exp", "params": {"tau_mem": 3}}}})", "/populations/a/params/tau_mem"},
      {"negative capacitance", R"({"populations": {"a": {"size": 1, "model": "lif_curr_exp", "params": {"C_m": -1}}}})", "/populations/a/params/C_m"},
      {"reset above threshold", R"({"populations": {"a": {"size": 1, "model": "lif_curr_exp", "params": {"V_reset": -40}}}})", "/populations/a/params/V_reset"},
      {"aeif reset above V_peak", R"({"populations": {"a": {"size": 1, "model": "aeif_cond_exp", "params": {"V_reset": 5}}}})", "/populations/a/params/V_reset"},
      {"aeif negative Delta_T", R"({"populations": {"a": {"size": 1, "model": "aeif_cond_exp", "params": {"Delta_T": -1}}}})", "/populations/a/params/Delta_T"},
      {"aeif zero tau_w", R"({"populations": {"a": {"size": 1, "model": "aeif_cond_exp", "params": {"tau_w": 0}}}})", "/populations/a/params/tau_w"},
      {"unknown init variable", R"({"populations": {"a": {"size": 1, "model": "lif_curr_exp", "init": {"g_ex": 1}}}})", "/populations/a/init/g_ex"},
      {"no populations", R"({"populations": {}})", "/populations"},
      {"dt zero", "{" + kPops + R"(, "run": {"dt": 0}})", "/run/dt"},
      {"dt negative", "{" + kPops + R"(, "run": {"dt": -0.1}})", "/run/dt"},
      {"tstop negative", "{" + kPops + R"(, "run": {"tstop": -5}})", "/run/tstop"},
      {"negative seed", "{" + kPops + R"(, "run": {"seed": -1}})", "/run/seed"},
      {"negative Poisson rate", R"({"populations": {"p": {"size": 1, "model": "poisson", "params": {"rate": -3}}}})", "/populations/p/params/rate"},
      {"rates without matching times", R"({"populations": {"p": {"size": 1, "model": "poisson", "params": {"rates": [1, 2], "times": [0]}}}})", "/populations/p/params/times"},
      {"unsorted spike times", R"({"populations": {"g": {"model": "spike_generator", "params": {"spike_times": [[5.0, 1.0]]}}}})", "/populations/g/params/spike_times/0/1"},
      {"missing population", with_projection(R"({"source": "a", "target": "zz", )" + kConn + R"(, "weight": 1})"), "/projections/0/target"},
      {"target without receptors", with_projection(R"({"source": "a", "target": "p", )" + kConn + R"(, "weight": 1})"), "/projections/0/target"},
      {"p above 1", with_projection(R"({"source": "a", "target": "a", "connectivity": {"rule": "pairwise_bernoulli", "p": 1.5}, "weight": 1})"), "/projections/0/connectivity/p"},
      {"unknown rule", with_projection(R"({"source": "a", "target": "a", "connectivity": {"rule": "random"}, "weight": 1})"), "/projections/0/connectivity/rule"},
      {"indegree too large without multapses", with_projection(R"({"source": "a", "target": "a", "connectivity": {"rule": "fixed_indegree", "indegree": 10, "allow_multapses": false, "allow_autapses": false}, "weight": 1})"), "/projections/0/connectivity/indegree"},
      {"one_to_one size mismatch", with_projection(R"({"source": "p", "target": "a", "connectivity": {"rule": "one_to_one"}, "weight": 1})"), "/projections/0/connectivity/rule"},
      {"explicit index out of range", with_projection(R"({"source": "a", "target": "a", "connectivity": {"rule": "explicit", "sources": [0, 1], "targets": [2, 10]}, "weight": 1})"), "/projections/0/connectivity/targets/1"},
      {"zero delay", with_projection(R"({"source": "a", "target": "a", )" + kConn + R"(, "weight": 1, "delay": 0})"), "/projections/0/delay"},
      {"negative delay", with_projection(R"({"source": "a", "target": "a", )" + kConn + R"(, "weight": 1, "delay": -1})"), "/projections/0/delay"},
      {"delay below one step", with_projection(R"({"source": "a", "target": "a", )" + kConn + R"(, "weight": 1, "delay": 0.04})"), "/projections/0/delay"},
      {"normal delay without min", with_projection(R"({"source": "a", "target": "a", )" + kConn + R"(, "weight": 1, "delay": {"normal": [1, 0.2]}})"), "/projections/0/delay"},
      {"negative conductance weight", with_projection(R"({"source": "a", "target": "a", )" + kConn + R"(, "weight": -2})"), "/projections/0/weight"},
      {"positive inhibitory current", with_projection(R"({"source": "c", "target": "c", "receptor": "in", )" + kConn + R"(, "weight": 5})"), "/projections/0/weight"},
      {"normal conductance weight without min", with_projection(R"({"source": "a", "target": "a", )" + kConn + R"(, "weight": {"normal": [1, 1]}})"), "/projections/0/weight"},
      {"unknown receptor", with_projection(R"({"source": "a", "target": "a", "receptor": "gaba", )" + kConn + R"(, "weight": 1})"), "/projections/0/receptor"},
      {"unknown projection key", with_projection(R"({"source": "a", "target": "a", )" + kConn + R"(, "weight": 1, "plasticty": {}})"), "/projections/0/plasticty"},
      {"bad uniform", with_projection(R"({"source": "a", "target": "a", )" + kConn + R"(, "weight": {"uniform": [3, 1]}})"), "/projections/0/weight/uniform"},
      {"duplicate projection name", with_projection(R"({"name": "x", "source": "a", "target": "a", )" + kConn + R"(, "weight": 1}, {"name": "x", "source": "a", "target": "a", )" + kConn + R"(, "weight": 1})"), "/projections/1/name"},
      {"edges as a monitor", "{" + kPops + R"(, "monitors": [{"type": "edges"}]})", "/monitors/0/type"},
      {"unknown monitor type", "{" + kPops + R"(, "monitors": [{"type": "voltmeter"}]})", "/monitors/0/type"},
      {"unknown state variable", "{" + kPops + R"(, "monitors": [{"type": "state", "population": "a", "variables": ["v"], "neurons": [0]}]})", "/monitors/0/variables/0"},
      {"neuron out of range", "{" + kPops + R"(, "monitors": [{"type": "state", "population": "a", "variables": ["V_m"], "neurons": [0, 10]}]})", "/monitors/0/neurons/1"},
      {"recording dt not a multiple", "{" + kPops + R"(, "monitors": [{"type": "state", "population": "a", "variables": ["V_m"], "neurons": [0], "dt": 0.25}]})", "/monitors/0/dt"},
      {"spikes recorded twice", "{" + kPops + R"(, "monitors": [{"type": "spikes"}, {"type": "spikes", "populations": ["a"]}]})", "/monitors/1/populations/0"},
      // plasticity and weights monitors
      {"unknown rule", with_projection(R"({"source": "p", "target": "a", )" + kConn + R"(, "weight": 1, "plasticity": {"rule": "bcm", "w_max": 1}})"), "/projections/0/plasticity/rule"},
      {"missing w_max", with_projection(R"({"source": "p", "target": "a", )" + kConn + R"(, "weight": 1, "plasticity": {"rule": "stdp"}})"), "/projections/0/plasticity/w_max"},
      {"unknown rule key", with_projection(R"({"source": "p", "target": "a", )" + kConn + R"(, "weight": 1, "plasticity": {"rule": "stdp", "w_max": 2, "taupre": 20}})"), "/projections/0/plasticity/taupre"},
      {"negative tau", with_projection(R"({"source": "p", "target": "a", )" + kConn + R"(, "weight": 1, "plasticity": {"rule": "stdp", "w_max": 2, "tau_plus": -1}})"), "/projections/0/plasticity/tau_plus"},
      {"bad traces", with_projection(R"({"source": "p", "target": "a", )" + kConn + R"(, "weight": 1, "plasticity": {"rule": "stdp", "w_max": 2, "traces": "some"}})"), "/projections/0/plasticity/traces"},
      {"unknown triplet set", with_projection(R"({"source": "p", "target": "a", )" + kConn + R"(, "weight": 1, "plasticity": {"rule": "triplet_stdp", "w_max": 2, "parameters": "cortex"}})"), "/projections/0/plasticity/parameters"},
      {"weight above w_max", with_projection(R"({"source": "p", "target": "a", )" + kConn + R"(, "weight": 3, "plasticity": {"rule": "stdp", "w_max": 2}})"), "/projections/0/weight"},
      {"negative w_min on a conductance", with_projection(R"({"source": "p", "target": "a", )" + kConn + R"(, "weight": 1, "plasticity": {"rule": "stdp", "w_min": -1, "w_max": 2}})"), "/projections/0/plasticity/w_min"},
      {"taylor: bad coefficient name", with_projection(R"({"source": "p", "target": "a", )" + kConn + R"(, "weight": 1, "plasticity": {"rule": "taylor", "w_max": 2, "every": 10, "coefficients": {"x3y0w0": 1}}})"), "/projections/0/plasticity/coefficients/x3y0w0"},
      {"taylor: coefficient not a number", with_projection(R"({"source": "p", "target": "a", )" + kConn + R"(, "weight": 1, "plasticity": {"rule": "taylor", "w_max": 2, "every": 10, "coefficients": {"x1y1w0": "one"}}})"), "/projections/0/plasticity/coefficients/x1y1w0"},
      {"taylor: bad period", with_projection(R"({"source": "p", "target": "a", )" + kConn + R"(, "weight": 1, "plasticity": {"rule": "taylor", "w_max": 2, "every": -5, "coefficients": {}}})"), "/projections/0/plasticity/every"},
      {"taylor: bad y", with_projection(R"({"source": "p", "target": "a", )" + kConn + R"(, "weight": 1, "plasticity": {"rule": "taylor", "w_max": 2, "every": 10, "y": "pre", "coefficients": {}}})"), "/projections/0/plasticity/y"},
      {"taylor: tau without a period", with_projection(R"({"source": "p", "target": "a", )" + kConn + R"(, "weight": 1, "plasticity": {"rule": "taylor", "w_max": 2, "tau": 50, "coefficients": {}}})"), "/projections/0/plasticity/tau"},
      {"taylor: at trial ends without a task", with_projection(R"({"source": "p", "target": "a", )" + kConn + R"(, "weight": 1, "plasticity": {"rule": "taylor", "w_max": 2, "coefficients": {}}})"), "/projections/0/plasticity/rule"},
      {"taylor: a reward term every period", "{" + kPops + R"(, "globals": {"DA": {"type": "neuromodulator", "tau": 200}}, "projections": [{"source": "p", "target": "a", )" + kConn + R"(, "weight": 1, "plasticity": {"rule": "taylor", "w_max": 2, "every": 10, "y": {"reward": "DA"}, "coefficients": {}}}]})", "/projections/0/plasticity/y"},
      {"taylor: reward from an unknown signal", with_projection(R"({"source": "p", "target": "a", )" + kConn + R"(, "weight": 1, "plasticity": {"rule": "taylor", "w_max": 2, "y": {"reward": "DA"}, "coefficients": {}}})"), "/projections/0/plasticity/y/reward"},
      {"plastic with several delays", with_projection(R"({"source": "p", "target": "a", )" + kConn + R"(, "weight": 1, "delay": {"uniform": [1, 3]}, "plasticity": {"rule": "stdp", "w_max": 2}})"), "/projections/0/delay"},
      {"soft bounds without w_max", with_projection(R"({"source": "p", "target": "a", )" + kConn + R"(, "weight": 1, "plasticity": {"rule": "stdp", "w_max": null, "mu": 0.5}})"), "/projections/0/plasticity/mu"},
      {"static projection onto a generator", R"({"populations": {"g": {"model": "spike_generator", "params": {"spike_times": [[1.0]]}}, "h": {"model": "spike_generator", "params": {"spike_times": [[1.0]]}}}, "projections": [{"source": "g", "target": "h", "connectivity": {"rule": "all_to_all"}, "weight": 1}]})", "/projections/0/target"},
      {"unknown propagation", with_projection(R"({"source": "p", "target": "a", )" + kConn + R"(, "weight": 1, "propagation": "sideways"})"), "/projections/0/propagation"},
      {"plastic per spike", with_projection(R"({"source": "p", "target": "a", )" + kConn + R"(, "weight": 1, "propagation": "per_spike", "plasticity": {"rule": "stdp", "w_max": 2}})"), "/projections/0/propagation"},
      {"weights_from missing file", with_projection(R"({"source": "p", "target": "a", )" + kConn + R"(, "weight": 1, "weights_from": "/nonexistent/edges.h5"})"), "/projections/0/weights_from"},
      // global signals, their rules and monitors
      {"globals not an object", "{" + kPops + R"(, "globals": [1]})", "/globals"},
      {"unknown signal type", "{" + kPops + R"(, "globals": {"H": {"type": "average", "population": "a", "tau": 100}}})", "/globals/H/type"},
      {"signal of unknown population", "{" + kPops + R"(, "globals": {"H": {"type": "rate_estimate", "population": "zz", "tau": 100}}})", "/globals/H/population"},
      {"signal without tau", "{" + kPops + R"(, "globals": {"H": {"type": "rate_estimate", "population": "a"}}})", "/globals/H/tau"},
      {"signal tau zero", "{" + kPops + R"(, "globals": {"H": {"type": "rate_estimate", "population": "a", "tau": 0}}})", "/globals/H/tau"},
      {"factor of unknown signal", with_projection(R"({"source": "p", "target": "a", )" + kConn + R"(, "weight": 1, "plasticity": {"rule": "global_istdp", "eta": 1, "w_max": 2, "factor": {"signal": "H"}}})"), "/projections/0/plasticity/factor/signal"},
      {"global_istdp without eta", with_projection(R"({"source": "p", "target": "a", )" + kConn + R"(, "weight": 1, "plasticity": {"rule": "global_istdp", "w_max": 2, "factor": 1}})"), "/projections/0/plasticity/eta"},
      {"factor not a number or object", with_projection(R"({"source": "p", "target": "a", )" + kConn + R"(, "weight": 1, "plasticity": {"rule": "global_istdp", "eta": 1, "w_max": 2, "factor": "H"}})"), "/projections/0/plasticity/factor"},
      {"negative plasticity start", with_projection(R"({"source": "p", "target": "a", )" + kConn + R"(, "weight": 1, "plasticity": {"rule": "vogels_istdp", "w_max": 2, "start": -5}})"), "/projections/0/plasticity/start"},
      {"negative rho0", with_projection(R"({"source": "p", "target": "a", )" + kConn + R"(, "weight": 1, "plasticity": {"rule": "vogels_istdp", "w_max": 2, "rho0": -3}})"), "/projections/0/plasticity/rho0"},
      {"signals monitor without globals", with_monitor(R"({"type": "signals"})"), "/monitors/0/type"},
      {"signals monitor of unknown signal", "{" + kPops + R"(, "globals": {"H": {"type": "rate_estimate", "population": "a", "tau": 100}}, "monitors": [{"type": "signals", "signals": ["G"]}]})", "/monitors/0/signals/0"},
      {"rates monitor bin not a multiple", with_monitor(R"({"type": "rates", "bin": 0.25})"), "/monitors/0/bin"},
      {"rates monitor of unknown population", with_monitor(R"({"type": "rates", "populations": ["zz"]})"), "/monitors/0/populations/0"},
      {"neuromodulator rewards without amounts", "{" + kPops + R"(, "globals": {"DA": {"type": "neuromodulator", "tau": 200, "rewards": {"times": [100, 200], "amounts": [0.5]}}}})", "/globals/DA/rewards/amounts"},
      {"neuromodulator reward at time 0", "{" + kPops + R"(, "globals": {"DA": {"type": "neuromodulator", "tau": 200, "rewards": {"times": [0], "amounts": [0.5]}}}})", "/globals/DA/rewards/times/0"},
      {"neuromodulator population without per_spike", "{" + kPops + R"(, "globals": {"DA": {"type": "neuromodulator", "tau": 200, "population": "a"}}})", "/globals/DA/per_spike"},
      {"da_stdp without modulator", with_projection(R"({"source": "p", "target": "a", )" + kConn + R"(, "weight": 1, "plasticity": {"rule": "da_stdp", "w_max": 4}})"), "/projections/0/plasticity/modulator"},
      {"da_stdp with a constant modulator", with_projection(R"({"source": "p", "target": "a", )" + kConn + R"(, "weight": 1, "plasticity": {"rule": "da_stdp", "w_max": 4, "modulator": 0.5}})"), "/projections/0/plasticity/modulator"},
      {"task trials 2^32 (was cut to 0 trials)", "{" + kPops + R"(, "task": {"trials": 4294967296, "trial_length": 100, "stimulus": {"population": "p", "categories": {"A": [1,2,3,4,5]}}}})", "/task/trials"},
      {"task stimulus not poisson", "{" + kPops + R"(, "task": {"trials": 2, "trial_length": 100, "stimulus": {"population": "a", "categories": {"A": [1]}}}})", "/task/stimulus/population"},
      {"task pattern of wrong length", "{" + kPops + R"(, "task": {"trials": 2, "trial_length": 100, "stimulus": {"population": "p", "categories": {"A": [1, 2]}}}})", "/task/stimulus/categories/A"},
      {"task decision window outside the trial", "{" + kPops + R"(, "task": {"trials": 2, "trial_length": 100, "stimulus": {"population": "p", "categories": {"A": [1,2,3,4,5]}}, "decision": {"actions": {"l": "a", "r": "c"}, "window": [0, 200]}, "correct": {"A": "l"}}})", "/task/decision/window"},
      {"task correct action unknown", "{" + kPops + R"(, "task": {"trials": 2, "trial_length": 100, "stimulus": {"population": "p", "categories": {"A": [1,2,3,4,5]}}, "decision": {"actions": {"l": "a", "r": "c"}, "window": [0, 100]}, "correct": {"A": "up"}}})", "/task/correct/A"},
      {"task reward without signal", "{" + kPops + R"(, "task": {"trials": 2, "trial_length": 100, "stimulus": {"population": "p", "categories": {"A": [1,2,3,4,5]}}, "decision": {"actions": {"l": "a", "r": "c"}, "window": [0, 100]}, "correct": {"A": "l"}, "outcomes": {"correct": {"reward": 1}}}})", "/task/outcomes"},
      {"trial rule without task", with_projection(R"({"source": "p", "target": "a", )" + kConn + R"(, "weight": 1, "plasticity": {"rule": "hebbian_trial", "w_max": 4}})"), "/projections/0/plasticity/rule"},
      {"disinhibitory partner unknown", with_projection(R"({"source": "p", "target": "a", )" + kConn + R"(, "weight": 1, "plasticity": {"rule": "disinhibitory", "eta": 0.01, "w_max": 4, "partner": "nope"}})"), "/projections/0/plasticity/partner"},
      {"disinhibitory partner onto another population", with_projection(R"({"name": "c_c", "source": "c", "target": "c", "connectivity": {"rule": "one_to_one"}, "weight": 1}, {"source": "p", "target": "a", )" + kConn + R"(, "weight": 1, "plasticity": {"rule": "disinhibitory", "eta": 0.01, "w_max": 4, "partner": "c_c"}})"), "/projections/1/plasticity/partner"},
      {"disinhibitory partner not one per neuron", with_projection(R"({"name": "c_a", "source": "c", "target": "a", )" + kConn + R"(, "weight": 1}, {"source": "p", "target": "a", )" + kConn + R"(, "weight": 1, "plasticity": {"rule": "disinhibitory", "eta": 0.01, "w_max": 4, "partner": "c_a"}})"), "/projections/1/plasticity/partner"},
      {"disinhibitory bad variant", with_projection(R"({"name": "c_a", "source": "c", "target": "a", "connectivity": {"rule": "one_to_one"}, "weight": 1}, {"source": "p", "target": "a", )" + kConn + R"(, "weight": 1, "plasticity": {"rule": "disinhibitory", "eta": 0.01, "w_max": 4, "partner": "c_a", "variant": "exact"}})"), "/projections/1/plasticity/variant"},
      {"disinhibitory exact_inv without transfer", with_projection(R"({"name": "c_a", "source": "c", "target": "a", "connectivity": {"rule": "one_to_one"}, "weight": 1}, {"source": "p", "target": "a", )" + kConn + R"(, "weight": 1, "plasticity": {"rule": "disinhibitory", "eta": 0.01, "w_max": 4, "partner": "c_a", "variant": "exact_inv"}})"), "/projections/1/plasticity/transfer_I"},
      {"disinhibitory bad transfer type", with_projection(R"({"name": "c_a", "source": "c", "target": "a", "connectivity": {"rule": "one_to_one"}, "weight": 1}, {"source": "p", "target": "a", )" + kConn + R"(, "weight": 1, "plasticity": {"rule": "disinhibitory", "eta": 0.01, "w_max": 4, "partner": "c_a", "variant": "exact_inv", "transfer_I": {"type": "relu"}}})"), "/projections/1/plasticity/transfer_I/type"},
      {"disinhibitory partner_input without w_ref", with_projection(R"({"name": "c_a", "source": "c", "target": "a", "connectivity": {"rule": "one_to_one"}, "weight": 1}, {"source": "p", "target": "a", )" + kConn + R"(, "weight": 1, "plasticity": {"rule": "disinhibitory", "eta": 0.01, "w_max": 4, "partner": "c_a", "inhibition": "partner_input"}})"), "/projections/1/plasticity/w_ref"},
      {"disinhibitory inhibitory_input with a partner", with_projection(R"({"name": "c_a", "source": "c", "target": "a", "connectivity": {"rule": "one_to_one"}, "weight": 1, "receptor": "in"}, {"source": "p", "target": "a", )" + kConn + R"(, "weight": 1, "plasticity": {"rule": "disinhibitory", "eta": 0.01, "w_max": 4, "partner": "c_a", "inhibition": "inhibitory_input", "w_ref": 1}})"), "/projections/1/plasticity/partner"},
      {"disinhibitory inhibitory_input without \"in\" projections", with_projection(R"({"source": "p", "target": "a", )" + kConn + R"(, "weight": 1, "plasticity": {"rule": "disinhibitory", "eta": 0.01, "w_max": 4, "inhibition": "inhibitory_input", "w_ref": 1}})"), "/projections/0/plasticity/inhibition"},
      {"disinhibitory bad inhibition", with_projection(R"({"source": "p", "target": "a", )" + kConn + R"(, "weight": 1, "plasticity": {"rule": "disinhibitory", "eta": 0.01, "w_max": 4, "inhibition": "total"}})"), "/projections/0/plasticity/inhibition"},
      {"weights monitor of unknown projection", with_monitor(R"({"type": "weights", "projection": "x", "synapses": "all"})"), "/monitors/0/projection"},
      {"weights monitor synapse out of range", with_monitor(R"({"type": "weights", "projection": "p_to_a", "synapses": [0, 50]})"), "/monitors/0/synapses/1"},
      // Each drew forever before: one neuron without autapses has no pair to connect.
      {"fixed_total_number with no possible pair",
       R"({"populations": {"a": {"size": 1, "model": "lif_cond_exp"}}, "projections": [{"source": "a", "target": "a", "connectivity": {"rule": "fixed_total_number", "n": 5, "allow_autapses": false}}]})",
       "/projections/0/connectivity/n"},
      {"fixed_indegree with no possible pair",
       R"({"populations": {"a": {"size": 1, "model": "lif_cond_exp"}}, "projections": [{"source": "a", "target": "a", "connectivity": {"rule": "fixed_indegree", "indegree": 2, "allow_autapses": false}}]})",
       "/projections/0/connectivity/indegree"},
      {"weights monitor bad sample", with_monitor(R"({"type": "weights", "projection": "p_to_a", "synapses": {"sample": 0}})"), "/monitors/0/synapses/sample"},
  };
}

}  // namespace

TEST_CASE("malformed network files exit with code 2 and a message with the JSON pointer") {
  const fs::path dir = temp_dir("bad");
  const auto all = cases();
  REQUIRE(all.size() >= 20);
  for (size_t i = 0; i < all.size(); ++i) {
    const Case& c = all[i];
    const std::string what = c.what;
    CAPTURE(what);
    const fs::path file = write_file(dir, "bad" + std::to_string(i) + ".json", c.text);
    for (const char* cmd : {"validate", "run"}) {
      const Proc p = run_cli({cmd, file.string(), "-o", (dir / "out").string(), "--quiet"});
      CAPTURE(p.err);
      if (std::string(cmd) == "validate") {  // validate takes no -o; check it alone too
        const Proc v = run_cli({cmd, file.string()});
        CHECK(v.code == 2);
        CHECK(v.err.find(c.pointer) != std::string::npos);
        CHECK(v.err.find(file.string()) != std::string::npos);
        continue;
      }
      CHECK(p.code == 2);
      CHECK(p.err.find(c.pointer) != std::string::npos);
      CHECK((p.err.find("expected") != std::string::npos || p.err.find("JSON syntax") != std::string::npos));
    }
  }
  CHECK(!fs::exists(dir / "out" / "spikes.h5"));  // nothing half-written
}

TEST_CASE("bad usage exits with code 2") {
  const fs::path dir = temp_dir("usage");
  const fs::path ok = write_file(dir, "ok.json", R"({"populations": {"a": {"size": 1, "model": "lif_curr_exp"}}})");
  CHECK(run_cli({}).code == 2);
  CHECK(run_cli({"simulate", ok.string()}).code == 2);
  CHECK(run_cli({"run"}).code == 2);
  CHECK(run_cli({"run", ok.string(), "--threads", "0"}).code == 2);
  CHECK(run_cli({"run", ok.string(), "--seed", "x"}).code == 2);
  CHECK(run_cli({"run", ok.string(), "--tstop", "-1"}).code == 2);
  CHECK(run_cli({"run", ok.string(), "--bogus"}).code == 2);
  CHECK(run_cli({"run", (dir / "missing.json").string()}).code == 2);
  // An existing output is not replaced without --overwrite.
  const std::string out = (dir / "o").string();
  const fs::path spikes = write_file(dir, "s.json", R"({"run": {"tstop": 1}, "populations": {"a": {"size": 1, "model": "lif_curr_exp"}}, "monitors": [{"type": "spikes"}]})");
  CHECK(run_cli({"run", spikes.string(), "-o", out, "--quiet"}).code == 0);
  const Proc again = run_cli({"run", spikes.string(), "-o", out, "--quiet"});
  CHECK(again.code == 2);
  CHECK(again.err.find("--overwrite") != std::string::npos);
  CHECK(run_cli({"run", spikes.string(), "-o", out, "--quiet", "--overwrite"}).code == 0);
  CHECK(run_cli({"--version"}).code == 0);
}

TEST_CASE("malformed task, disinhibition_sign and disinhibitory_learning protocol files exit with code 2 and a message with the JSON pointer") {
  const fs::path dir = temp_dir("bad_task_protocol");
  const std::string task = R"({"populations": {"p": {"size": 2, "model": "poisson", "params": {"rate": 0}},
      "l": {"size": 1, "model": "lif_curr_exp"}, "r": {"size": 1, "model": "lif_curr_exp"}},
    "task": {"trials": 2, "trial_length": 100, "stimulus": {"population": "p", "categories": {"A": [1, 2]}},
             "decision": {"actions": {"l": "l", "r": "r"}, "window": [0, 100]}, "correct": {"A": "l"}}})";
  write_file(dir, "net.json", task);
  const std::string head = R"({"name": "t", "kind": "task", )";
  const std::vector<std::pair<std::string, std::string>> bad = {
      {head + R"("seeds": 0, "network": "net.json"})", "/seeds"},
      {head + R"("criteria": {"min_accuracy": 2}, "network": "net.json"})", "/criteria/min_accuracy"},
      {head + R"("criteria": {"first": 0}, "network": "net.json"})", "/criteria/first"},
      {head + R"("network": {"populations": {}}})", "/network"},
      {head + R"("network": "missing.json"})", "/network"},
      {head + R"("network": "net.json", "bogus": 1})", "bogus"},
      {head + R"("network": )" + task.substr(0, task.find("\"task\"")) + R"("task": {"trials": 0}}})", "/network/task/trials"},
  };
  for (size_t i = 0; i < bad.size(); ++i) {
    CAPTURE(bad[i].first);
    const fs::path file = write_file(dir, "p" + std::to_string(i) + ".json", bad[i].first);
    const Proc p = run_cli({"protocol", file.string(), "-o", (dir / "out").string(), "--quiet"});
    CAPTURE(p.err);
    CHECK(p.code == 2);
    CHECK(p.err.find(bad[i].second) != std::string::npos);
  }
  // The disinhibition_sign kind: bad drives, an unknown circuit projection.
  const std::string ds = R"({"name": "d", "kind": "disinhibition_sign", "circuit": {"plastic": "x", "excitatory": "E", "interneurons": "I", "topdown": "td", "inhibition": "I_E", "input": "in"}, "calibration_rates": [5, 10], )";
  const std::vector<std::pair<std::string, std::string>> bad_ds = {
      {ds + R"("drives": [1, 2, 3], "network": {"populations": {}}})", "/drives"},
      {ds + R"("drives": [-1, 0, 1], "calibration_rates": [5], "network": {"populations": {}}})", "/calibration_rates"},
      {ds + R"("drives": [-1, 0, 1], "network": {"populations": {}}})", "/circuit/topdown"},
  };
  for (size_t i = 0; i < bad_ds.size(); ++i) {
    CAPTURE(bad_ds[i].first);
    const fs::path file = write_file(dir, "d" + std::to_string(i) + ".json", bad_ds[i].first);
    const Proc p = run_cli({"protocol", file.string(), "-o", (dir / "out").string(), "--quiet"});
    CAPTURE(p.err);
    CHECK(p.code == 2);
    CHECK(p.err.find(bad_ds[i].second) != std::string::npos);
  }
  // The disinhibitory_learning kind: an empty feedback list, a bad rate range, b_factor < 1,
  // anneal > 1.
  const std::string dl = R"({"name": "l", "kind": "disinhibitory_learning", "teacher": {"weight": [0, 1]}, "network": {"populations": {}}, )";
  const std::string circuit = R"("circuit": {"plastic": "x", "input": "i", "target": "t", "output": "E", "interneurons": "I", "feedback": )";
  const std::vector<std::pair<std::string, std::string>> bad_dl = {
      {dl + circuit + R"([]}, "patterns": {"train": 2, "test": 1}})", "/circuit/feedback"},
      {dl + circuit + R"(["f"]}, "patterns": {"train": 2, "test": 1, "rate": [5, 1]}})", "/patterns/rate"},
      {dl + circuit + R"(["f"]}, "patterns": {"train": 2, "test": 1}, "b_factor": 0.5})", "/b_factor"},
      {dl + circuit + R"(["f"]}, "patterns": {"train": 2, "test": 1}, "anneal": 1.5})", "/anneal"},
  };
  for (size_t i = 0; i < bad_dl.size(); ++i) {
    CAPTURE(bad_dl[i].first);
    const fs::path file = write_file(dir, "l" + std::to_string(i) + ".json", bad_dl[i].first);
    const Proc p = run_cli({"protocol", file.string(), "-o", (dir / "out").string(), "--quiet"});
    CAPTURE(p.err);
    CHECK(p.code == 2);
    CHECK(p.err.find(bad_dl[i].second) != std::string::npos);
  }
  // The valid file runs (2 trials, 1 seed and its control).
  const fs::path ok = write_file(dir, "ok.json", head + R"("seeds": 1, "network": "net.json"})");
  CHECK(run_cli({"protocol", ok.string(), "-o", (dir / "out").string(), "--quiet"}).code == 0);
  CHECK(fs::exists(dir / "out" / "t_curve.csv"));
  // The folder now holds a run: another needs --overwrite (issue #24: protocol respects it).
  const Proc again = run_cli({"protocol", ok.string(), "-o", (dir / "out").string(), "--quiet"});
  CHECK(again.code == 2);
  CHECK(again.err.find("pass --overwrite") != std::string::npos);
  CHECK(run_cli({"protocol", ok.string(), "-o", (dir / "out").string(), "--quiet", "--overwrite"}).code == 0);
}
