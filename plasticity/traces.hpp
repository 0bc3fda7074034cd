#pragma once
// Event-driven traces kept per neuron: each neuron stores its trace values as they were at
// its last update (a step stamp) and decays them exactly, x(t) = x(t0) exp(-(t - t0)/tau),
// only when they are read or bumped; nothing is done per step. A rule declares how many
// traces it keeps on each side (at most kMaxTraces) and their time constants.
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/hd.hpp"

namespace spikesim {

constexpr int kMaxTraces = 4;

// Time constants and the bump of one side's traces (pre or post).
struct TraceSpec {
  int count = 0;
  double tau[kMaxTraces] = {};  // ms
  bool nearest = false;         // nearest-spike: a spike sets x = 1; all-to-all: x += 1
};

// Decay factors exp(-s dt / tau) for s < kDecayTable steps, per trace: the host's traces
// read them from a table instead of calling exp (one call per synapse and event otherwise).
// The table holds exactly what the call returns, so both give the same numbers.
constexpr uint32_t kDecayTable = 4096;

// x decayed by `steps` steps of `dt` ms with time constant `tau` (ms); `table`, where given,
// holds that trace's factors for steps < kDecayTable.
SPIKESIM_HD double trace_decay(double x, uint32_t steps, double dt, double tau, const double* table = nullptr) {
  if (table && steps < kDecayTable) return x * table[steps];
  // x = 0 (a neuron that never fired, or whose trace was reset) stays 0: the product would
  // be 0 too, without the call (silent neurons' traces are read at every event).
  return steps == 0 || x == 0.0 ? x : x * exp(-static_cast<double>(steps) * dt / tau);
}

// Reads the traces of neuron i as they are at step `now` (before any bump at `now`).
// `tables`: kDecayTable factors per trace, one block after another, or null.
SPIKESIM_HD void trace_read(const TraceSpec& s, const double* values, const uint32_t* stamp, uint32_t i,
                            uint32_t now, double dt, double* out, const double* tables = nullptr) {
  const uint32_t elapsed = now - stamp[i];
  for (int k = 0; k < s.count; ++k)
    out[k] = trace_decay(values[i * s.count + k], elapsed, dt, s.tau[k], tables ? tables + k * kDecayTable : nullptr);
}

// Decays the traces of neuron i to `now` in place and stamps them.
SPIKESIM_HD void trace_advance(const TraceSpec& s, double* values, uint32_t* stamp, uint32_t i, uint32_t now,
                               double dt, const double* tables = nullptr) {
  const uint32_t elapsed = now - stamp[i];
  if (elapsed == 0) return;
  for (int k = 0; k < s.count; ++k)
    values[i * s.count + k] =
        trace_decay(values[i * s.count + k], elapsed, dt, s.tau[k], tables ? tables + k * kDecayTable : nullptr);
  stamp[i] = now;
}

// A spike of neuron i at step `now`: decay, then x += 1 (all-to-all) or x = 1 (nearest).
SPIKESIM_HD void trace_bump(const TraceSpec& s, double* values, uint32_t* stamp, uint32_t i, uint32_t now,
                            double dt, const double* tables = nullptr) {
  trace_advance(s, values, stamp, i, now, dt, tables);
  for (int k = 0; k < s.count; ++k) {
    double& x = values[i * s.count + k];
    x = s.nearest ? 1.0 : x + 1.0;
  }
}

// An input of weight `amount` to neuron i at step `now`: decay, then x += amount.
SPIKESIM_HD void trace_add(const TraceSpec& s, double* values, uint32_t* stamp, uint32_t i, uint32_t now, double dt,
                           double amount, const double* tables = nullptr) {
  trace_advance(s, values, stamp, i, now, dt, tables);
  for (int k = 0; k < s.count; ++k) values[i * s.count + k] += amount;
}

// Host storage of one side's traces: `count` doubles per neuron plus one stamp per neuron,
// and the decay table of the step `dt` given to init (a call with another dt calls exp).
struct TraceArray {
  TraceSpec spec;
  std::vector<double> values;
  std::vector<uint32_t> stamp;
  double table_dt = 0.0;
  std::vector<double> tables;  // kDecayTable factors per trace

  void init(const TraceSpec& s, uint32_t n, double dt) {
    spec = s;
    values.assign(static_cast<size_t>(n) * s.count, 0.0);
    stamp.assign(n, 0);
    table_dt = dt;
    tables.resize(static_cast<size_t>(s.count) * kDecayTable);
    for (int k = 0; k < s.count; ++k)
      for (uint32_t steps = 0; steps < kDecayTable; ++steps)
        tables[k * kDecayTable + steps] = trace_decay(1.0, steps, dt, s.tau[k]);
  }
  const double* table(double dt) const { return dt == table_dt && !tables.empty() ? tables.data() : nullptr; }
  void read(uint32_t i, uint32_t now, double dt, double* out) const {
    trace_read(spec, values.data(), stamp.data(), i, now, dt, out, table(dt));
  }
  void advance(uint32_t i, uint32_t now, double dt) {
    trace_advance(spec, values.data(), stamp.data(), i, now, dt, table(dt));
  }
  void bump(uint32_t i, uint32_t now, double dt) { trace_bump(spec, values.data(), stamp.data(), i, now, dt, table(dt)); }
  void add(uint32_t i, uint32_t now, double dt, double amount) {
    trace_add(spec, values.data(), stamp.data(), i, now, dt, amount, table(dt));
  }
  uint64_t bytes() const { return values.size() * 8 + stamp.size() * 4 + tables.size() * 8; }
};

}  // namespace spikesim
