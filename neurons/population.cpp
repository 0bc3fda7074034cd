#include "neurons/population.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "neurons/models.hpp"
#include "neurons/poisson.hpp"

namespace spikesim {

namespace {

// Appends the indices in [lo, hi) whose flag is set, ascending; 8 flags per test.
void collect(const uint8_t* fired, uint32_t lo, uint32_t hi, std::vector<uint32_t>& spikes) {
  uint32_t i = lo;
  for (; i + 8 <= hi; i += 8) {
    uint64_t word;
    std::memcpy(&word, fired + i, 8);
    if (word == 0) continue;
    for (uint32_t k = 0; k < 8; ++k)
      if (fired[i + k]) spikes.push_back(i + k);
  }
  for (; i < hi; ++i)
    if (fired[i]) spikes.push_back(i);
}

// The model's step for every neuron in one branch-free (vectorised) pass, then the spikes.
template <class M>
void update_lif(const typename M::Prop& q, float* V, float* a, float* b, int32_t* ref, uint8_t* fired,
                uint32_t lo, uint32_t hi, std::vector<uint32_t>& spikes) {
#pragma omp simd
  for (uint32_t i = lo; i < hi; ++i) fired[i] = M::step(q, V[i], a[i], b[i], ref[i]) ? 1 : 0;
  collect(fired, lo, hi, spikes);
}

double param(const PopulationSpec& s, const char* name) { return s.params.at(name); }

}  // namespace

void Population::update(uint32_t lo, uint32_t hi, uint32_t step, std::vector<uint32_t>& spikes) {
  switch (model) {
    case Model::kLifCondExp:
      update_lif<LifCondExp>(cond, V.data(), ex.data(), in.data(), ref.data(), fired.data(), lo, hi, spikes);
      break;
    case Model::kLifCurrExp:
      update_lif<LifCurrExp>(curr, V.data(), ex.data(), in.data(), ref.data(), fired.data(), lo, hi, spikes);
      break;
    case Model::kIzhikevich: {
      float* v = V.data();
      float* jump = ex.data();
      float* u = in.data();
      for (uint32_t i = lo; i < hi; ++i) {
        const float u01 = izh.I_noise != 0.0f ? static_cast<float>(rng.uniform(i, step)) : 0.5f;
        fired[i] = Izhikevich::step(izh, v[i], u[i], jump[i], u01) ? 1 : 0;
      }
      collect(fired.data(), lo, hi, spikes);
      break;
    }
    case Model::kPoisson:
      if (!thresholds.empty()) {
        for (uint32_t i = lo; i < hi; ++i)
          if (PoissonSource::step(rng, thresholds[i], i, step)) spikes.push_back(i);
        break;
      }
      if (threshold == 0) break;
      for (uint32_t i = lo; i < hi; ++i)
        if (PoissonSource::step(rng, threshold, i, step)) spikes.push_back(i);
      break;
    case Model::kSpikeGenerator: {
      const uint32_t stamp = step + 1;
      auto it = std::lower_bound(generator_events.begin(), generator_events.end(), std::make_pair(stamp, lo));
      for (; it != generator_events.end() && it->first == stamp && it->second < hi; ++it) spikes.push_back(it->second);
      break;
    }
  }
}

float* Population::variable(const std::string& name) {
  const auto& state = model_info(model).state;
  float* arrays[3] = {V.data(), ex.data(), in.data()};
  for (size_t i = 0; i < state.size() && i < 3; ++i)
    if (state[i].name == name) return arrays[i];
  return nullptr;
}

uint64_t Population::state_bytes() const {
  return (V.size() + ex.size() + in.size()) * sizeof(float) + ref.size() * sizeof(int32_t) + fired.size() +
         generator_events.size() * sizeof(generator_events[0]);
}

Population make_population(const PopulationSpec& s, const RunSpec& run, uint32_t index) {
  Population p;
  p.name = s.name;
  p.model = s.model;
  p.size = s.size;
  p.rng = CounterRng{run.seed, kStreamPoisson | index};
  if (s.model == Model::kLifCondExp) {
    p.cond = LifCondExp::make({param(s, "C_m"), param(s, "g_L"), param(s, "E_L"), param(s, "V_th"),
                               param(s, "V_reset"), param(s, "t_ref"), param(s, "I_e"), param(s, "E_ex"),
                               param(s, "E_in"), param(s, "tau_syn_ex"), param(s, "tau_syn_in")},
                              run.dt);
  } else if (s.model == Model::kLifCurrExp) {
    p.curr = LifCurrExp::make({param(s, "C_m"), param(s, "g_L"), param(s, "E_L"), param(s, "V_th"),
                               param(s, "V_reset"), param(s, "t_ref"), param(s, "I_e"),
                               param(s, "tau_syn_ex"), param(s, "tau_syn_in")},
                              run.dt);
  } else if (s.model == Model::kIzhikevich) {
    p.izh = {static_cast<float>(param(s, "a")), static_cast<float>(param(s, "b")), static_cast<float>(param(s, "c")),
             static_cast<float>(param(s, "d")), static_cast<float>(param(s, "I_e")), static_cast<float>(param(s, "I_noise")),
             static_cast<float>(run.dt)};
  } else if (s.model == Model::kSpikeGenerator) {
    for (uint32_t i = 0; i < s.spike_times.size(); ++i)
      for (double t : s.spike_times[i])
        p.generator_events.emplace_back(static_cast<uint32_t>(std::llround(t / run.dt)), i);
    std::sort(p.generator_events.begin(), p.generator_events.end());
  }
  const ModelInfo& info = model_info(s.model);
  if (info.has_receptors) {
    const bool izh = s.model == Model::kIzhikevich;  // no offset; starts at v = c, u = b c
    p.E_L = izh ? 0.0f : static_cast<float>(param(s, "E_L"));
    p.V.assign(p.size, izh ? p.izh.c : 0.0f);
    p.ex.assign(p.size, 0.0f);
    p.in.assign(p.size, izh ? p.izh.b * p.izh.c : 0.0f);
    p.ref.assign(p.size, 0);
    p.fired.assign(p.size, 0);
    const CounterRng init_rng{run.seed, kStreamInit | index};
    for (uint32_t v = 0; v < info.state.size(); ++v) {
      auto it = s.init.find(info.state[v].name);
      if (it == s.init.end()) continue;
      float* x = p.variable(info.state[v].name);
      const double off = p.offset(info.state[v].name);
      for (uint32_t i = 0; i < p.size; ++i) x[i] = static_cast<float>(it->second.sample(init_rng, i, v) - off);
    }
    if (izh && s.init.count("V_m") && !s.init.count("U"))  // u = b v, as the paper starts
      for (uint32_t i = 0; i < p.size; ++i) p.in[i] = p.izh.b * p.V[i];
  }
  return p;
}

}  // namespace spikesim
