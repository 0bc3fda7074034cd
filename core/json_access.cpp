#include "core/json_access.hpp"
#include "core/hints.hpp"

#include <algorithm>
#include <cmath>

namespace spikesim {

std::string describe(const json& j) {
  std::string s = j.dump();
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  switch (j.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "the boolean " + s;
    case json::value_t::string: return "the string " + s;
    case json::value_t::array: return "an array " + s;
    case json::value_t::object: return "an object " + s;
    default: return "the number " + s;
  }
}

void fail(const std::string& ptr, const json& found, const std::string& expected) {
  throw SpecError(ptr, "found " + describe(found) + ", expected " + expected);
}

void fail_msg(const std::string& ptr, const std::string& msg) { throw SpecError(ptr, msg); }

std::string escape_pointer_token(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

double as_number(const json& j, const std::string& ptr, const std::string& expected) {
  if (!j.is_number()) fail(ptr, j, expected);
  const double v = j.get<double>();
  if (!std::isfinite(v)) fail(ptr, j, expected);
  return v;
}

int64_t as_integer(const json& j, const std::string& ptr, const std::string& expected) {
  if (j.is_number_integer()) return j.get<int64_t>();
  if (j.is_number_float()) {
    const double v = j.get<double>();
    if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9.0e15) return static_cast<int64_t>(v);
  }
  fail(ptr, j, expected);
}

namespace {
thread_local std::vector<KeyDoc>* g_key_log = nullptr;
// Logs a key once per object (the first look-up says the most: its default or required).
void log_key(const std::string& ptr, const std::string& key, const json& def, const std::string& expected, bool required) {
  if (!g_key_log) return;
  for (KeyDoc& d : *g_key_log)
    if (d.ptr == ptr && d.key == key) {
      if (d.expected.empty()) d.expected = expected, d.def = def, d.required = required;
      return;
    }
  g_key_log->push_back({ptr, key, expected, def, required});
}
}  // namespace

void set_key_log(std::vector<KeyDoc>* log) { g_key_log = log; }

namespace {
thread_local std::vector<SpecWarning>* g_warnings = nullptr;
}

void warn(const std::string& ptr, const std::string& msg) {
  if (g_warnings) g_warnings->push_back({ptr, msg});
}
WarningScope::WarningScope(std::vector<SpecWarning>* out) : prev_(g_warnings) { g_warnings = out; }
WarningScope::~WarningScope() { g_warnings = prev_; }

JObj::JObj(const json& j, std::string ptr) : j_(j), ptr_(std::move(ptr)) {
  if (!j_.is_object()) fail(ptr_.empty() ? "/" : ptr_, j_, "an object");
}

const json* JObj::get(const std::string& key) {
  log_key(ptr_, key, nullptr, "", false);
  if (std::find(asked_.begin(), asked_.end(), key) == asked_.end()) asked_.push_back(key);
  auto it = j_.find(key);
  if (it == j_.end()) return nullptr;
  used_.insert(key);
  return &*it;
}

const json& JObj::need(const std::string& key, const std::string& expected) {
  log_key(ptr_, key, nullptr, expected, true);
  const json* v = get(key);
  if (!v) {
    std::string near;  // a key the file has that looks like this one (NEST's "N" for "n")
    for (auto it = j_.begin(); it != j_.end() && near.empty(); ++it)
      if (!used_.count(it.key()) && !did_you_mean(it.key(), {key}, "params").empty())
        near = "; the object has \"" + it.key() + "\", which spikesim does not know: write \"" + key + "\"";
    fail_msg(at(key), "missing required key \"" + key + "\", expected " + expected + near);
  }
  return *v;
}

double JObj::number(const std::string& key, const std::string& expected) {
  return as_number(need(key, expected), at(key), expected);
}

double JObj::number_or(const std::string& key, double def, const std::string& expected) {
  log_key(ptr_, key, def, expected, false);
  const json* v = get(key);
  return v ? as_number(*v, at(key), expected) : def;
}

int64_t JObj::integer(const std::string& key, const std::string& expected) {
  return as_integer(need(key, expected), at(key), expected);
}

int64_t JObj::integer_or(const std::string& key, int64_t def, const std::string& expected) {
  log_key(ptr_, key, def, expected, false);
  const json* v = get(key);
  return v ? as_integer(*v, at(key), expected) : def;
}

bool JObj::boolean_or(const std::string& key, bool def) {
  log_key(ptr_, key, def, "true or false", false);
  const json* v = get(key);
  if (!v) return def;
  if (!v->is_boolean()) fail(at(key), *v, "true or false");
  return v->get<bool>();
}

std::string JObj::string(const std::string& key, const std::string& expected) {
  const json& v = need(key, expected);
  if (!v.is_string()) fail(at(key), v, expected);
  return v.get<std::string>();
}

std::string JObj::string_or(const std::string& key, const std::string& def) {
  log_key(ptr_, key, def, "a string", false);
  const json* v = get(key);
  if (!v) return def;
  if (!v->is_string()) fail(at(key), *v, "a string");
  return v->get<std::string>();
}

std::vector<double> JObj::numbers(const std::string& key, const std::string& expected) {
  const json& v = need(key, expected);
  if (!v.is_array()) fail(at(key), v, expected);
  std::vector<double> out;
  out.reserve(v.size());
  for (size_t i = 0; i < v.size(); ++i) out.push_back(as_number(v[i], at(key) + "/" + std::to_string(i), "a number"));
  return out;
}

const json& JObj::found(const std::string& key) const {
  static const json kNull;
  auto it = j_.find(key);
  return it == j_.end() ? kNull : *it;
}

void JObj::reject(const std::string& key, const std::string& expected) const {
  if (!j_.contains(key)) fail_msg(at(key), "found no \"" + key + "\" (its default applies), expected " + expected);
  fail(at(key), found(key), expected);
}

void JObj::finish(const std::string& allowed_hint) const {
  for (auto it = j_.begin(); it != j_.end(); ++it) {
    if (!used_.count(it.key())) {
      std::string msg = "unknown key \"" + it.key() + "\"" + did_you_mean(it.key(), asked_, "params");
      std::string hint = allowed_hint;
      if (hint.empty())
        for (size_t k = 0; k < asked_.size(); ++k) hint += asked_[k] + (k + 1 < asked_.size() ? ", " : "");
      if (!hint.empty()) msg += ", expected one of: " + hint;
      throw SpecError(at(it.key()), msg);
    }
  }
}

}  // namespace spikesim
