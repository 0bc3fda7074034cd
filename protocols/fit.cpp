// `spikesim fit` (protocols/fit.hpp): pagmo's CMA-ES (or pso_gen) around the objective
// (protocols/fit_objective.hpp), a generation's candidates as one parallel batch, pruning
// with refits, restarts, and the outputs (docs/fit.md).
#include "protocols/fit.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <pagmo/algorithm.hpp>
#include <pagmo/algorithms/cmaes.hpp>
#include <pagmo/algorithms/pso_gen.hpp>
#include <pagmo/bfe.hpp>
#include <pagmo/population.hpp>
#include <pagmo/problem.hpp>

#include "core/rng.hpp"
#include "plasticity/taylor.hpp"
#include "protocols/fit_objective.hpp"
#include "protocols/svg_chart.hpp"

namespace spikesim {

namespace fs = std::filesystem;


namespace {

// The losses of a generation, computed together (FitObjective::losses: every candidate's runs in
// one parallel loop) before the algorithm asks for them one by one. pagmo 2.18's CMA-ES has
// no batch evaluator: it samples a generation's candidates, then evaluates them one after
// another. So each generation runs twice: first on copies of the algorithm and the
// population (the same random state, so the same candidates) whose problem only records what
// it is asked and answers 0; then those candidates' losses are computed in parallel, and the
// real generation finds each in `ready`, in the order asked. A candidate that is not there
// (an algorithm that samples as it evaluates) is evaluated on its own, so the search never
// depends on the batch: it is the same for any thread count, only faster.
struct Batch {
  bool recording = false;
  std::vector<std::vector<double>> asked;
  std::vector<double> ready;  // the losses of `asked`
  size_t next = 0;
  uint64_t batched = 0, alone = 0;  // evaluations answered from `ready`, and evaluated alone
};

// pagmo's user-defined problem: minimise FitObjective::loss over [-range, range]^n.
struct FitProblem {
  const FitObjective* obj = nullptr;
  double range = 3.0;
  Batch* batch = nullptr;  // shared by the copies pagmo makes
  std::vector<double> fitness(const std::vector<double>& phi) const {
    if (batch->recording) {
      batch->asked.push_back(phi);
      return {0.0};
    }
    if (batch->next < batch->asked.size() && batch->asked[batch->next] == phi) {
      ++batch->batched;
      return {batch->ready[batch->next++]};
    }
    ++batch->alone;
    return {obj->loss(phi)};
  }
  std::pair<std::vector<double>, std::vector<double>> get_bounds() const {
    std::vector<double> lo(obj->dims(), -range), hi(obj->dims(), range);
    for (size_t i = 0; i < obj->terms(); ++i) lo[i] = -range * obj->box(), hi[i] = range * obj->box();
    return {lo, hi};
  }
};

// Losses of `xs` into the batch, to be asked for in that order.
void prepare(Batch& batch, const FitObjective& obj, std::vector<std::vector<double>> xs) {
  batch.ready = obj.losses(xs);
  batch.asked = std::move(xs);
  batch.next = 0;
}

// One generation of `algo` on `pop`, its candidates evaluated as one batch.
void evolve_batched(pagmo::algorithm& algo, pagmo::population& pop, Batch& batch, const FitObjective& obj) {
  pagmo::algorithm dry_algo = algo;
  pagmo::population dry_pop = pop;
  batch.asked.clear();
  batch.recording = true;
  try {
    dry_algo.evolve(dry_pop);
  } catch (...) {
    batch.recording = false;
    throw;
  }
  batch.recording = false;
  prepare(batch, obj, std::move(batch.asked));
  pop = algo.evolve(pop);
}

// pagmo's user-defined batch evaluator, for pso_gen, which has a place for one.
struct ParallelLoss {
  const FitObjective* obj = nullptr;
  Batch* batch = nullptr;
  pagmo::vector_double operator()(const pagmo::problem& p, const pagmo::vector_double& dvs) const {
    const size_t n = p.get_nx(), k = dvs.size() / n;
    std::vector<std::vector<double>> xs;
    for (size_t i = 0; i < k; ++i) xs.emplace_back(dvs.begin() + i * n, dvs.begin() + (i + 1) * n);
    batch->batched += k;
    return obj->losses(xs);  // pso_gen counts the evaluations
  }
};

void write_outputs(const FitSpec& s, const FitObjective& obj, FitResult& r, const std::string& dir) {
  fs::create_directories(dir);
  auto path = [&](const std::string& f) {
    r.files.push_back((fs::path(dir) / f).string());
    return r.files.back();
  };
  json coeff = json::object(), phi = json::object();
  {
    std::ofstream c(path("fit_coefficients.csv"));
    c << "term,theta,phi,scale,fitted\n";
    for (int k = 0; k < Taylor::kTerms; ++k) {
      const auto it = std::find(s.terms.begin(), s.terms.end(), k);
      const bool fitted = it != s.terms.end();
      const size_t i = fitted ? static_cast<size_t>(it - s.terms.begin()) : 0;
      char line[160];
      std::snprintf(line, sizeof line, "%s,%.9g,%.9g,%.9g,%d\n", Taylor::term_name(k).c_str(), r.theta[k], fitted ? r.phi[i] : 0.0,
                    fitted ? r.scale[i] : 0.0, fitted ? 1 : 0);
      c << line;
      if (r.theta[k] != 0) coeff[Taylor::term_name(k)] = r.theta[k];
      if (fitted) phi[Taylor::term_name(k)] = r.phi[i];
    }
  }
  {
    std::ofstream h(path("fit_history.csv"));
    h << "generation,start,stage,evaluations,best_loss,generation_best_loss";
    for (int k : s.terms) h << ",phi_" << Taylor::term_name(k);
    if (obj.fits_temperature()) h << ",log10_T_over_T_ref";
    h << "\n";
    for (const FitGeneration& g : r.history) {
      h << g.generation << "," << g.start << "," << g.stage << "," << g.evaluations << "," << g.best << "," << g.generation_best;
      for (double p : g.phi) h << "," << p;
      h << "\n";
    }
  }
  json projs = json::array();
  for (int k : s.projections) projs.push_back(s.net.projections[k].name);
  json j = {{"fit", s.path}, {"method", s.method}, {"projections", projs}, {"coefficients", coeff}, {"phi", phi},
            {"loss", r.loss}, {"generations", r.history.empty() ? 0u : r.history.back().generation},
            {"evaluations", r.history.empty() ? 0ull : static_cast<unsigned long long>(r.history.back().evaluations)},
            {"reference", {{"x_hz", obj.x_}, {"y", obj.y_}, {"w", obj.w_}}}, {"seconds", r.seconds},
            {"evaluations_batched", r.batched}, {"evaluations_alone", r.alone},
            {"basis", s.whitened ? "whitened" : "monomials"}, {"restarts", s.restarts}, {"start_kept", r.start}};
  json r2 = json::array();
  for (size_t d = 0; d < s.data.size(); ++d) {
    const bool choices = s.data[d].kind == FitObservable::kChoices;
    const std::string key = choices ? "deviance_explained" : "r2";
    json e = {{"observable", choices ? "choices" : s.data[d].kind == FitObservable::kRates ? "rates" : "weights"}, {"file", s.data[d].file},
              {key + "_fit", d < r.r2_fit.size() ? json(r.r2_fit[d]) : json()},
              {key + "_held_out", d < r.r2_held_out.size() ? json(r.r2_held_out[d]) : json()}};
    if (choices) e["temperature"] = r.temperature, e["temperature_fitted"] = obj.fits_temperature(), e["T_ref"] = obj.t_ref_;
    r2.push_back(e);
  }
  j["r2"] = r2;
  std::ofstream(path("fit_coefficients.json")) << j.dump(2) << "\n";

  ChartPanel loss{"Loss (best so far)", "generation", "log10 loss", {}, {}, false};
  ChartPanel coeffs{"Normalised coefficients phi of the best so far (theta = phi * scale)", "generation", "phi", {}, {}, true};
  ChartSeries l{"loss", {}, {}, ChartSeries::kLine};
  for (const FitGeneration& g : r.history) l.x.push_back(g.generation), l.y.push_back(std::log10(std::max(g.best, 1e-300)));
  loss.series.push_back(l);
  for (size_t i = 0; i < s.terms.size(); ++i) {
    ChartSeries c{Taylor::term_name(s.terms[i]), {}, {}, ChartSeries::kLine};
    for (const FitGeneration& g : r.history) c.x.push_back(g.generation), c.y.push_back(g.phi[i]);
    coeffs.series.push_back(c);
  }
  if (obj.fits_temperature()) {
    ChartSeries c{"log10 T/T_ref", {}, {}, ChartSeries::kLine};
    for (const FitGeneration& g : r.history) c.x.push_back(g.generation), c.y.push_back(g.phi.back());
    coeffs.series.push_back(c);
  }
  write_chart(path("fit_history.svg"), "spikesim fit " + s.name + (s.method == "cmaes" ? ": CMA-ES (pagmo)" : ": generational PSO (pagmo's pso_gen)"), {loss, coeffs});
}

// One search of s.terms with its own FitObjective: pagmo's CMA-ES (or pso_gen) from s.start
// (or s.init), one generation per evolve call so each is logged. History entries are
// numbered from `first` and carry `stage`.
struct Stage {
  std::vector<double> phi;
  double loss = 0.0;
  std::vector<FitGeneration> history;
  uint64_t batched = 0, alone = 0;
};

Stage search(const FitSpec& s, const FitObjective& obj, unsigned first, unsigned stage, uint64_t evals_before, bool quiet) {
  Stage out;
  Batch batch;
  pagmo::problem prob{FitProblem{&obj, s.range, &batch}};
  pagmo::population pop{prob, 0u, s.seed};
  const CounterRng rng{s.seed, kStreamProtocol};
  std::vector<double> at(obj.dims());  // where the search starts, in phi, then in z
  for (size_t k = 0; k < at.size(); ++k) at[k] = k < s.start.size() ? s.start[k] : k < s.terms.size() ? s.init : 0.0;
  at = obj.z_of(at);
  const auto [lo, hi] = pop.get_problem().get_bounds();
  std::vector<std::vector<double>> first_pop;
  for (unsigned i = 0; i < s.population; ++i) {  // at init, spread by a thousandth of the range
    std::vector<double> x(obj.dims());
    for (size_t k = 0; k < x.size(); ++k)
      x[k] = std::clamp(at[k] + 1e-3 * s.range * (2 * rng.uniform(i, static_cast<uint32_t>(k + 1)) - 1), lo[k], hi[k]);
    first_pop.push_back(x);
  }
  const double sigma = s.sigma / obj.box();  // pagmo's steps are fractions of the box: s.sigma of [-range, range]'s width
  prepare(batch, obj, first_pop);
  for (const auto& x : first_pop) pop.push_back(x);
  const bool cmaes = s.method == "cmaes";
  pagmo::algorithm algo{pagmo::cmaes(1, -1, -1, -1, -1, sigma, 1e-12, 1e-12, true, true, s.seed)};
  if (!cmaes) {  // pso_gen: velocities up to sigma of the range's width; a ring of 4 neighbours
    pagmo::pso_gen pso(1, 0.7298, 2.05, 2.05, sigma, 5, 2, 4, true, s.seed);
    pso.set_bfe(pagmo::bfe{ParallelLoss{&obj, &batch}});
    algo = pagmo::algorithm{pso};
  }
  auto log = [&](unsigned g) {
    FitGeneration e;
    e.generation = first + g;
    e.stage = stage;
    e.evaluations = evals_before + pop.get_problem().get_fevals();
    e.best = pop.champion_f()[0];
    e.generation_best = std::numeric_limits<double>::max();
    for (const auto& f : pop.get_f()) e.generation_best = std::min(e.generation_best, f[0]);
    e.phi = obj.phi_of(pop.champion_x());
    out.history.push_back(e);
    if (!quiet && (g % 10 == 0 || g == s.generations))
      std::printf("  generation %u: %llu runs of %zu seeds, loss %.6g (this generation %.6g)\n", e.generation,
                  static_cast<unsigned long long>(e.evaluations), s.seeds.size(), e.best, e.generation_best);
    std::fflush(stdout);
  };
  if (!quiet && s.whitened) std::printf("  whitened basis of %zu terms: G's condition number %.3g\n", s.terms.size(), obj.condition_);
  log(0);
  for (unsigned g = 1; g <= s.generations; ++g) {
    const uint64_t before = pop.get_problem().get_fevals();
    if (cmaes) evolve_batched(algo, pop, batch, obj);
    else pop = algo.evolve(pop);
    if (pop.get_problem().get_fevals() == before) break;  // CMA-ES stopped (its tolerances)
    log(g);
  }
  out.phi = obj.phi_of(pop.champion_x());
  out.loss = pop.champion_f()[0];
  out.batched = batch.batched, out.alone = batch.alone;
  return out;
}

// phi of a stage's terms (and a fitted temperature, last) laid out over `all` terms: pruned ones 0.
std::vector<double> widen(const std::vector<double>& phi, const std::vector<int>& terms, const std::vector<int>& all) {
  std::vector<double> out(all.size() + (phi.size() - terms.size()), 0.0);
  for (size_t i = 0; i < terms.size(); ++i) out[std::find(all.begin(), all.end(), terms[i]) - all.begin()] = phi[i];
  if (phi.size() > terms.size()) out.back() = phi.back();
  return out;
}

}  // namespace

FitResult run_fit(const FitSpec& s, const std::string& out_dir, bool quiet) {
  const auto t0 = std::chrono::steady_clock::now();
  std::deque<FitSpec> specs;  // one per stage; each FitObjective keeps a reference to its spec
  FitResult r;
  // The best start so far: its last stage's FitObjective (and so spec) and result.
  std::unique_ptr<FitObjective> best_obj;
  Stage best;
  for (unsigned start = 0; start < s.restarts; ++start) {
    specs.push_back(s);
    specs.back().seed = s.seed + start;
    if (!quiet && s.restarts > 1) std::printf("  start %u of %u (optimizer seed %u)\n", start + 1, s.restarts, specs.back().seed);
    auto obj = std::make_unique<FitObjective>(specs.back());
    if (start == 0) r.scale = obj->scale();  // the same for every stage: one reference run
    auto next_generation = [&] { return r.history.empty() ? 0u : r.history.back().generation + 1; };
    auto evaluations = [&] { return r.history.empty() ? uint64_t{0} : r.history.back().evaluations; };
    auto take = [&](const Stage& x) {
      for (FitGeneration g : x.history) {
        g.phi = widen(g.phi, specs.back().terms, s.terms);
        g.start = start;
        r.history.push_back(std::move(g));
      }
      r.batched += x.batched, r.alone += x.alone;
    };
    Stage st = search(specs.back(), *obj, next_generation(), 0, evaluations(), quiet);
    take(st);
    for (unsigned round = 1; s.prune.threshold > 0 && round <= s.prune.rounds; ++round) {
      const FitSpec& cur = specs.back();
      double top = 0.0;
      for (size_t i = 0; i < cur.terms.size(); ++i) top = std::max(top, std::fabs(st.phi[i]));
      FitSpec next = cur;
      next.terms.clear(), next.start.clear();
      for (size_t i = 0; i < cur.terms.size(); ++i) {
        if (std::fabs(st.phi[i]) >= s.prune.threshold * top) next.terms.push_back(cur.terms[i]), next.start.push_back(st.phi[i]);
        else next.zeroed.push_back(cur.terms[i]);
      }
      if (round > 1 && next.terms.size() == cur.terms.size()) break;  // nothing dropped: the last refit stands
      if (next.terms.empty()) break;
      if (obj->fits_temperature()) next.start.push_back(st.phi.back());
      next.l1 = s.prune.l1, next.generations = s.prune.generations, next.sigma = s.prune.sigma;
      if (!quiet) {
        std::printf("  refit %u: %zu terms kept (|phi| >= %g of the largest, %g):", round, next.terms.size(), s.prune.threshold, top);
        for (int k : next.terms) std::printf(" %s", Taylor::term_name(k).c_str());
        std::printf(", L1 %g\n", next.l1);
      }
      specs.push_back(std::move(next));
      obj = std::make_unique<FitObjective>(specs.back());
      st = search(specs.back(), *obj, next_generation(), round, evaluations(), quiet);
      take(st);
    }
    if (!quiet && s.restarts > 1) std::printf("  start %u: loss %.6g\n", start + 1, st.loss);
    if (!best_obj || st.loss < best.loss) best_obj = std::move(obj), best = std::move(st), r.start = start;
    if (best.loss <= 0) break;  // no loss is lower: the recordings reproduced exactly (common random numbers)
  }
  FitObjective* const obj = best_obj.get();
  const Stage& st = best;
  r.phi = widen(st.phi, obj->spec().terms, s.terms);
  r.loss = st.loss;
  obj->theta_of(st.phi, r.theta);
  r.temperature = obj->temperature(st.phi);
  std::ofstream table;
  if (obj->choices() >= 0) {  // fit_choices.csv: the recorded trials and the fitted model's odds
    fs::create_directories(out_dir);
    r.files.push_back((fs::path(out_dir) / "fit_choices.csv").string());
    table.open(r.files.back());
    table << "session,held_out,trial,category,choice,reward";
    for (const auto& a : s.net.task.actions) table << ",p_" << a;
    table << '\n';
  }
  r.r2_fit = obj->scores(st.phi, false, table.is_open() ? &table : nullptr);
  r.r2_held_out = obj->scores(st.phi, true, table.is_open() ? &table : nullptr);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  write_outputs(s, *obj, r, out_dir);
  return r;
}

}  // namespace spikesim
