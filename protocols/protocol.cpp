#include "protocols/kinds.hpp"
#include "protocols/protocol.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "build_info.hpp"
#include "io/edges_file.hpp"
#include "plasticity/network.hpp"
#include "protocols/simulate.hpp"
#include "plasticity/plasticity.hpp"
#include "plasticity/stdp.hpp"
#include "protocols/pair_reference.hpp"
#include "protocols/svg_plot.hpp"

namespace spikesim {

namespace fs = std::filesystem;

std::vector<std::string> protocol_dirs() {
  std::vector<std::string> dirs;
  if (const char* env = std::getenv("SPIKESIM_PROTOCOLS")) dirs.push_back(env);
  dirs.push_back("protocols");
  dirs.push_back(SPIKESIM_SOURCE_DIR "/protocols");
  return dirs;
}

std::string find_protocol(const std::string& name) {
  if (name.find('/') != std::string::npos || (name.size() > 5 && name.substr(name.size() - 5) == ".json")) {
    if (!fs::is_regular_file(name)) throw SpecError("", "no protocol file " + name);
    return name;
  }
  std::string tried;
  for (const auto& d : protocol_dirs()) {
    const fs::path p = fs::path(d) / (name + ".json");
    if (fs::is_regular_file(p)) return p.string();
    tried += (tried.empty() ? "" : ", ") + p.string();
  }
  throw SpecError("", "unknown protocol \"" + name + "\" (looked for " + tried + "); `spikesim protocol --list` names them");
}

namespace {

// "a.b.0.c=value": value is JSON if it parses, else a string.
void apply_set(json& j, const std::string& set) {
  const auto eq = set.find('=');
  if (eq == std::string::npos || eq == 0) throw SpecError("", "--set expects key=value, found \"" + set + "\"");
  std::string key = set.substr(0, eq), text = set.substr(eq + 1);
  std::replace(key.begin(), key.end(), '.', '/');
  if (key[0] != '/') key = "/" + key;
  json value;
  try {
    value = json::parse(text);
  } catch (...) {
    value = text;
  }
  json::json_pointer ptr;
  try {
    ptr = json::json_pointer(key);
  } catch (...) {
    throw SpecError("", "--set: bad key \"" + set.substr(0, eq) + "\"");
  }
  if (!ptr.empty() && !j.contains(ptr.parent_pointer()))
    throw SpecError(key, "--set " + set + ": no such place in the protocol file, expected an existing object or array");
  j[ptr] = value;
}

std::vector<double> number_list(const json& j, const std::string& ptr) {
  if (j.is_number()) return {j.get<double>()};
  if (j.is_object()) {  // {"from", "to", "step"}
    JObj o(j, ptr);
    const double from = o.number("from", "a number"), to = o.number("to", "a number"), step = o.number("step", "a step > 0");
    if (!(step > 0) || to < from) fail(ptr, j, "a range with from <= to and step > 0");
    o.finish("from, to, step");
    std::vector<double> v;
    for (int64_t k = 0; from + k * step <= to + 1e-9 * step; ++k) v.push_back(from + k * step);
    return v;
  }
  if (!j.is_array() || j.empty()) fail(ptr, j, "a number, an array of numbers or {\"from\", \"to\", \"step\"}");
  std::vector<double> v;
  for (size_t i = 0; i < j.size(); ++i) v.push_back(as_number(j[i], ptr + "/" + std::to_string(i), "a number"));
  return v;
}


ProtocolPoint pairing(double f, double dt_s) {
  ProtocolPoint pt;
  pt.frequency = f;
  pt.dt_s = dt_s;
  pt.pre = {0.0};
  pt.post = {dt_s};
  pt.label = fmt_number(f) + " Hz, dt_s " + fmt_number(dt_s) + " ms";
  return pt;
}

void parse_points(JObj& o, Protocol& p, double frequency) {
  if (const json* sw = o.get("sweep")) {
    JObj s(*sw, o.at("sweep"));
    const std::vector<double> fs_ = s.has("frequency") ? number_list(*s.get("frequency"), s.at("frequency")) : std::vector<double>{frequency};
    const std::vector<double> ds = number_list(s.need("dt_s", "dt_s values"), s.at("dt_s"));
    s.finish("dt_s, frequency");
    for (double f : fs_)
      for (double d : ds) p.points.push_back(pairing(f, d));
  }
  if (const json* pts = o.get("points")) {
    if (!pts->is_array()) fail(o.at("points"), *pts, "an array of points");
    for (size_t i = 0; i < pts->size(); ++i) {
      JObj q((*pts)[i], o.at("points") + "/" + std::to_string(i));
      const double f = q.number_or("frequency", frequency, "a frequency in Hz > 0");
      ProtocolPoint pt;
      if (q.has("dt_s")) {
        pt = pairing(f, q.number("dt_s", "a timing in ms"));
      } else {
        pt.frequency = f;
        pt.pre = q.numbers("pre", "presynaptic arrival offsets in ms (or \"dt_s\")");
        pt.post = q.numbers("post", "postsynaptic spike offsets in ms");
      }
      pt.label = q.string_or("label", pt.label);
      pt.expected = q.number_or("expected", pt.expected, "the published value");
      q.finish("label, frequency, dt_s, pre, post, expected");
      p.points.push_back(pt);
    }
  }
  if (p.points.empty()) fail_msg(o.ptr(), "no points, expected \"sweep\" or \"points\"");
  for (size_t i = 0; i < p.points.size(); ++i)
    if (!(p.points[i].frequency > 0)) fail_msg(o.at("points"), "point " + std::to_string(i) + ": frequency must be > 0 Hz");
}

}  // namespace

std::string fmt_number(double v, int digits) {
  std::ostringstream s;
  s << std::setprecision(digits) << v;
  return s.str();
}

JObj open_protocol(const json& raw, const std::string& path, const std::string& kind, ProtocolHeader& h) {
  if (protocol_kind(raw) != kind) fail("/kind", raw["kind"], "\"" + kind + "\" here (other kinds have their own runner)");
  h.file = path;
  JObj o(raw, "");
  o.string_or("kind", kind);
  h.name = o.string("name", "the protocol's name");
  h.summary = o.string_or("summary", "");
  return o;
}

void read_protocol_run(JObj& o, double& dt, uint64_t& seed) {
  if (const json* r = o.get("run")) {
    JObj ro(*r, "/run");
    dt = ro.number_or("dt", dt, "a time step in ms");
    seed = static_cast<uint64_t>(ro.integer_or("seed", static_cast<int64_t>(seed), "a seed"));
    ro.finish("dt, seed");
  }
}

int read_protocol_seeds(JObj& o, int def, int min, const std::string& why) {
  const std::string expected = "a number of seeds from " + std::to_string(min) + " to 1000" + why;
  const int64_t n = o.integer_or("seeds", def, expected);
  if (n < min || n > 1000) o.reject("seeds", expected);
  return static_cast<int>(n);
}

int population_index(const Network& net, const std::string& name, const std::string& where) {
  const int i = net.spec.find_population(name);
  if (i < 0) fail(where, name, "a population of the network");
  return i;
}

Network build_protocol_network(const json& net, const std::string& file, const std::string& inner, const std::string& outer) {
  try {
    return build_network(parse_network(net, file, Overrides{}));
  } catch (const SpecError& e) {
    if (e.pointer.rfind(inner, 0) == 0 && !(inner.empty() && e.pointer.empty()))
      throw SpecError(outer + e.pointer.substr(inner.size()), e.what());
    throw SpecError("", std::string("protocol network: ") + (e.pointer.empty() ? "" : e.pointer + ": ") + e.what());
  }
}

namespace {

json read_json_file(const std::string& path, const std::string& what) {
  std::ifstream in(path);
  if (!in) throw SpecError("", "cannot open " + what + " " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return read_json_text(ss.str());
}

}  // namespace

json read_protocol_json(const std::string& path, const std::vector<std::string>& sets) {
  json j = read_json_file(path, "protocol file");
  // "network": "FILE.json" names a network file (relative to the protocol file) instead of
  // holding it; it is read before --set, so network.* keys reach it; its "output" is dropped.
  if (j.is_object() && j.contains("network") && j["network"].is_string()) {
    const std::string nf = (fs::path(path).parent_path() / j["network"].get<std::string>()).string();
    if (!fs::is_regular_file(nf))
      throw SpecError("/network", "found \"" + j["network"].get<std::string>() + "\", expected a network file (no file " + nf + ")");
    try {
      j["network"] = read_json_file(nf, "network file");
    } catch (const SpecError& e) {
      throw SpecError("/network", nf + ": " + e.what());
    }
    if (j["network"].is_object()) j["network"].erase("output");
  }
  for (const auto& s : sets) apply_set(j, s);
  return j;
}

uint64_t network_seed(const json& net) {
  if (net.contains("run") && net["run"].is_object() && net["run"].value("seed", json()).is_number_unsigned())
    return net["run"]["seed"].get<uint64_t>();
  return 1;
}

json network_for_run(const json& net, const std::string& dir, uint64_t seed) {
  json nj = net;
  nj["output"] = {{"dir", dir}, {"overwrite", true}};
  if (!nj.contains("run") || !nj["run"].is_object()) nj["run"] = json::object();
  nj["run"]["seed"] = seed;
  return nj;
}

json& projection_json(json& net, const std::string& name, const std::string& where) {
  if (net.contains("projections") && net["projections"].is_array())
    for (auto& pj : net["projections"])
      if (pj.is_object() && pj.value("name", "") == name) return pj;
  fail(where, name, "the name of a projection of the network");
}

bool fit_line(const std::vector<double>& x, const std::vector<double>& y, double& a, double& b) {
  const double n = static_cast<double>(x.size());
  double mx = 0, my = 0, sxx = 0, sxy = 0;
  for (size_t k = 0; k < x.size(); ++k) mx += x[k] / n, my += y[k] / n;
  for (size_t k = 0; k < x.size(); ++k) sxx += (x[k] - mx) * (x[k] - mx), sxy += (x[k] - mx) * (y[k] - my);
  if (!(sxx > 0)) return false;
  b = sxy / sxx;
  a = my - b * mx;
  return true;
}

std::string protocol_kind(const json& j) {
  const std::vector<std::string> kKinds = protocol_kind_names();
  std::string kinds;
  for (const std::string& k : kKinds) kinds += (kinds.empty() ? "" : ", ") + ("\"" + k + "\"");
  if (!j.is_object()) fail("", j, "a protocol object");
  if (!j.contains("kind")) return "pairing";
  if (j["kind"].is_string())
    for (const std::string& k : kKinds)
      if (j["kind"] == k) return k;
  fail("/kind", j["kind"], "one of " + kinds + " (default \"pairing\")");
}

Protocol load_protocol(const std::string& path, const std::vector<std::string>& sets) {
  Protocol p;
  p.raw = read_protocol_json(path, sets);
  JObj o = open_protocol(p.raw, path, "pairing", p);
  read_protocol_run(o, p.dt, p.seed);
  p.delay = o.number_or("delay", p.delay, "a delay in ms");
  p.pairings = static_cast<int>(o.integer_or("pairings", p.pairings, "a number of repetitions"));
  if (p.pairings < 1) fail("/pairings", p.raw["pairings"], "at least one repetition");
  const double frequency = o.number_or("frequency", 1.0, "a frequency in Hz");
  p.initial_weight = o.number_or("initial_weight", p.initial_weight, "a weight");
  p.unit_weight = o.number_or("unit_weight", p.unit_weight, "a weight > 0");
  p.report = o.string_or("report", p.report);
  p.title = p.name;
  p.x_label = "dt_s (ms)";
  p.y_label = p.report == "dw" ? "dw" : "dw (%)";
  if (p.report != "dw" && p.report != "percent") fail("/report", p.raw["report"], "\"dw\" or \"percent\"");
  if (const json* pl = o.get("plot")) {
    JObj po(*pl, "/plot");
    p.x = po.string_or("x", p.x);
    if (p.x != "dt_s" && p.x != "frequency" && p.x != "label") fail("/plot/x", (*pl)["x"], "\"dt_s\", \"frequency\" or \"label\"");
    p.title = po.string_or("title", p.title);
    p.x_label = po.string_or("x_label", p.x_label);
    p.y_label = po.string_or("y_label", p.y_label);
    po.finish("x, title, x_label, y_label");
  }
  parse_points(o, p, frequency);
  const json& vs = o.need("variants", "an array of variants");
  if (!vs.is_array() || vs.empty()) fail("/variants", vs, "a non-empty array of variants");
  for (size_t i = 0; i < vs.size(); ++i) {
    JObj v(vs[i], "/variants/" + std::to_string(i));
    ProtocolVariant var;
    var.label = v.string("label", "a label");
    var.plasticity = v.need("plasticity", "a projection's \"plasticity\" object");
    var.reference = v.string_or("reference", "none");
    if (var.reference != "analytic" && var.reference != "expected" && var.reference != "none")
      v.reject("reference", "\"analytic\", \"expected\" or \"none\"");
    if (const json* t = v.get("tolerance")) {
      JObj to(*t, v.at("tolerance"));
      var.rel_tol = to.number_or("relative", 0.0, "a relative tolerance");
      var.abs_tol = to.number_or("absolute", 0.0, "an absolute tolerance (report units)");
      to.finish("relative, absolute");
    }
    v.finish("label, plasticity, reference, tolerance");
    p.variants.push_back(var);
  }
  o.finish("name, kind, summary, run, delay, pairings, frequency, initial_weight, unit_weight, report, plot, sweep, points, variants");
  return p;
}

namespace {

// Spike times (ms) of point `pt`: arrival times of the presynaptic spikes and postsynaptic times.
void point_times(const Protocol& p, const ProtocolPoint& pt, double t0, std::vector<double>& arrive, std::vector<double>& post) {
  const double period = 1000.0 / pt.frequency;
  for (int r = 0; r < p.pairings; ++r) {
    const double base = t0 + std::round(r * period / p.dt) * p.dt;
    for (double x : pt.pre) arrive.push_back(base + x);
    for (double x : pt.post) post.push_back(base + x);
  }
  std::sort(arrive.begin(), arrive.end());
  std::sort(post.begin(), post.end());
}

// The network of one variant: pre and post spike_generator populations, pair i = point i.
json variant_network(const Protocol& p, const ProtocolVariant& v, const std::string& dir,
                     std::vector<std::vector<double>>& arrive, std::vector<std::vector<double>>& post) {
  double earliest = 0.0;
  for (const auto& pt : p.points)
    for (double x : pt.pre) earliest = std::min(earliest, x - p.delay);
  for (const auto& pt : p.points)
    for (double x : pt.post) earliest = std::min(earliest, x);
  const double t0 = std::ceil((10.0 - earliest) / p.dt) * p.dt;
  json pre_times = json::array(), post_times = json::array();
  double tend = 0.0;
  arrive.assign(p.points.size(), {});
  post.assign(p.points.size(), {});
  for (size_t i = 0; i < p.points.size(); ++i) {
    point_times(p, p.points[i], t0, arrive[i], post[i]);
    json a = json::array(), b = json::array();
    for (double t : arrive[i]) a.push_back(t - p.delay);
    for (double t : post[i]) b.push_back(t);
    pre_times.push_back(a);
    post_times.push_back(b);
    tend = std::max({tend, arrive[i].back(), post[i].back()});
  }
  return {{"description", "protocol " + p.name + ": " + v.label},
          {"run", {{"tstop", tend + 2 * p.dt}, {"dt", p.dt}, {"seed", p.seed}}},
          {"output", {{"dir", dir}, {"overwrite", true}}},
          {"populations",
           {{"pre", {{"model", "spike_generator"}, {"params", {{"spike_times", pre_times}}}}},
            {"post", {{"model", "spike_generator"}, {"params", {{"spike_times", post_times}}}}}}},
          {"projections",
           json::array({{{"name", "pairs"}, {"source", "pre"}, {"target", "post"},
                         {"connectivity", {{"rule", "one_to_one"}}}, {"weight", p.initial_weight},
                         {"delay", p.delay}, {"plasticity", v.plasticity}}})},
          {"monitors", json::array({{{"type", "spikes"}}})}};
}

// The analytic reference of a pair-STDP variant, from its parsed rule (additive, unbounded).
PairStdpParams analytic_params(const Plasticity& rule, size_t index) {
  const std::string ptr = "/variants/" + std::to_string(index) + "/plasticity";
  const auto* stdp = dynamic_cast<const PlasticityOf<Stdp>*>(&rule);
  if (!stdp) fail_msg(ptr, "\"reference\": \"analytic\" needs rule stdp");
  if (stdp->params.mu != 0.0 || std::isfinite(rule.bounds.w_min) || std::isfinite(rule.bounds.w_max))
    fail_msg(ptr, "\"reference\": \"analytic\" needs additive STDP without bounds (mu 0, w_min and w_max null)");
  return {stdp->params.A_plus, stdp->params.A_minus, rule.pre.spec.tau[0], rule.post.spec.tau[0], rule.pre.spec.nearest};
}

std::string slug(const std::string& s) {
  std::string out;
  for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_';
  return out;
}

}  // namespace

void claim_output_dir(const std::string& dir, bool overwrite) {
  std::error_code ec;
  if (overwrite || !fs::is_directory(dir, ec)) return;
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir, ec)) names.push_back(e.path().filename().string());
  if (names.empty()) return;
  std::sort(names.begin(), names.end());
  std::string list;
  for (size_t i = 0; i < names.size() && i < 3; ++i) list += (i ? ", " : "") + names[i];
  if (names.size() > 3) list += ", ...";
  throw SpecError("", "the output folder " + dir + " holds files of an earlier run (" + list +
                          "); pass --overwrite to write over them, or -o another folder");
}

