#pragma once
// Named reproductions (`spikesim protocol NAME`): an editable JSON file in protocols/
// describes spike patterns imposed on pre/post pairs of spike_generator neurons (one pair
// per point, all points in one network per variant), the plasticity rule of each variant,
// and the published or analytic values to compare with. Running it writes the network's
// HDF5 output per variant, a CSV of the curve and an SVG plot of it beside the reference.
#include <limits>
#include <string>
#include <vector>

#include "core/json_access.hpp"
#include "protocols/simulate.hpp"
#include "protocols/protocol_header.hpp"

namespace spikesim {

struct ProtocolPoint {
  std::string label;
  double frequency = 1.0;                           // repetitions per second (Hz)
  double dt_s = std::numeric_limits<double>::quiet_NaN();  // for pairings: t_post - t_arrival
  std::vector<double> pre, post;                    // offsets within one repetition (ms, at the synapse)
  double expected = std::numeric_limits<double>::quiet_NaN();
};

struct ProtocolVariant {
  std::string label, reference;  // reference: "analytic", "expected" or "none"
  json plasticity;
  double rel_tol = 0.0, abs_tol = 0.0;
};

struct Protocol : ProtocolHeader {
  json raw;
  double dt = 0.1, delay = 1.0, initial_weight = 0.0, unit_weight = 1.0;
  uint64_t seed = 1;
  int pairings = 60;
  std::string report = "dw";  // "dw" (weight units) or "percent" (of unit_weight)
  std::string x = "dt_s";     // plot abscissa: "dt_s", "frequency" or "label"
  std::string title, x_label, y_label;
  std::vector<ProtocolPoint> points;
  std::vector<ProtocolVariant> variants;
};

struct ProtocolRow {
  size_t variant, point;
  double simulated, reference;  // reference NaN when none
};

struct ProtocolResult {
  std::vector<ProtocolRow> rows;
  std::vector<double> max_abs, max_rel;  // per variant, over points with a reference
  std::vector<int> pass;                 // per variant: 1, 0, or -1 (no reference)
  std::vector<std::string> files;
};

std::vector<std::string> protocol_dirs();  // where NAME.json is looked for
std::string find_protocol(const std::string& name_or_path);
// A protocol file as JSON; `sets` are "key=value" overrides (key: a dotted or /-separated path).
json read_protocol_json(const std::string& path, const std::vector<std::string>& sets = {});
// Its "kind": "pairing" (default; this header) or "global_factor" (protocols/global_factor.hpp).
std::string protocol_kind(const json& j);
// An optional "run": {"dt", "seed"}.
void read_protocol_run(JObj& o, double& dt, uint64_t& seed);
// An optional "seeds": how many seeds a protocol runs, from `min` to 1000 (`why`: appended to
// the error's expectation).
int read_protocol_seeds(JObj& o, int def, int min, const std::string& why = "");
// A population of a protocol's network by name, or an error at `where` (in the protocol file).
struct Network;
int population_index(const Network& net, const std::string& name, const std::string& where);
// Builds a network a protocol generated from its file. An error whose JSON pointer starts
// with `inner` is reported at `outer` + the rest (a place in the protocol file); any other
// as an error of the generated network.
Network build_protocol_network(const json& net, const std::string& file, const std::string& inner, const std::string& outer);
// A protocol's network: its "run"/"seed" (1 if absent), and a copy set up for one run (output
// into `dir`, overwriting; run.seed = seed).
uint64_t network_seed(const json& net);
json network_for_run(const json& net, const std::string& dir, uint64_t seed);
// The projection named `name` in a network file's JSON, or an error at `where` (a place in
// the protocol file).
json& projection_json(json& net, const std::string& name, const std::string& where);
// Least squares y = a + b x; false when x does not vary.
bool fit_line(const std::vector<double>& x, const std::vector<double>& y, double& a, double& b);
// A number for CSVs and labels: %g with `digits` significant digits.
std::string fmt_number(double v, int digits = 6);

// Reads a pairing protocol file.
Protocol load_protocol(const std::string& path, const std::vector<std::string>& sets = {});
// A protocol's or a fit's output folder: refused (exit 2) when it already holds files, unless
// `overwrite` (--overwrite), so that an earlier run's results are never mixed in silently.
void claim_output_dir(const std::string& dir, bool overwrite);

ProtocolResult run_protocol(const Protocol& p, const std::string& out_dir, bool quiet = true,
                             const RunOptions& engine = {});

}  // namespace spikesim
