#pragma once
// The parsed and checked network file. Every field is in the file's units (ms, mV, pF, nS,
// pA, Hz); `ptr` keeps the JSON pointer of each part for messages raised later (build time).
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/distribution.hpp"
#include "core/json_access.hpp"
#include "core/signals.hpp"
#include "core/task.hpp"

namespace spikesim {

class Plasticity;  // plasticity/plasticity.hpp

// The two spike sources, then the neuron models: model kFirstNeuron + k is the k-th entry of
// SPIKESIM_MODELS (neurons/model_list.hpp, which names them: model_id<M>()).
enum class Model : uint8_t { kPoisson, kSpikeGenerator, kFirstNeuron };

struct RunSpec {
  double tstop = 1000.0;
  double dt = 0.1;
  uint64_t seed = 1;
};

struct OutputSpec {
  std::string dir = "out";
  std::string spikes_file = "spikes.h5";
  std::string edges_file = "edges.h5";  // final weights of plastic projections
  bool overwrite = false;
  bool circuit = false;  // "circuit": the network as SONATA nodes and edges in circuit/ (io/monitor_circuit.cpp)
};

// A neuron parameter that differs between the neurons of a population: drawn per neuron from
// a distribution, keyed by (seed, kStreamParams | population, neuron, k), or a list of one
// value per neuron (io/parse_network.cpp: "I_e": {"uniform": [0, 500]} or [v0, v1, ...]).
struct VariedParam {
  std::string name;  // a parameter of the model, or "tau_m" (then g_L = C_m / tau_m per neuron)
  Distribution dist;
  std::vector<double> values;  // a list, one per neuron; else drawn from dist
};

struct PopulationSpec {
  std::string name, ptr;
  Model model = Model::kPoisson;
  uint32_t size = 0;
  std::map<std::string, double> params;         // neuron models: all parameters, defaults filled
                                                // (a varied one: its mean)
  std::vector<VariedParam> varied;              // parameters given per neuron (core/neuron_params.hpp)
  std::map<std::string, Distribution> init;     // initial state per variable
  std::vector<double> rates, rate_times;        // poisson: piecewise-constant rate (Hz) from times (ms)
  std::vector<std::vector<double>> spike_times;  // spike_generator: per neuron, ms
};

struct ConnectivitySpec {
  enum Rule { kAllToAll, kOneToOne, kPairwiseBernoulli, kFixedIndegree, kFixedOutdegree,
              kFixedTotalNumber, kExplicit } rule = kAllToAll;
  double p = 0.0;
  uint64_t count = 0;  // indegree, outdegree or total number
  bool allow_autapses = true, allow_multapses = true;
  std::vector<uint32_t> sources, targets;  // explicit
};

enum Receptor : int { kReceptorEx = 0, kReceptorIn = 1 };

// How the device engine delivers a static projection's spikes (gpu/kernels.hpp): per spike
// with atomics, or per target in the CPU engine's order of addition; auto: the command
// line's --propagation, else per spike. Plastic projections always run per target.
enum class Propagation { kAuto, kPerSpike, kPerTarget };

struct ProjectionSpec {
  std::string name, ptr;
  int source = -1, target = -1;  // population indices
  Receptor receptor = kReceptorEx;
  ConnectivitySpec conn;
  Distribution weight, delay;  // weight in the receptor's unit (nS or pA), delay in ms
  std::shared_ptr<Plasticity> plasticity;  // parsed rule, null for static synapses
  std::string weights_from;                // SONATA edges file with initial weights, or empty
  // The weights the target's receptor takes ([w_lo, w_hi], finite, within float's range) and
  // how a message says so: checked on "weight" and on every value of "weights_from".
  double w_lo = -3.4e38, w_hi = 3.4e38;
  std::string w_expected = "a finite weight within float's range (|w| < 3.4e38)";
  Propagation propagation = Propagation::kAuto;  // "propagation": device engine only
};

struct SpikeMonitorSpec {
  std::vector<int> populations;
};

struct StateMonitorSpec {
  std::string name, ptr;
  int population = -1;
  std::vector<std::string> variables;
  std::vector<uint32_t> neurons;
  double dt = 0.0;  // recording interval, a multiple of the run's dt

  std::string file_name(const std::string& variable) const { return name + "_" + variable + ".h5"; }
};

// Weights of chosen synapses of one projection over time (a SONATA synapse report).
struct WeightMonitorSpec {
  std::string name, ptr;
  int projection = -1;
  bool all = false;
  uint64_t sample = 0;              // > 0: that many synapses drawn at random (resolved at build)
  std::vector<uint64_t> synapses;   // synapse indices (CSR order); checked at build
  double dt = 0.0;
  // Snapshots ("all": true, "times": [ms, ...]): every synapse at each time, written as
  // SONATA edges (one edge group per snapshot) to <name>_snapshots.h5; steps ascending.
  std::vector<uint64_t> snapshot_steps;

