#include "plasticity/registry.hpp"

#include "core/hints.hpp"

#include <limits>

#include "plasticity/plasticity.hpp"
#include "plasticity/rule_list.hpp"

namespace spikesim {

namespace {

using Maker = std::shared_ptr<Plasticity> (*)(RuleReader&);

template <class R>
std::shared_ptr<Plasticity> make_rule(RuleReader& r) {
  auto p = std::make_shared<PlasticityOf<R>>();
  p->params = R::parse(r);
  p->syn_floats = R::kSynState;
  return p;
}

struct RuleEntry {
  const char* name;
  const char* summary;
  Maker make;
};

// One entry per line of SPIKESIM_RULES, in its order (Plasticity::rule_index).
#define SPIKESIM_RULE_ENTRY(R, name, summary) {name, summary, make_rule<R>},
const RuleEntry kRules[] = {SPIKESIM_RULES(SPIKESIM_RULE_ENTRY)};
#undef SPIKESIM_RULE_ENTRY

std::string rule_names() {
  std::string s;
  for (const auto& r : kRules) s += (s.empty() ? "" : ", ") + std::string(r.name);
  return s;
}

// A bound: a number, or null for none.
float bound(JObj& o, const std::string& key, const json* v, float none) {
  if (v->is_null()) return none;
  return static_cast<float>(as_number(*v, o.at(key), "a weight bound (a number, or null for none)"));
}

}  // namespace

double RuleReader::positive(const std::string& key, double def) {
  const double v = o.number_or(key, def, "a time constant in ms > 0");
  if (!(v > 0)) o.reject(key, "a time constant in ms > 0");
  return v;
}

double RuleReader::nonnegative(const std::string& key, double def) {
  const double v = o.number_or(key, def, "a number >= 0");
  if (!(v >= 0)) o.reject(key, "a number >= 0");
  return v;
}

Factor RuleReader::factor(const std::string& key) {
  std::string names;
  for (const auto& s : signals) names += (names.empty() ? "" : ", ") + s.name;
  const std::string expected = "a number, or {\"signal\": NAME, \"offset\": number} with NAME a global signal" +
                               (names.empty() ? std::string(" (the file declares no \"globals\")") : " (one of: " + names + ")");
  const json& j = o.need(key, expected);
  Factor f;
  if (j.is_number()) {
    f.offset = j.get<double>();
    return f;
  }
  if (!j.is_object()) fail(o.at(key), j, expected);
  JObj fo(j, o.at(key));
  const std::string name = fo.string("signal", expected);
  for (size_t i = 0; i < signals.size(); ++i)
    if (signals[i].name == name) f.signal = static_cast<int>(i);
  if (f.signal < 0) fail(fo.at("signal"), j["signal"], expected);
  f.offset = fo.number_or("offset", 0.0, "a number (in the signal's unit)");
  fo.finish("signal, offset");
  return f;
}

std::vector<RuleInfo> rule_list() {
  std::vector<RuleInfo> out;
  for (const auto& r : kRules) out.push_back({r.name, r.summary});
  return out;
}

std::shared_ptr<Plasticity> parse_plasticity(const json& j, const std::string& ptr, const std::vector<SignalSpec>& signals) {
  JObj o(j, ptr);
  const std::string expected = "a plasticity rule, one of: " + rule_names();
  const std::string name = o.string("rule", expected);
  const RuleEntry* entry = nullptr;
  for (const auto& r : kRules)
    if (name == r.name) entry = &r;
  if (!entry) o.reject("rule", expected + did_you_mean(name, split_list(rule_names()), ""));

  const float inf = std::numeric_limits<float>::infinity();
  Bounds b;
  const json* lo = o.get("w_min");
  b.w_min = lo ? bound(o, "w_min", lo, -inf) : 0.0f;
  b.w_max = bound(o, "w_max", &o.need("w_max", "an upper weight bound (a number, or null for none)"), inf);
  if (!(b.w_min <= b.w_max)) o.reject("w_max", "w_max >= w_min (" + std::to_string(b.w_min) + ")");
  TraceSpec pre, post;
  const std::string traces = o.string_or("traces", "all_to_all");
  if (traces != "all_to_all" && traces != "nearest") o.reject("traces", "\"all_to_all\" or \"nearest\"");
  pre.nearest = post.nearest = traces == "nearest";

  const double start = o.number_or("start", 0.0, "a time in ms >= 0 from which the weights learn");
  if (!(start >= 0)) o.reject("start", "a time in ms >= 0 from which the weights learn");
  PartnerSpec partner;
  TrialSpec trial;
  RuleReader reader{o, pre, post, b, signals, partner, trial};
  std::shared_ptr<Plasticity> p = entry->make(reader);
  o.finish();
  // spikesim's depression amplitudes are positive (w -= A_minus ...); Brian2's examples write
  // them negative (w += A_minus ...), which here would turn depression into potentiation.
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key().size() > 6 && it.key()[0] == 'A' && it.key().compare(it.key().size() - 6, 6, "_minus") == 0 &&
        it.value().is_number() && it.value().get<double>() < 0)
      warn(o.at(it.key()), "a negative depression amplitude (" + it.value().dump() + "): spikesim's " + it.key() +
                               " is subtracted (w -= " + it.key() + " ...), so a negative value potentiates; Brian2's "
                               "convention writes it negative, spikesim's positive");
  p->rule = name;
  p->rule_index = static_cast<int>(entry - kRules);
  p->start_ms = start;
  p->bounds = b;
  p->pre.spec = pre;
  p->post.spec = post;
  p->partner.spec = partner;
  p->trial = trial;
  return p;
}

}  // namespace spikesim
