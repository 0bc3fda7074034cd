#pragma once
// Disinhibitory sign control (Rossbroich & Zenke 2023; docs/plasticity.md section 5), the
// event-driven spiking form: at each presynaptic arrival on synapse j -> i
//   w += eta * g(nu_E) * (nu_E - theta(nu_I))
// nu_E: the postsynaptic neuron's rate estimate, its spike trace over tau (Hz);
// nu_I: the rate estimate of its partner, the paired interneuron, named by a projection
//       onto the same population with one synapse per neuron ("partner"; RuleReader), its
//       spike trace over tau_partner ("inhibition": "partner_rate", the default); or the
//       low-passed inhibitory input from it ("partner_input"): that rate times |w| / w_ref of
//       the partner's synapse, so blocking (w = 0) or doubling that synapse changes nu_I;
//       or ("inhibitory_input", no partner) the neuron's whole low-passed inhibitory input:
//       every spike arriving through any projection onto its population with receptor "in"
//       adds |w| / w_ref of its synapse to a trace over tau_partner (bumped at the source's
//       spike, like the partner traces: the synaptic delay is not added);
// theta: "lin_thresh"  a + b nu_I (the first-order approximation of the inverse), or
//        "exact_inv"   phi_I^-1(nu_I) for the interneuron's transfer function phi_I
//                      ("transfer_I"), in the units of nu_E;
// g: 1, or with "slope" (a transfer function phi_E) phi_E'(u) where phi_E(u) = nu_E.
// The sign flips where nu_I crosses (nu_E - a) / b (lin_thresh). Only presynaptic
// arrivals change weights (the paper's dW ~ ... x_j, sampled at the input's spikes); no
// continuous or on_post term.
// A transfer function: "threshold_linear" phi(u) = gain max(0, u - u0), or "softplus"
// phi(u) = gain log(1 + exp(beta (u - u0))) / beta.
#include <cmath>

#include "plasticity/rule.hpp"

namespace spikesim {

struct Transfer {
  bool softplus = false;
  double gain = 1.0, u0 = 0.0, beta = 1.0;
  // u with phi(u) = r (r >= 0; for r = 0 the threshold-linear inverse is u0, the softplus one
  // that of r = 1e-12 gain / beta).
  SPIKESIM_HD double inverse(double r) const {
    if (!softplus) return u0 + r / gain;
    double y = beta * r / gain;
    if (y < 1e-12) y = 1e-12;
    return u0 + (y > 30.0 ? y + log1p(-exp(-y)) : log(expm1(y))) / beta;
  }
  // phi'(u) at the u where phi(u) = r.
  SPIKESIM_HD double slope_at_rate(double r) const {
    if (!softplus) return r > 0 ? gain : 0.0;
    return gain * (1.0 - exp(-beta * (r > 0 ? r : 0.0) / gain));
  }
  static Transfer parse(RuleReader& r, const std::string& key);
};

struct Disinhibitory {
  struct Params {
    double eta, tau, tau_I, a, b;
    bool exact = false, use_slope = false;
    Transfer phi_I, phi_E;
  };
  static constexpr int kSynState = 0;
  // theta for an interneuron rate nu_I (Hz)
  SPIKESIM_HD static double theta(const Params& p, double nu_I) { return p.exact ? p.phi_I.inverse(nu_I) : p.a + p.b * nu_I; }
  SPIKESIM_HD static double dw(const Params& p, double nu_E, double nu_I) {
    const double g = p.use_slope ? p.phi_E.slope_at_rate(nu_E) : 1.0;
    return p.eta * g * (nu_E - theta(p, nu_I));
  }
  SPIKESIM_HD static float on_pre(const Params& p, float w, float*, const double*, const double* xpost, const HookCtx& c) {
    return static_cast<float>(w + dw(p, 1000.0 * xpost[0] / p.tau, 1000.0 * c.partner[0] / p.tau_I));
  }
  SPIKESIM_HD static float on_post(const Params&, float w, float*, const double*, const double*, const HookCtx&) { return w; }
  static Params parse(RuleReader& r) {
    Params p;
    p.eta = r.number("eta", "a learning rate (weight units per Hz per presynaptic spike)");
    p.tau = r.positive("tau", 100.0);
    p.tau_I = r.positive("tau_partner", p.tau);
    r.post.count = 1;
    r.post.tau[0] = p.tau;
    r.partner.traces.count = 1;
    r.partner.traces.tau[0] = p.tau_I;
    const std::string inh = r.o.string_or("inhibition", "partner_rate");
    if (inh != "partner_rate" && inh != "partner_input" && inh != "inhibitory_input")
      r.o.reject("inhibition", "\"partner_rate\", \"partner_input\" or \"inhibitory_input\"");
    r.partner.all_inhibitory = inh == "inhibitory_input";
    if (r.partner.all_inhibitory) {
      r.partner.ptr = r.o.at("inhibition");
      if (r.o.has("partner")) r.o.reject("partner", "no partner with \"inhibition\": \"inhibitory_input\" (it reads every \"in\" projection)");
    } else {
      r.partner.ptr = r.o.at("partner");
      r.partner.projection = r.o.string("partner", "the name of a projection onto the same population with one synapse per neuron (the paired interneurons)");
    }
    if (inh != "partner_rate") {
      r.partner.w_ref = r.o.number("w_ref", "a reference weight (> 0) of one inhibitory synapse, for \"inhibition\": \"" + inh + "\"");
      if (!(r.partner.w_ref > 0)) r.o.reject("w_ref", "a reference weight > 0");
    }
    const std::string variant = r.o.string_or("variant", "lin_thresh");
    if (variant != "lin_thresh" && variant != "exact_inv") r.o.reject("variant", "\"lin_thresh\" or \"exact_inv\"");
    p.exact = variant == "exact_inv";
    if (p.exact) p.phi_I = Transfer::parse(r, "transfer_I");
    p.a = p.exact ? 0.0 : r.number_or("a", 0.0);
    p.b = p.exact ? 0.0 : r.number_or("b", 1.0);
    p.use_slope = r.o.has("slope");
    if (p.use_slope) p.phi_E = Transfer::parse(r, "slope");
    return p;
  }
};

inline Transfer Transfer::parse(RuleReader& r, const std::string& key) {
  const std::string expected = "a transfer function {\"type\": \"threshold_linear\" or \"softplus\", \"gain\", \"u0\", \"beta\"}";
  const json& j = r.o.need(key, expected);
  if (!j.is_object()) fail(r.o.at(key), j, expected);
  JObj o(j, r.o.at(key));
  Transfer t;
  const std::string type = o.string("type", "\"threshold_linear\" or \"softplus\"");
  if (type != "threshold_linear" && type != "softplus") fail(o.at("type"), j["type"], "\"threshold_linear\" or \"softplus\"");
  t.softplus = type == "softplus";
  t.gain = o.number_or("gain", 1.0, "a gain > 0 (Hz per unit of u)");
  if (!(t.gain > 0)) fail(o.at("gain"), j["gain"], "a gain > 0 (Hz per unit of u)");
  t.u0 = o.number_or("u0", 0.0, "a threshold (units of u)");
  t.beta = t.softplus ? o.number_or("beta", 1.0, "a sharpness > 0") : 1.0;
  if (!(t.beta > 0)) fail(o.at("beta"), j["beta"], "a sharpness > 0");
  o.finish(t.softplus ? "type, gain, u0, beta" : "type, gain, u0");
  return t;
}

}  // namespace spikesim
