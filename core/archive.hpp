#pragma once
// The state of a run as named arrays, written to or read from a checkpoint (io/checkpoint.hpp
// stores them as HDF5 datasets; docs/checkpoints.md lists the names). Every part of a run
// that evolves has one function that visits its arrays in both directions, so what is saved
// and what is restored can never drift apart:
//
//   void visit(Archive& a) { a.fixed("pops/exc/V_m", v); a.value("threshold", thr); ... }
//
// Keys are '/'-separated paths; a name a user chose (population, projection, monitor) goes
// through key() so that any name is a valid path element.
#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace spikesim {

// A checkpoint that cannot be used (missing array, wrong size, other network or version).
// The command line reports it with exit code 2, like a bad network file.
class CheckpointError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Archive {
 public:
  virtual ~Archive() = default;
  virtual bool loading() const = 0;
  virtual bool has(const std::string& key) const = 0;

  // Arrays of any length: loading replaces the vector's contents.
  virtual void array(const std::string& key, std::vector<float>& v) = 0;
  virtual void array(const std::string& key, std::vector<double>& v) = 0;
  virtual void array(const std::string& key, std::vector<uint8_t>& v) = 0;
  virtual void array(const std::string& key, std::vector<uint16_t>& v) = 0;
  virtual void array(const std::string& key, std::vector<uint32_t>& v) = 0;
  virtual void array(const std::string& key, std::vector<int32_t>& v) = 0;
  virtual void array(const std::string& key, std::vector<uint64_t>& v) = 0;
  virtual void array(const std::string& key, std::vector<int64_t>& v) = 0;

  // Arrays whose length the network fixes: loading reads into the same storage (pointers
  // into it stay valid) and fails, naming the key, when the saved length differs.
  template <class T>
  void fixed(const std::string& key, std::vector<T>& v) {
    if (!loading()) return array(key, v);
    std::vector<T> got;
    array(key, got);
    if (got.size() != v.size())
      throw CheckpointError(key + ": the checkpoint holds " + std::to_string(got.size()) + " values, this network " +
                            std::to_string(v.size()));
    std::copy(got.begin(), got.end(), v.begin());
  }
  template <class T>
  void value(const std::string& key, T& x) {
    std::vector<T> v{x};
    array(key, v);
    if (loading()) {
      if (v.size() != 1) throw CheckpointError(key + ": expected one value in the checkpoint");
      x = v[0];
    }
  }
  // Vectors of vectors (delay rings, per-trial counts): the lengths, then the values.
  template <class T>
  void nested(const std::string& key, std::vector<std::vector<T>>& vv) {
    std::vector<uint64_t> len;
    std::vector<T> flat;
    if (!loading())
      for (const auto& v : vv) len.push_back(v.size()), flat.insert(flat.end(), v.begin(), v.end());
    array(key + "/lengths", len);
    array(key + "/values", flat);
    if (!loading()) return;
    vv.assign(len.size(), {});
    size_t at = 0;
    for (size_t i = 0; i < len.size(); ++i) {
      if (at + len[i] > flat.size()) throw CheckpointError(key + ": lengths exceed the values");
      vv[i].assign(flat.begin() + at, flat.begin() + at + len[i]);
      at += len[i];
    }
  }
  void flag(const std::string& key, bool& b) {
    uint8_t x = b;
    value(key, x);
    b = x != 0;
  }
};

// A user's name as one path element of a key ('/', '%' and a leading '.' escaped as %XX).
inline std::string key(const std::string& name) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(name[i]);
    if (c == '/' || c == '%' || (i == 0 && c == '.')) out += {'%', hex[c >> 4], hex[c & 15]};
    else out += static_cast<char>(c);
  }
  return out.empty() ? "%00" : out;
}

}  // namespace spikesim
