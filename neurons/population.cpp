#include "neurons/population.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/neuron_params.hpp"
#include "neurons/models.hpp"
#include "neurons/poisson.hpp"
#include "neurons/step_range.hpp"

namespace spikesim {

namespace {

// Appends the indices in [lo, hi) whose flag is set, ascending: 64 flags per test (a spike
// is rare: at 20 Hz and dt = 0.1 ms one neuron in 500 fires per step), then the set bytes of
// each nonzero word by their lowest bit (flags are 0 or 1; byte k of a word is bits 8k..8k+7
// on a little-endian machine).
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "collect() reads spike flags as little-endian words");
void collect(const uint8_t* fired, uint32_t lo, uint32_t hi, std::vector<uint32_t>& spikes) {
  uint32_t i = lo;
  for (; i + 64 <= hi; i += 64) {
    uint64_t w[8], any = 0;
    std::memcpy(w, fired + i, sizeof w);
    for (uint64_t x : w) any |= x;
    if (any == 0) continue;
    for (uint32_t k = 0; k < 8; ++k)
      for (uint64_t x = w[k]; x != 0; x &= x - 1) spikes.push_back(i + 8 * k + __builtin_ctzll(x) / 8);
  }
  for (; i < hi; ++i)
    if (fired[i]) spikes.push_back(i);
}

// A neuron model's state: defaults, then the file's initial values ("init").
template <class M>
void init_model(Population& p, const PopulationSpec& s, const RunSpec& run, uint32_t index) {
  const ModelInfo& info = model_info(s.model);
  const typename M::Prop q = M::make(s.params, run.dt);
  PropOf<M>::set(p.prop, q);
  if (!s.varied.empty()) {  // per-neuron constants from each neuron's parameters
    NeuronParams np(s, run.seed, index);
    p.props.resize(p.size);
    bool offsets = false;  // E_L varies: V_m - E_L per neuron
    for (const VariedParam& v : s.varied) offsets = offsets || v.name == info.v_offset;
    if (offsets) p.v_offsets.resize(p.size);
    for (uint32_t i = 0; i < p.size; ++i) {
      const ParamMap& m = np.of(i);
      PropOf<M>::set(p.props[i], M::make(m, run.dt));
      if (offsets) p.v_offsets[i] = static_cast<float>(m.at(info.v_offset));
    }
  }
  p.v_var = info.v_var;
  p.ex_var = info.ex_var;
  p.in_var = info.in_var;
  p.v_offset = info.v_offset.empty() ? 0.0f : static_cast<float>(s.params.at(info.v_offset));
  p.x.assign(M::kVars, std::vector<float>(p.size, 0.0f));
  p.ref.assign(p.size, 0);
  p.fired.assign(p.size, 0);
  const CounterRng init_rng{run.seed, kStreamInit | index};
  bool given[M::kVars] = {};
  for (uint32_t v = 0; v < M::kVars; ++v) {
    auto it = s.init.find(info.state[v].name);
    if (it == s.init.end()) continue;
    given[v] = true;
    const double off = p.offset(info.state[v].name);
    const float* offs = p.offsets(info.state[v].name);
    for (uint32_t i = 0; i < p.size; ++i) p.x[v][i] = static_cast<float>(it->second.sample(init_rng, i, v) - (offs ? offs[i] : off));
  }
  for (uint32_t i = 0; i < p.size; ++i) {
    float one[M::kVars];
    for (int k = 0; k < M::kVars; ++k) one[k] = p.x[k][i];
    M::initial(p.props.empty() ? q : PropOf<M>::get(p.props[i]), one, given);
    for (int k = 0; k < M::kVars; ++k) p.x[k][i] = one[k];
  }
}

}  // namespace

void Population::update(uint32_t lo, uint32_t hi, uint32_t step, std::vector<uint32_t>& spikes) {
  // Neuron models and Poisson draws: the loops of the instruction set picked at start-up
  // (core/isa.hpp).
  static const StepRangeTable& table = step_ranges(selected_isa());
  if (is_neuron_model(model)) {
    float* xs[kMaxStateVars] = {};
    for (size_t k = 0; k < x.size(); ++k) xs[k] = x[k].data();
    table.model[model_index(model)](prop, props.empty() ? nullptr : props.data(), xs, ref.data(), fired.data(), rng, lo, hi, step);
    collect(fired.data(), lo, hi, spikes);
    return;
  }
  if (model == Model::kPoisson) {
    if (thresholds.empty() && threshold == 0) return;
    table.poisson(rng, threshold, thresholds.empty() ? nullptr : thresholds.data(), fired.data(), lo, hi, step);
    collect(fired.data(), lo, hi, spikes);
  } else if (model == Model::kSpikeGenerator) {
    const uint32_t stamp = step + 1;
    auto it = std::lower_bound(generator_events.begin(), generator_events.end(), std::make_pair(stamp, lo));
    for (; it != generator_events.end() && it->first == stamp && it->second < hi; ++it) spikes.push_back(it->second);
  }
}

float* Population::variable(const std::string& name) {
  const auto& state = model_info(model).state;
  for (size_t k = 0; k < state.size() && k < x.size(); ++k)
    if (state[k].name == name) return x[k].data();
  return nullptr;
}

uint64_t Population::state_bytes() const {
  uint64_t floats = 0;
  for (const auto& a : x) floats += a.size();
  return floats * sizeof(float) + ref.size() * sizeof(int32_t) + fired.size() + props.size() * sizeof(ModelProp) +
         v_offsets.size() * sizeof(float) +
         generator_events.size() * sizeof(generator_events[0]);
}

void apply_input_current(Population& p, const PopulationSpec& s, double pA, double dt) {
  ParamMap params = s.params;
  params["I_e"] += pA;
  with_model(s.model, [&](auto m) {  // neuron models only (the parser sends currents nowhere else)
    using M = decltype(m);
    PropOf<M>::set(p.prop, M::make(params, dt));
    if (p.props.empty()) return;
    NeuronParams np(s, p.rng.seed, p.index);
    for (uint32_t i = 0; i < p.size; ++i) {
      ParamMap one = np.of(i);
      one["I_e"] += pA;
      PropOf<M>::set(p.props[i], M::make(one, dt));
    }
  });
}

Population make_population(const PopulationSpec& s, const RunSpec& run, uint32_t index) {
  Population p;
  p.name = s.name;
  p.model = s.model;
  p.size = s.size;
  p.index = index;
  p.rng = CounterRng{run.seed, kStreamPoisson | index};
  with_model(s.model, [&](auto m) { init_model<decltype(m)>(p, s, run, index); });
  if (s.model == Model::kPoisson) p.fired.assign(p.size, 0);
  if (s.model == Model::kSpikeGenerator) {
    for (uint32_t i = 0; i < s.spike_times.size(); ++i)
      for (double t : s.spike_times[i])
        p.generator_events.emplace_back(static_cast<uint32_t>(std::llround(t / run.dt)), i);
    std::sort(p.generator_events.begin(), p.generator_events.end());
  }
  return p;
}

}  // namespace spikesim