  std::string file_name() const { return name + (snapshot_steps.empty() ? "_weights.h5" : "_snapshots.h5"); }
};

// A monitor of scalar series written to <name>.h5 (io/series_file.hpp):
//   signals: the chosen global signals every `step` ms (row 0: t = 0);
//   rates:   the chosen populations' rates in bins of `step` ms.
struct SeriesMonitorSpec {
  std::string name, ptr;
  std::vector<int> items;  // signal or population indices
  double step = 0.0;       // ms, a multiple of dt

  std::string file_name() const { return name + ".h5"; }
};

// A current generator (NEST's dc_generator and step_current_generator): an amplitude in pA
// that steps to amplitudes[k] at times[k] (ms, ascending; 0 before the first).
struct CurrentSourceSpec {
  std::string name, ptr, model;
  std::vector<double> times, amplitudes;
  double amplitude_at(double t) const;  // the amplitude for t (the last change at or before it)
};

// A projection from a current generator: every neuron of `target` receives weight x the
// source's amplitude, `delay` ms later, added to its I_e (io/parse_generators.cpp).
struct CurrentInputSpec {
  std::string ptr;
  int source = -1, target = -1;
  double weight = 1.0, delay = 1.0;
};

// NEST's poisson_generator: spikes at `rate` Hz with stamps in (start, stop], an independent
// train for every target neuron, any number of spikes per step (io/parse_generators.cpp).
struct PoissonGeneratorSpec {
  std::string name, ptr;
  double rate = 0.0, start = 0.0, stop = 0.0;  // Hz, ms, ms (stop: infinity when not given)
};

// A projection from a poisson_generator: every neuron of `target` receives weight x its own
// train's spikes, `delay` ms after they are emitted, on `receptor` (synapses/poisson_input.hpp).
struct PoissonInputSpec {
  std::string name, ptr;
  int source = -1, target = -1;
  Receptor receptor = kReceptorEx;
  double weight = 1.0, delay = 1.0;
};

struct NetworkSpec {
  std::string file;  // where it came from, for messages
  std::string init_from;  // "init_from": a checkpoint or saved state the run starts from (io/checkpoint.hpp)
  json resolved;     // the file with command-line overrides applied (provenance)
  RunSpec run;
  OutputSpec output;
  std::vector<PopulationSpec> populations;
  std::vector<SignalSpec> signals;  // "globals", in file order
  std::vector<CurrentSourceSpec> current_sources;  // "populations" of a current generator model
  std::vector<CurrentInputSpec> current_inputs;    // "projections" from them
  std::vector<PoissonGeneratorSpec> poisson_generators;  // "populations" of model poisson_generator
  std::vector<PoissonInputSpec> poisson_inputs;          // "projections" from them
  std::vector<ProjectionSpec> projections;
  bool record_spikes = false;
  SpikeMonitorSpec spikes;
  std::vector<StateMonitorSpec> states;
  std::vector<WeightMonitorSpec> weights;
  std::vector<SeriesMonitorSpec> signal_monitors, rate_monitors;
  TaskSpec task;  // trials, when "task" is given
  std::vector<SpecWarning> warnings;  // legal but probably unintended (printed before a run; --strict: errors)

  int find_projection(const std::string& name) const;
  bool any_plastic() const;

  int find_population(const std::string& name) const;
  int find_signal(const std::string& name) const;
  int find_current_source(const std::string& name) const;
  int find_poisson_generator(const std::string& name) const;
};

// The total input current of population `pop` from its current generators, as (step, pA)
// changes in step order: from step s on, the update from t_s to t_{s+1} adds pA to I_e.
std::vector<std::pair<uint64_t, double>> current_schedule(const NetworkSpec& net, int pop);

struct Overrides {  // from the command line
  bool has_seed = false, has_tstop = false, has_dir = false, overwrite = false;
  uint64_t seed = 0;
  double tstop = 0.0;
  std::string dir;
};

NetworkSpec parse_network_file(const std::string& path, const Overrides& ov);
NetworkSpec parse_network(const json& j, const std::string& file, const Overrides& ov);
extern const char* const kConnectionRules;  // "all_to_all, one_to_one, ..." (io/parse_projection.cpp)
// A projection's "connectivity" object between populations of n_src and n_tgt neurons.
ConnectivitySpec parse_connectivity(JObj c, uint32_t n_src, uint32_t n_tgt, bool same_pop);
NetworkSpec parse_network_text(const std::string& text, const std::string& file = "<string>");

}  // namespace spikesim
