#include "plasticity/preflight.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <sys/resource.h>

#include "neurons/model_list.hpp"
#include "neurons/models.hpp"
#include "plasticity/plasticity.hpp"

namespace spikesim {

namespace {

constexpr double kAssumedRateHz = 10.0;  // neuron populations' rate in the output estimate

double limit_override = 0.0;

// Synapses of one projection, and how sure the count is.
std::pair<double, std::string> synapse_count(const ConnectivitySpec& c, double n_src, double n_tgt, bool same_pop) {
  const double pairs = n_src * n_tgt - (same_pop && !c.allow_autapses ? n_src : 0.0);
  switch (c.rule) {
    case ConnectivitySpec::kAllToAll: return {pairs, "exact"};
    case ConnectivitySpec::kOneToOne: return {n_src, "exact"};
    case ConnectivitySpec::kPairwiseBernoulli: {
      const double mean = c.p * pairs, bound = std::min(pairs, mean + 6.0 * std::sqrt(pairs * c.p * (1.0 - c.p)));
      std::ostringstream s;
      s.precision(4);
      s << "expected " << mean << ", at most " << bound << " (6 sd)";
      return {bound, s.str()};
    }
    case ConnectivitySpec::kFixedIndegree: return {static_cast<double>(c.count) * n_tgt, "exact"};
    case ConnectivitySpec::kFixedOutdegree: return {static_cast<double>(c.count) * n_src, "exact"};
    case ConnectivitySpec::kFixedTotalNumber: return {static_cast<double>(c.count), "exact"};
    case ConnectivitySpec::kExplicit: return {static_cast<double>(c.sources.size()), "exact"};
  }
  return {0.0, "exact"};
}

// Bytes per synapse held only while the table is built (synapses/connectivity.cpp).
double build_bytes_per_synapse(const ConnectivitySpec& c, bool delays_vary) {
  double b = delays_vary ? 2.0 : 0.0;  // the delay array before the rows are reordered
  switch (c.rule) {
    case ConnectivitySpec::kFixedIndegree: b += 4; break;     // drawn by target, then transposed
    case ConnectivitySpec::kExplicit: b += 8; break;          // by target, then transposed
    case ConnectivitySpec::kFixedTotalNumber: b += 16 + (c.allow_multapses ? 0 : 48); break;  // pairs (+ a hash set)
    default: break;
  }
  return b;
}

double population_rate(const PopulationSpec& p, double tstop) {
  if (p.model == Model::kPoisson) return *std::max_element(p.rates.begin(), p.rates.end());
  if (p.model == Model::kSpikeGenerator) {
    double n = 0;
    for (const auto& t : p.spike_times) n += t.size();
    return tstop > 0 ? n / p.size / (tstop * 1e-3) : 0.0;
  }
  return kAssumedRateHz;
}

double read_number_after(const std::string& file, const std::string& key) {
  std::ifstream in(file);
  std::string k;
  double v;
  while (in >> k) {
    if (k == key && (in >> v)) return v;
  }
  return 0.0;
}

double read_cgroup(const std::string& file) {
  std::ifstream in(file);
  std::string s;
  if (!(in >> s) || s == "max") return 0.0;
  try {
    return std::stod(s);
  } catch (...) {
    return 0.0;
  }
}

}  // namespace

std::string human_bytes(double b) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int u = 0;
  while (b >= 1024 && u < 6) b /= 1024, ++u;
  char buf[64];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", b, units[u]);
  return buf;
}

