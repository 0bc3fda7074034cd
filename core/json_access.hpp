#pragma once
// Reading the network file with a JSON pointer at every step, so that each error names
// where it is, what was found and what was expected. Unknown keys are errors.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace spikesim {

using json = nlohmann::ordered_json;  // keeps the file's order: populations run and print in it

std::string describe(const json& j);  // "the number -3", "a string \"abc\"", ...
[[noreturn]] void fail(const std::string& ptr, const json& found, const std::string& expected);
[[noreturn]] void fail_msg(const std::string& ptr, const std::string& msg);
std::string escape_pointer_token(const std::string& key);

// A JSON object being read: every key read is marked; finish() rejects the rest.
class JObj {
 public:
  JObj(const json& j, std::string ptr);
  const std::string& ptr() const { return ptr_; }
  std::string at(const std::string& key) const { return ptr_ + "/" + escape_pointer_token(key); }
  bool has(const std::string& key) const { return j_.contains(key); }
  const json* get(const std::string& key);        // nullptr when absent
  const json& need(const std::string& key, const std::string& expected);

  double number(const std::string& key, const std::string& expected);
  double number_or(const std::string& key, double def, const std::string& expected);
  int64_t integer(const std::string& key, const std::string& expected);
  int64_t integer_or(const std::string& key, int64_t def, const std::string& expected);
  bool boolean_or(const std::string& key, bool def);
  std::string string(const std::string& key, const std::string& expected);
  std::string string_or(const std::string& key, const std::string& def);
  std::vector<double> numbers(const std::string& key, const std::string& expected);

  // Rejects keys never read; the hint defaults to the keys that were looked up.
  void finish(const std::string& allowed_hint = "") const;
  const json& raw() const { return j_; }
  // The value of `key` as the file has it; null where the file has no such key (its value
  // came from a default). Never inserts, never reads out of bounds: the one way to look at an
  // optional key's value in a message.
  const json& found(const std::string& key) const;
  // fail() at `key` with what the file has there, or "no KEY (the default applies)".
  [[noreturn]] void reject(const std::string& key, const std::string& expected) const;

 private:
  const json& j_;
  std::string ptr_;
  std::set<std::string> used_;
  std::vector<std::string> asked_;  // every key looked up, in order (hint for finish())
};

// The keys a parser reads, for `spikesim describe`: while a log is installed, every key a JObj
// looks up is added with where (its object's pointer), its default (null: required, or an
// optional key without one) and what it expects. Off (null) everywhere else.
struct KeyDoc {
  std::string ptr, key, expected;
  json def;
  bool required = false;
};
void set_key_log(std::vector<KeyDoc>* log);

// Parses a JSON text. Syntax errors name line and column; a key written twice in one object
// and nesting deeper than kMaxJsonDepth are refused with their pointer (nlohmann would keep
// the last duplicate silently, and copy a deep tree recursively until the stack overflows).
constexpr int kMaxJsonDepth = 64;
json read_json_text(const std::string& text);

// Warnings: what is legal but probably unintended (a delay rounded to the grid, a depression
// amplitude of the wrong sign, trials cut by tstop). warn() adds to the list a WarningScope
// installed (parse_network installs NetworkSpec::warnings); without one it does nothing.
struct SpecWarning {
  std::string ptr, msg;
};
void warn(const std::string& ptr, const std::string& msg);
class WarningScope {
 public:
  explicit WarningScope(std::vector<SpecWarning>* out);
  ~WarningScope();
  WarningScope(const WarningScope&) = delete;
  WarningScope& operator=(const WarningScope&) = delete;

 private:
  std::vector<SpecWarning>* prev_;
};

double as_number(const json& j, const std::string& ptr, const std::string& expected);
int64_t as_integer(const json& j, const std::string& ptr, const std::string& expected);

}  // namespace spikesim
