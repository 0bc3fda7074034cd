#pragma once
// The neuron models, one line each. Everything that dispatches on a model is generated
// from this list: the registry (names, parameters, state; neurons/models.cpp), parameter
// parsing and checks (io/parse_network.cpp reads the registry), the CPU update
// (neurons/population.cpp), the device update (gpu/kernels.hpp), whether a population fires
// on its own (PopulationGraph::silent). A model is one header (the recipe:
// docs/extending.md) and one line here; model M's id is model_id<M>(), Model::kFirstNeuron
// plus its place in the list, so keep existing lines in order and append.
//
// A model header provides, as static members of one struct M:
//   kVars                      number of float state variables (info().state, in order)
//   Prop                       the step's constants (trivially copyable: the device copies it)
//   info()                     ModelInfo (neurons/model_info.hpp): name, parameters, state
//   make(ParamMap, dt)         Prop from the parameters
//   initial(Prop, x, given)    default initial state of one neuron (x[k] where !given[k])
//   self_driven(PopulationSpec) can it fire without input
//   step(Prop, x, ref, NeuronCtx)  SPIKESIM_HD: one step of neuron c.i, whose variable k is
//                              x[k][c.i] and refractory count `ref`; true on a spike
#include <cstddef>
#include <initializer_list>
#include <cstdint>

#include "core/hd.hpp"
#include "core/spec.hpp"
#include "neurons/aeif_cond_exp.hpp"
#include "neurons/izhikevich.hpp"
#include "neurons/lif_cond_exp.hpp"
#include "neurons/lif_cond_exp_euler.hpp"
#include "neurons/lif_curr_exp.hpp"
#include "neurons/pp_psc_delta.hpp"

#define SPIKESIM_MODELS(X) \
  X(LifCondExp)            \
  X(LifCurrExp)            \
  X(Izhikevich)            \
  X(AeifCondExp)            \
  X(LifCondExpEuler)       \
  X(PpPscDelta)

namespace spikesim {

namespace model_list_detail {
enum : uint8_t {
#define SPIKESIM_MODEL_INDEX(M) k##M,
  SPIKESIM_MODELS(SPIKESIM_MODEL_INDEX)
#undef SPIKESIM_MODEL_INDEX
  kCount
};
constexpr int max_of(std::initializer_list<int> v) {
  int m = 0;
  for (int x : v) m = x > m ? x : m;
  return m;
}
}  // namespace model_list_detail

constexpr int kNeuronModels = model_list_detail::kCount;
constexpr int kMaxStateVars = model_list_detail::max_of({
#define SPIKESIM_MODEL_VARS(M) M::kVars,
    SPIKESIM_MODELS(SPIKESIM_MODEL_VARS)
#undef SPIKESIM_MODEL_VARS
});

template <class M>
struct ModelTag;
#define SPIKESIM_MODEL_TAG(M)                                                                              \
  template <>                                                                                              \
  struct ModelTag<M> {                                                                                     \
    static constexpr uint8_t code = static_cast<uint8_t>(Model::kFirstNeuron) + model_list_detail::k##M; \
    static constexpr Model id = static_cast<Model>(code);                                                \
  };
SPIKESIM_MODELS(SPIKESIM_MODEL_TAG)
#undef SPIKESIM_MODEL_TAG

template <class M>
constexpr Model model_id() {
  return ModelTag<M>::id;
}

// A neuron model's place in SPIKESIM_MODELS (negative for the sources).
inline int model_index(Model m) { return static_cast<int>(m) - static_cast<int>(Model::kFirstNeuron); }
inline bool is_neuron_model(Model m) { return model_index(m) >= 0 && model_index(m) < kNeuronModels; }

// One population's step constants, whichever its model (a union: trivially copyable).
union ModelProp {
#define SPIKESIM_MODEL_PROP(M) M::Prop M##_;
  SPIKESIM_MODELS(SPIKESIM_MODEL_PROP)
#undef SPIKESIM_MODEL_PROP
};

template <class M>
struct PropOf;
#define SPIKESIM_MODEL_PROP_OF(M)                                                  \
  template <>                                                                      \
  struct PropOf<M> {                                                               \
    SPIKESIM_HD static const M::Prop& get(const ModelProp& u) { return u.M##_; }   \
    static void set(ModelProp& u, const M::Prop& q) { u.M##_ = q; }                \
  };
SPIKESIM_MODELS(SPIKESIM_MODEL_PROP_OF)
#undef SPIKESIM_MODEL_PROP_OF

// Calls f(M{}) for neuron model m (host code); returns false for the spike sources.
template <class F>
bool with_model(Model m, F&& f) {
  switch (static_cast<uint8_t>(m)) {  // on the code: the enum names only the sources
#define SPIKESIM_MODEL_CASE(M) \
  case ModelTag<M>::code:      \
    f(M{});                    \
    return true;
    SPIKESIM_MODELS(SPIKESIM_MODEL_CASE)
#undef SPIKESIM_MODEL_CASE
    default:
      return false;
  }
}

}  // namespace spikesim