Estimate estimate(const NetworkSpec& spec) {
  Estimate e;
  const double tstop = spec.run.tstop;
  double largest = -1;
  auto note_largest = [&](double bytes, const std::string& ptr) {
    if (bytes > largest) largest = bytes, e.largest_ptr = ptr;
  };
  for (const PopulationSpec& p : spec.populations) {
    double per = 0;
    if (p.model == Model::kPoisson) per = 4 + 1;  // threshold + fired flag
    else if (p.model == Model::kSpikeGenerator) per = 0;
    else per = 4.0 * model_info(p.model).state.size() + 4;  // state floats + refractory counter
    if (!p.varied.empty()) per += sizeof(ModelProp) + 4;   // step constants (and E_L) per neuron
    double events = 0;
    for (const auto& t : p.spike_times) events += t.size();
    const double bytes = per * p.size + 8.0 * events;
    e.populations.push_back({p.name, p.ptr, "", static_cast<double>(p.size), bytes});
    e.state += bytes;
    note_largest(bytes, p.ptr);
  }
  double worst_build = 0;
  std::string worst_build_ptr;
  for (const ProjectionSpec& s : spec.projections) {
    const double n_src = spec.populations[s.source].size, n_tgt = spec.populations[s.target].size;
    const auto [n, how] = synapse_count(s.conn, n_src, n_tgt, s.source == s.target);
    const bool delays_vary = std::llround(s.delay.min_value() / spec.run.dt) != std::llround(s.delay.max_value() / spec.run.dt);
    double table = n * (8.0 + (delays_vary ? 2.0 : 0.0)) + 8.0 * (n_src + 1);
    double plastic = 0;
    if (s.plasticity) plastic = n * (8.0 + 4.0 * s.plasticity->syn_floats) + 8.0 * (n_tgt + 1) + 32.0 * (n_src + n_tgt);
    const double d_max = std::ceil(s.delay.max_value() / spec.run.dt);
    // One slot per delay step, each a list of the step's presynaptic spikes (4 bytes each; a
    // slot keeps its largest size, taken as 4 times the mean at the source's rate).
    const double per_step = std::min(1.0, 4.0 * population_rate(spec.populations[s.source], tstop) * spec.run.dt * 1e-3);
    const double ring = (d_max + 1) * (32.0 + 4.0 * n_src * per_step);
    e.projections.push_back({s.name, s.ptr, how, n, table + plastic + ring});
    e.synapses += table;
    e.plasticity += plastic;
    e.rings += ring;
    note_largest(table + plastic + ring, s.ptr + "/connectivity");
    const double build = n * build_bytes_per_synapse(s.conn, delays_vary);
    if (build > worst_build) worst_build = build, worst_build_ptr = s.ptr;
  }
  e.build_extra = worst_build;
  // Output over the run: spikes (16 bytes each: id and time), state and weight samples.
  if (spec.record_spikes) {
    for (int k : spec.spikes.populations) {
      const PopulationSpec& p = spec.populations[k];
      const double rate = population_rate(p, tstop), n = p.size * rate * tstop * 1e-3;
      const bool assumed = p.model != Model::kPoisson && p.model != Model::kSpikeGenerator;
      e.outputs.push_back({spec.output.spikes_file + " (" + p.name + ")", p.ptr,
                           assumed ? "spikes at an assumed 10 Hz" : "spikes at its rate", n, 16.0 * n});
    }
  }
  for (const StateMonitorSpec& m : spec.states) {
    const double samples = std::floor(tstop / m.dt) + 1;
    const double n = static_cast<double>(m.neurons.size()) * m.variables.size() * samples;
    e.outputs.push_back({m.name, m.ptr, "state samples", n, 4.0 * n + 8.0 * samples});
  }
  for (const WeightMonitorSpec& m : spec.weights) {
    const double syn = e.projections[m.projection].count;  // one entry per projection, in spec order
    const double recorded = m.all ? syn : m.sample ? std::min<double>(m.sample, syn) : m.synapses.size();
    const double samples = m.snapshot_steps.empty() ? std::floor(tstop / m.dt) + 1 : m.snapshot_steps.size();
    e.outputs.push_back({m.name, m.ptr, "weight samples", recorded * samples, 4.0 * recorded * samples});
  }
  for (size_t i = 0; i < spec.projections.size(); ++i)
    if (const ProjectionSpec& s = spec.projections[i]; s.plasticity) {
      const double syn = e.projections[i].count;
      e.outputs.push_back({spec.output.edges_file + " (" + s.name + ")", s.ptr, "final weights", syn, 48.0 * syn});
    }
  for (const auto& o : e.outputs) e.output += o.bytes;
  return e;
}

void set_memory_limit(double bytes) { limit_override = bytes; }

double available_memory() {
  double avail = read_number_after("/proc/meminfo", "MemAvailable:") * 1024.0;
  const double cg_max = read_cgroup("/sys/fs/cgroup/memory.max");
  if (cg_max > 0) {
    const double left = cg_max - read_cgroup("/sys/fs/cgroup/memory.current");
    if (avail <= 0 || left < avail) avail = std::max(0.0, left);
  }
  rlimit as{};  // ulimit -v: the address space left to this process
  if (getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY) {
    const double used = read_number_after("/proc/self/status", "VmSize:") * 1024.0;
    const double left = std::max(0.0, static_cast<double>(as.rlim_cur) - used);
    if (avail <= 0 || left < avail) avail = left;
  }
  return avail;
}

double memory_limit() { return limit_override > 0 ? limit_override : available_memory(); }

void check_memory(const NetworkSpec& spec, const Estimate& e) {
  (void)spec;
  const double limit = memory_limit();
  if (limit <= 0 || e.memory() <= limit) return;
  const std::string where = limit_override > 0 ? "--max-memory" : "the memory this machine has available";
  throw SpecError(e.largest_ptr, "found a network that needs about " + human_bytes(e.memory()) + " (state " +
                                     human_bytes(e.state) + ", synapses " + human_bytes(e.synapses) + ", plasticity " +
                                     human_bytes(e.plasticity) + ", while building " + human_bytes(e.build_extra) +
                                     "; this part is the largest), expected at most " + human_bytes(limit) + " (" + where +
                                     "); see `spikesim validate` for the estimate per part");
}

}  // namespace spikesim
