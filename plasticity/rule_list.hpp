#pragma once
// The one list of plasticity rules: (rule type, name in the network file, summary). Every
// dispatch is generated from it: parsing and `spikesim protocol --list`/--version's rule
// names (plasticity/registry.cpp), the CPU hooks (PlasticityOf<R>, plasticity/plasticity.hpp)
// and the device kernels (gpu/plastic_kernels.hpp, gpu/launcher.hpp). A rule's hooks (and a
// lazy rule's advance_step and settle, a trial rule's on_trial) are SPIKESIM_HD functors, so
// one line here runs it on both engines. Adding a rule: docs/extending.md.
#include "plasticity/da_stdp.hpp"
#include "plasticity/disinhibitory.hpp"
#include "plasticity/global_istdp.hpp"
#include "plasticity/stdp.hpp"
#include "plasticity/taylor.hpp"
#include "plasticity/trial_rules.hpp"
#include "plasticity/triplet_stdp.hpp"
#include "plasticity/vogels_istdp.hpp"

#define SPIKESIM_RULES(X)                                                                                              \
  X(Stdp, "stdp", "pair STDP (Song, Miller & Abbott 2000): all-to-all or nearest traces, additive or soft bounds (mu)") \
  X(TripletStdp, "triplet_stdp",                                                                                       \
    "triplet STDP (Pfister & Gerstner 2006), named sets visual_cortex_minimal, hippocampal_minimal")                  \
  X(VogelsIstdp, "vogels_istdp", "inhibitory STDP (Vogels et al. 2011): symmetric window, target rate rho0")          \
  X(GlobalIstdp, "global_istdp",                                                                                       \
    "homeostatic iSTDP (Zenke et al. 2015): eta * G times the trace terms, G a global factor")                        \
  X(Disinhibitory, "disinhibitory",                                                                                    \
    "disinhibitory sign control (Rossbroich & Zenke 2023): dw = eta g (nu_E - theta(nu_I)) at each presynaptic spike, nu_I the paired interneuron's rate") \
  X(DaStdp, "da_stdp",                                                                                                 \
    "dopamine-modulated STDP (Izhikevich 2007): eligibility c from pair STDP, dw/dt = c (d - baseline), exact between events") \
  X(HebbianTrial, "hebbian_trial",                                                                                     \
    "trial Hebbian rule (Neuroblox): dw = K x_pre x_post (W_lim - w) feedback at the end of each task trial")         \
  X(HebbianModulated, "hebbian_modulated",                                                                             \
    "modulated trial Hebbian rule (Neuroblox): sign and size set by eps = feedback - (kappa - DA), end of each trial") \
  X(Taylor, "taylor",                                                                                                  \
    "Taylor-series rule family (Mehta et al. 2024): dw = eta sum theta_abc x^a y^b w^c, each trial or every period")