ProtocolResult run_protocol(const Protocol& p, const std::string& out_dir, bool quiet, const RunOptions& engine) {
  fs::create_directories(out_dir);
  ProtocolResult res;
  const double scale = p.report == "percent" ? 100.0 / p.unit_weight : 1.0;
  for (size_t vi = 0; vi < p.variants.size(); ++vi) {
    const ProtocolVariant& v = p.variants[vi];
    const std::string dir = (fs::path(out_dir) / ("variant" + std::to_string(vi) + "_" + slug(v.label))).string();
    std::vector<std::vector<double>> arrive, post;
    const json net_json = variant_network(p, v, dir, arrive, post);
    // Errors in the variant's rule point into the protocol file.
    Network net = build_protocol_network(net_json, p.file, "/projections/0/plasticity",
                                         "/variants/" + std::to_string(vi) + "/plasticity");
    PairStdpParams ap{};  // checked before the run
    if (v.reference == "analytic") ap = analytic_params(*net.projs[0].plastic, vi);
    RunOptions opt = engine;
    opt.threads = 1;
    const RunResult run = simulate(net, opt);
    res.files.insert(res.files.end(), run.files.begin(), run.files.end());
    const std::vector<float>& w = net.projs[0].csr.weight;  // one_to_one: synapse i = pair i
    double max_abs = 0.0, max_rel = 0.0;
    bool ok = true;
    for (size_t i = 0; i < p.points.size(); ++i) {
      const double sim = (static_cast<double>(w[i]) - p.initial_weight) * scale;
      double ref = std::numeric_limits<double>::quiet_NaN();
      if (v.reference == "analytic") ref = pair_stdp_dw(arrive[i], post[i], ap) * scale;
      if (v.reference == "expected") ref = p.points[i].expected;
      res.rows.push_back({vi, i, sim, ref});
      if (std::isnan(ref)) continue;
      const double err = std::fabs(sim - ref), rel = ref != 0.0 ? err / std::fabs(ref) : (err == 0 ? 0.0 : INFINITY);
      max_abs = std::max(max_abs, err);
      max_rel = std::max(max_rel, rel);
      if (!(err <= v.abs_tol || rel <= v.rel_tol)) ok = false;
    }
    res.max_abs.push_back(max_abs);
    res.max_rel.push_back(max_rel);
    res.pass.push_back(v.reference == "none" ? -1 : (ok ? 1 : 0));
    if (!quiet) {
      std::printf("  %-52s ", v.label.c_str());
      if (v.reference == "none") std::printf("(no reference)\n");
      else std::printf("max |sim - ref| %.3g, max relative %.3g: %s (tolerance: relative %g or absolute %g)\n", max_abs, max_rel,
                       ok ? "PASS" : "FAIL", v.rel_tol, v.abs_tol);
    }
  }
  // CSV of the curve
  const std::string csv = (fs::path(out_dir) / (p.name + ".csv")).string();
  std::ofstream c(csv);
  c << "variant,label,frequency_hz,dt_s_ms,simulated,reference,unit\n";
  const char* unit = p.report == "dw" ? "weight" : "percent";
  for (const auto& r : res.rows) {
    const ProtocolPoint& pt = p.points[r.point];
    c << '"' << p.variants[r.variant].label << "\",\"" << pt.label << "\"," << fmt_number(pt.frequency) << ','
      << (std::isnan(pt.dt_s) ? "" : fmt_number(pt.dt_s)) << ',' << fmt_number(r.simulated, 10) << ','
      << (std::isnan(r.reference) ? "" : fmt_number(r.reference, 10)) << ',' << unit << '\n';
  }
  res.files.push_back(csv);
  const std::string svg = (fs::path(out_dir) / (p.name + ".svg")).string();
  write_protocol_plot(svg, p, res);
  res.files.push_back(svg);
  return res;
}

ProtocolOutcome run_pairing_kind(const ProtocolCall& c) {
  return run_kind(c, [&] { return load_protocol(c.path, c.sets); }, run_protocol,
                  [](const Protocol& p) {
        return ": " + std::to_string(p.points.size()) + " points x " + std::to_string(p.variants.size()) + " variants, " +
               std::to_string(p.pairings) + " repetitions each";
      });
}

}  // namespace spikesim
