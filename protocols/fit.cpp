// `spikesim fit` (protocols/fit.hpp): the objective (simulations against recordings) and
// pagmo's CMA-ES around it; outputs in docs/fit.md.
#include "protocols/fit.hpp"

#include <omp.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <Eigen/Dense>
#include <pagmo/algorithm.hpp>
#include <pagmo/algorithms/cmaes.hpp>
#include <pagmo/algorithms/pso_gen.hpp>
#include <pagmo/bfe.hpp>
#include <pagmo/population.hpp>
#include <pagmo/problem.hpp>

#include "core/rng.hpp"
#include "io/edges_file.hpp"
#include "io/recordings.hpp"
#include "plasticity/plasticity.hpp"
#include "plasticity/taylor.hpp"
#include "protocols/recorders.hpp"
#include "protocols/simulate.hpp"
#include "protocols/svg_chart.hpp"

namespace spikesim {

namespace fs = std::filesystem;

Whitening whitening(const std::vector<double>& gram, size_t n) {
  Eigen::MatrixXd g(n, n);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j) g(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = gram[i * n + j];
  const double eps = 1e-3 * g.trace() / static_cast<double>(n);
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(g + eps * Eigen::MatrixXd::Identity(n, n));
  const Eigen::VectorXd lam = es.eigenvalues().cwiseMax(eps);
  const double c = std::exp(lam.array().log().mean() / 2);  // det P = 1
  const Eigen::MatrixXd& v = es.eigenvectors();
  const Eigen::MatrixXd p = c * v * lam.cwiseSqrt().cwiseInverse().asDiagonal() * v.transpose();
  const Eigen::MatrixXd pi = v * lam.cwiseSqrt().asDiagonal() * v.transpose() / c;
  Whitening w;
  w.p.resize(n * n), w.p_inv.resize(n * n);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j) {
      w.p[i * n + j] = p(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
      w.p_inv[i * n + j] = pi(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
    }
  const Eigen::VectorXd raw = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(g, Eigen::EigenvaluesOnly).eigenvalues();
  w.condition = raw.maxCoeff() / std::max(raw.minCoeff(), 1e-300);
  return w;
}

namespace {

std::string with_seed(std::string file, uint64_t seed) {
  const std::string key = "{seed}";
  for (size_t at = file.find(key); at != std::string::npos; at = file.find(key)) file.replace(at, key.size(), std::to_string(seed));
  return file;
}

// What one run gives per observable, flattened: rates [neuron][bin] (Hz) of the compared
// neurons, weights [sample][synapse], or choices: the action populations' counts
// [replica][trial][action] (the recording: the choice per trial, -1 for none).
using Values = std::vector<std::vector<double>>;

// The model's seed for replica q of session `seed` (choices): its noise independent of the
// recording's (which came from `seed` itself), the same for every candidate.
uint64_t replica_seed(uint64_t seed, unsigned q) {
  uint64_t z = seed * 0x9E3779B97F4A7C15ull + q + 1;  // splitmix64's finaliser
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return (z ^ (z >> 31)) >> 33;
}

class Objective {
 public:
  explicit Objective(const FitSpec& s) : s_(s) {
    for (const FitObservable& d : s.data) {
      std::vector<uint32_t> neurons;
      if (d.kind == FitObservable::kRates) {
        const uint32_t n = s.net.populations[d.population].size;
        const auto k = std::max<uint32_t>(1, static_cast<uint32_t>(std::ceil(d.fraction * n)));
        neurons.resize(n);
        for (uint32_t i = 0; i < n; ++i) neurons[i] = i;
        const CounterRng rng{s.seed, kStreamProtocol};  // a partial Fisher-Yates shuffle: the first k
        for (uint32_t i = 0; i < k; ++i)
          std::swap(neurons[i], neurons[i + std::min<uint32_t>(n - i - 1, static_cast<uint32_t>(rng.uniform(i, 0) * (n - i)))]);
        neurons.resize(k);
        std::sort(neurons.begin(), neurons.end());
      }
      neurons_.push_back(std::move(neurons));
      if (d.kind == FitObservable::kChoices) choices_ = static_cast<int>(&d - s.data.data());
    }
    for (uint64_t seed : s.seeds) fit_.push_back(load(seed));
    for (uint64_t seed : s.held_out) held_.push_back(load(seed));
    reference_scales();
  }

  // The fitted terms, and a choices observable's temperature when it is fitted.
  size_t dims() const { return s_.terms.size() + (fits_temperature() ? 1 : 0); }
  int choices() const { return choices_; }
  bool fits_temperature() const { return choices_ >= 0 && s_.data[choices_].temperature == 0; }
  double temperature(const std::vector<double>& phi) const {
    if (choices_ < 0) return 0.0;
    return fits_temperature() ? t_ref_ * std::pow(10.0, phi.back()) : s_.data[choices_].temperature;
  }
  const std::vector<double>& scale() const { return scale_; }

  // The search runs in coordinates z with phi = P z over the terms (a fitted temperature,
  // last, as it is): P the identity, or with "basis": "whitened" the preconditioner of
  // whiten(). `bound`: the half-width of the search box in z, wide enough for every phi
  // within [-range, range].
  std::vector<double> phi_of(const std::vector<double>& z) const { return apply(p_, z); }
  std::vector<double> z_of(const std::vector<double>& phi) const { return apply(p_inv_, phi); }
  double bound() const { return bound_; }

  // theta of every term for normalised coefficients phi of the fitted ones.
  void theta_of(const std::vector<double>& phi, double* theta) const {
    for (int k = 0; k < Taylor::kTerms; ++k) theta[k] = base_theta()[k];
    for (int k : s_.zeroed) theta[k] = 0.0;
    for (size_t i = 0; i < s_.terms.size(); ++i) theta[s_.terms[i]] = phi[i] * scale_[i];
  }

  // The losses of candidates phi over the fitted runs, every candidate's runs in one parallel
  // loop: per observable the mean squared error over the recording's variance (rates,
  // weights) or the cross-entropy per choice (choices), weighted, plus l1 * sum |phi| over
  // the terms.
  // Candidates are given in search coordinates z (phi_of).
  std::vector<double> losses(const std::vector<std::vector<double>>& zs) const {
    std::vector<std::vector<double>> phis;
    for (const auto& z : zs) phis.push_back(phi_of(z));
    std::vector<Theta> thetas(phis.size());
    for (size_t c = 0; c < phis.size(); ++c) theta_of(phis[c], thetas[c].data());
    const std::vector<std::vector<Values>> all = simulate_all(thetas, s_.seeds);
    std::vector<double> out;
    for (size_t c = 0; c < phis.size(); ++c) out.push_back(loss_of(phis[c], all[c]));
    return out;
  }
  double loss(const std::vector<double>& z) const { return losses({z})[0]; }

  // Per observable over the given runs: R^2 (1 - SS_res / SS_tot, every run's values
  // pooled), or for choices the fraction of deviance explained, 1 - CE / CE_null, CE_null
  // that of the runs' overall choice frequencies.
  // With `table`: the choices observable's rows (session, trial, odds) appended to it.
  std::vector<double> scores(const std::vector<double>& phi, bool held_out, std::ofstream* table = nullptr) const {
    const auto& seeds = held_out ? s_.held_out : s_.seeds;
    const auto& data = held_out ? held_ : fit_;
    std::vector<double> out;
    if (seeds.empty()) return out;
    Theta theta;
    theta_of(phi, theta.data());
    const std::vector<Values> sims = simulate_all({theta}, seeds)[0];
    for (size_t d = 0; d < s_.data.size(); ++d) {
      if (s_.data[d].kind == FitObservable::kChoices) {
        out.push_back(1.0 - cross_entropy(sims, data, d, temperature(phi)) / null_cross_entropy(data, d));
        if (table) write_choices(*table, sims, seeds, held_out, d, temperature(phi));
        continue;
      }
      double mean = 0.0, n = 0.0, res = 0.0, tot = 0.0;
      for (const Values& v : data)
        for (double x : v[d]) mean += x, n += 1;
      mean /= n;
      for (size_t r = 0; r < sims.size(); ++r)
        for (size_t i = 0; i < data[r][d].size(); ++i) {
          res += (sims[r][d][i] - data[r][d][i]) * (sims[r][d][i] - data[r][d][i]);
          tot += (data[r][d][i] - mean) * (data[r][d][i] - mean);
        }
      out.push_back(tot > 0 ? 1.0 - res / tot : (res == 0 ? 1.0 : -INFINITY));
    }
    return out;
  }

  const double* base_theta() const {
    return static_cast<const PlasticityOf<Taylor>&>(*s_.net.projections[s_.projections[0]].plasticity).params.theta;
  }

 private:
  using Theta = std::array<double, Taylor::kTerms>;

  double loss_of(const std::vector<double>& phi, const std::vector<Values>& sims) const {
    double total = 0.0;
    for (size_t d = 0; d < s_.data.size(); ++d) {
      if (s_.data[d].weight == 0) continue;
      if (s_.data[d].kind == FitObservable::kChoices) {
        total += s_.data[d].weight * cross_entropy(sims, fit_, d, temperature(phi));
        continue;
      }
      double mse = 0.0;
      for (size_t r = 0; r < sims.size(); ++r) mse += normalised_error(sims[r][d], fit_[r][d]) / sims.size();
      total += s_.data[d].weight * mse;
    }
    for (size_t i = 0; i < s_.terms.size(); ++i) total += s_.l1 * std::fabs(phi[i]);
    return std::isfinite(total) ? total : std::numeric_limits<double>::max();
  }

  // P(each action) in trial k of one session's runs: softmax(c / T), c the action
  // populations' mean counts over the replicas (estimates of the expected counts).
  void choice_p(const std::vector<double>& sim, size_t d, size_t k, double T, std::vector<double>& p) const {
    const size_t A = s_.net.task.actions.size(), trials = s_.net.task.trials, reps = s_.data[d].replicas;
    p.assign(A, 0.0);
    for (size_t q = 0; q < reps; ++q)
      for (size_t i = 0; i < A; ++i) p[i] += sim[(q * trials + k) * A + i] / reps;
    const double top = *std::max_element(p.begin(), p.end());
    double sum = 0.0;
    for (double& x : p) sum += (x = std::exp((x - top) / T));
    for (double& x : p) x /= sum;
  }
  // Mean -log P(recorded choice) over the trials with a choice.
  double cross_entropy(const std::vector<Values>& sims, const std::vector<Values>& data, size_t d, double T) const {
    double ce = 0.0, n = 0.0;
    std::vector<double> p;
    for (size_t r = 0; r < sims.size(); ++r)
      for (size_t k = 0; k < s_.net.task.trials; ++k) {
        const int a = static_cast<int>(data[r][d][k]);
        if (a < 0) continue;
        choice_p(sims[r][d], d, k, T, p);
        ce -= std::log(std::max(p[a], 1e-300));
        n += 1;
      }
    return n > 0 ? ce / n : 0.0;
  }
  // fit_choices.csv's rows: per session and trial the recorded trial and the model's P.
  void write_choices(std::ofstream& o, const std::vector<Values>& sims, const std::vector<uint64_t>& seeds, bool held_out, size_t d,
                     double T) const {
    const TaskSpec& t = s_.net.task;
    std::vector<double> p;
    for (size_t r = 0; r < sims.size(); ++r) {
      const auto& replay = replay_.at(seeds[r]);
      for (size_t k = 0; k < t.trials; ++k) {
        choice_p(sims[r][d], d, k, T, p);
        const TaskSpec::Replayed& x = replay[k];
        o << seeds[r] << ',' << (held_out ? 1 : 0) << ',' << k << ',' << t.categories[x.category] << ','
          << (x.action < 0 ? "none" : t.actions[x.action]) << ',' << x.reward;
        for (double v : p) o << ',' << v;
        o << '\n';
      }
    }
  }
  double null_cross_entropy(const std::vector<Values>& data, size_t d) const {
    std::vector<double> f(s_.net.task.actions.size(), 0.0);
    double n = 0.0;
    for (const Values& v : data)
      for (double a : v[d])
        if (a >= 0) f[static_cast<size_t>(a)] += 1, n += 1;
    double ce = 0.0;
    for (double c : f)
      if (c > 0) ce -= c / n * std::log(c / n);
    return ce;
  }

  static double normalised_error(const std::vector<double>& sim, const std::vector<double>& data) {
    double mean = 0.0;
    for (double x : data) mean += x / data.size();
    double var = 0.0, err = 0.0;
    for (size_t i = 0; i < data.size(); ++i) {
      var += (data[i] - mean) * (data[i] - mean) / data.size();
      err += (sim[i] - data[i]) * (sim[i] - data[i]) / data.size();
    }
    return err / (var > 0 ? var : (mean != 0 ? mean * mean : 1.0));
  }

  // The recordings of run `seed`, as the runs give them (rates with the file's noise added;
  // a trials file also gives the trials the runs replay).
  Values load(uint64_t seed) {
    Values v;
    for (size_t d = 0; d < s_.data.size(); ++d) {
      const FitObservable& o = s_.data[d];
      const std::string file = with_seed(o.file, seed);
      if (!fs::is_regular_file(file)) throw SpecError(o.ptr + "/file", "found \"" + file + "\", expected a recording (no such file)");
      if (o.kind == FitObservable::kRates) {
        const SpikeRecording rec = read_spike_recording(file, s_.net.populations[o.population].name);
        const uint32_t bins = n_bins(o), n = s_.net.populations[o.population].size;
        std::vector<uint32_t> counts(static_cast<size_t>(n) * bins, 0);
        for (size_t k = 0; k < rec.times.size(); ++k) {
          const auto b = static_cast<uint64_t>(rec.times[k] / o.bin_ms);
          if (b < bins && rec.ids[k] < n) ++counts[rec.ids[k] * bins + b];
        }
        std::vector<double> rates = rates_of(counts, d, bins, o.bin_ms);
        const CounterRng rng{s_.seed ^ (seed << 20), kStreamProtocol | static_cast<uint32_t>(d + 1)};
        if (o.noise > 0)
          for (size_t i = 0; i < rates.size(); ++i) rates[i] += o.noise * rng.normal(static_cast<uint32_t>(i), 0);
        v.push_back(std::move(rates));
      } else if (o.kind == FitObservable::kChoices) {
        const TrialRecording rec = read_trial_recording(file);
        const TaskSpec& t = s_.net.task;
        auto names = [](const std::vector<std::string>& v) {
          std::string s;
          for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
          return "(" + s + ")";
        };
        if (rec.actions != t.actions || rec.categories != t.categories)
          throw SpecError(o.ptr + "/file", "found \"" + file + "\" with actions " + names(rec.actions) + " and categories " +
                                               names(rec.categories) + ", expected the network's task's: " + names(t.actions) + " and " +
                                               names(t.categories));
        if (rec.action.size() != t.trials)
          throw SpecError(o.ptr + "/file", "found \"" + file + "\" with " + std::to_string(rec.action.size()) +
                                               " trials, expected the task's " + std::to_string(t.trials));
        std::vector<TaskSpec::Replayed>& replay = replay_[seed];
        replay.clear();
        for (size_t k = 0; k < rec.action.size(); ++k) replay.push_back({rec.category[k], rec.action[k], rec.reward[k]});
        v.emplace_back(rec.action.begin(), rec.action.end());
      } else {
        const WeightMonitorSpec& m = s_.net.weights[o.monitor];
        const WeightRecording rec = read_weight_recording(file, s_.net.projections[m.projection].name);
        std::vector<double> w(rec.rows.begin(), rec.rows.end());
        v.push_back(std::move(w));
      }
    }
    return v;
  }

  uint32_t n_bins(const FitObservable& o) const { return static_cast<uint32_t>(std::floor(s_.net.run.tstop / o.bin_ms + 1e-9)); }

  std::vector<double> rates_of(const std::vector<uint32_t>& counts, size_t d, uint32_t bins, double bin_ms) const {
    std::vector<double> r;
    for (uint32_t i : neurons_[d])
      for (uint32_t b = 0; b < bins; ++b) r.push_back(counts[static_cast<size_t>(i) * bins + b] * 1000.0 / bin_ms);
    return r;
  }

  // One run of the network with `theta`: every observable, in the recordings' layout. With
  // choices: replica q of session `seed`, replaying its trials.
  Values simulate_one(const double* theta, uint64_t seed, unsigned q, std::vector<uint64_t>* totals = nullptr) const {
    NetworkSpec spec = s_.net;
    spec.run.seed = seed;
    if (choices_ >= 0) {
      spec.run.seed = replica_seed(seed, q);
      spec.task.replay = replay_.at(seed);
    }
    Network net = build_network(std::move(spec));
    for (int p : s_.projections) {
      auto& rule = static_cast<PlasticityOf<Taylor>&>(*net.projs[p].plastic);
      for (int k = 0; k < Taylor::kTerms; ++k) rule.params.theta[k] = theta[k];
    }
    MonitorList rec;
    for (const FitObservable& o : s_.data) {
      if (o.kind == FitObservable::kRates)
        rec.push_back(std::make_unique<BinCounter>(o.population, net.pops[o.population].size, o.bin_ms, n_bins(o)));
      else if (o.kind == FitObservable::kWeights)
        rec.push_back(std::make_unique<WeightRecorder>(net, net.spec.weights[o.monitor]));
    }
    RunOptions opt;
    opt.threads = 1;
    opt.file_monitors = false;
    const RunResult res = simulate(net, opt, rec);
    if (totals) *totals = res.spike_counts;
    Values v;
    size_t m = 0;  // the recorder of observable d
    for (size_t d = 0; d < s_.data.size(); ++d) {
      const FitObservable& o = s_.data[d];
      if (o.kind == FitObservable::kRates) {
        v.push_back(rates_of(static_cast<const BinCounter&>(*rec[m++]).counts, d, n_bins(o), o.bin_ms));
      } else if (o.kind == FitObservable::kWeights) {
        const auto& rows = static_cast<const WeightRecorder&>(*rec[m++]).rows;
        v.emplace_back(rows.begin(), rows.end());
      } else {
        std::vector<double> counts;
        for (const TrialRecord& t : res.trials) counts.insert(counts.end(), t.counts.begin(), t.counts.end());
        if (counts.size() != static_cast<size_t>(s_.net.task.trials) * s_.net.task.actions.size())
          throw RunError("fit: a replayed run ended before its last trial");
        v.push_back(std::move(counts));
      }
    }
    return v;
  }

  // Every candidate's run of every seed (and each replica of it), in one parallel loop (one
  // thread each; the runs do not depend on one another), so a batch of few candidates with
  // many seeds and one of many candidates with one seed both fill the cores. Per candidate
  // and seed, a seed's replicas concatenated per observable.
  std::vector<std::vector<Values>> simulate_all(const std::vector<Theta>& thetas, const std::vector<uint64_t>& seeds) const {
    const size_t reps = choices_ >= 0 ? s_.data[choices_].replicas : 1, per = seeds.size() * reps, jobs = thetas.size() * per;
    std::vector<Values> runs(jobs);
    std::vector<std::string> errors(jobs);
#pragma omp parallel for schedule(dynamic, 1)
    for (int64_t j = 0; j < static_cast<int64_t>(jobs); ++j) {
      const size_t r = static_cast<size_t>(j) % per;
      try {
        runs[j] = simulate_one(thetas[static_cast<size_t>(j) / per].data(), seeds[r / reps], static_cast<unsigned>(r % reps));
      } catch (const std::exception& e) {
        errors[j] = e.what();
      }
    }
    for (const auto& e : errors)
      if (!e.empty()) throw RunError("fit: a run failed: " + e);
    std::vector<std::vector<Values>> out(thetas.size(), std::vector<Values>(seeds.size()));
    for (size_t j = 0; j < jobs; ++j) {
      Values& v = out[j / per][j % per / reps];
      if (v.empty()) v = std::move(runs[j]);
      else
        for (size_t d = 0; d < v.size(); ++d) v[d].insert(v[d].end(), runs[j][d].begin(), runs[j][d].end());
    }
    return out;
  }

  // Normalisation of the search: theta_abc = phi_abc * scale_abc with scale_abc =
  // x y / (x^a y^b w^c) at the network's typical rates x, y (Hz) and weight w, so that each
  // term with phi = 1 changes a weight as fast as x1y1w0 = 1 does (docs/fit.md). x and y
  // from one run with every coefficient 0 (the initial weights) on the first fitted seed;
  // y = 1 for a reward term. For choices, the temperature's reference T_ref = sqrt(mean
  // spikes of the action populations per decision) of that run (docs/fit.md).
  void reference_scales() {
    std::vector<uint64_t> totals;
    const double zero[Taylor::kTerms] = {};
    const Values v0 = simulate_one(zero, s_.seeds[0], 0, &totals);
    if (choices_ >= 0) {
      double sum = 0.0;
      for (double c : v0[choices_]) sum += c;
      t_ref_ = std::sqrt(std::max(1.0, sum / s_.net.task.trials));
    }
    NetworkSpec spec = s_.net;
    spec.run.seed = s_.seeds[0];
    const Network net = build_network(std::move(spec));
    const double T = s_.net.run.tstop / 1000.0;
    double x = 0.0, y = 0.0, w = 0.0, n_syn = 0.0;
    for (int k : s_.projections) {  // means over the synapses: each weighted by its source's and target's rate
      const Projection& p = net.projs[k];
      const double nx = totals[p.source] / (T * net.pops[p.source].size), ny = totals[p.target] / (T * net.pops[p.target].size);
      for (float v : p.csr.weight) x += nx, y += ny, w += std::fabs(v), n_syn += 1;
    }
    x /= n_syn, y /= n_syn, w /= n_syn;
    if (static_cast<const PlasticityOf<Taylor>&>(*s_.net.projections[s_.projections[0]].plasticity).params.reward) y = 1.0;
    if (!(x > 0)) x = 1.0;
    if (!(y > 0)) y = 1.0;
    if (!(w > 0)) w = 1.0;
    x_ = x, y_ = y, w_ = w;
    for (int k : s_.terms) {
      const int a = k / 9, b = k / 3 % 3, c = k % 3;
      scale_.push_back(x * y / (std::pow(x, a) * std::pow(y, b) * std::pow(w, c)));
    }
    const size_t n = s_.terms.size();
    p_.assign(n * n, 0.0), p_inv_.assign(n * n, 0.0);
    for (size_t i = 0; i < n; ++i) p_[i * n + i] = p_inv_[i * n + i] = 1.0;
    if (s_.whitened) whiten();
    bound_ = 0.0;  // every phi in the box maps into [-bound, bound]^n
    for (size_t i = 0; i < n; ++i) {
      double row = 0.0;
      for (size_t j = 0; j < n; ++j) row += std::fabs(p_inv_[i * n + j]);
      bound_ = std::max(bound_, s_.range * row);
    }
  }

  // The preconditioner ("basis": "whitened", docs/fit.md): in a run with theta = 0, every
  // synapse of the fitted projections in every 100 ms bin gives the fitted terms' features
  // f_k = x^a y^b w^c scale_k / (x_ y_) (x, y the bin's rates of its source and target, w
  // its weight): the dw each term would make there with phi_k = 1, relative to x1y1w0's at
  // the reference rates. Their Gram matrix G = <f f^T> measures how alike the terms act;
  // positive rates make it nearly singular (powers of positive variables are collinear).
  // whitening() makes P from G: a unit step of z in any direction changes the dw pattern
  // about alike, which CMA-ES would otherwise learn in its covariance over many generations.
  void whiten() {
    NetworkSpec spec = s_.net;
    spec.run.seed = s_.seeds[0];
    Network net = build_network(std::move(spec));
    for (int p : s_.projections) {
      auto& rule = static_cast<PlasticityOf<Taylor>&>(*net.projs[p].plastic);
      for (double& t : rule.params.theta) t = 0.0;
    }
    const double bin = 100.0;
    const auto bins = static_cast<uint32_t>(std::floor(s_.net.run.tstop / bin + 1e-9));
    std::vector<int> pops;
    for (int k : s_.projections)
      for (int q : {net.projs[k].source, net.projs[k].target})
        if (std::find(pops.begin(), pops.end(), q) == pops.end()) pops.push_back(q);
    MonitorList rec;
    for (int q : pops) rec.push_back(std::make_unique<BinCounter>(q, net.pops[q].size, bin, bins));
    RunOptions opt;
    opt.threads = 1;
    opt.file_monitors = false;
    simulate(net, opt, rec);
    auto counts = [&](int q) -> const std::vector<uint32_t>& {
      return static_cast<const BinCounter&>(*rec[std::find(pops.begin(), pops.end(), q) - pops.begin()]).counts;
    };
    const size_t n = s_.terms.size();
    Eigen::MatrixXd g = Eigen::MatrixXd::Zero(n, n);
    Eigen::VectorXd f(n);
    double samples = 0.0;
    for (int k : s_.projections) {
      const Projection& pr = net.projs[k];
      const auto& cx = counts(pr.source);
      const auto& cy = counts(pr.target);
      for (uint32_t i = 0; i < pr.csr.rows(); ++i)
        for (uint64_t e = pr.csr.row_ptr[i]; e < pr.csr.row_ptr[i + 1]; ++e)
          for (uint32_t b = 0; b < bins; ++b) {
            const double x = cx[static_cast<size_t>(i) * bins + b] * 1000.0 / bin;
            const double y = cy[static_cast<size_t>(pr.csr.target[e]) * bins + b] * 1000.0 / bin;
            const double w = std::fabs(pr.csr.weight[e]);
            for (size_t t = 0; t < n; ++t) {
              const int term = s_.terms[t];
              f(static_cast<Eigen::Index>(t)) = std::pow(x, term / 9) * std::pow(y, term / 3 % 3) * std::pow(w, term % 3) * scale_[t] / (x_ * y_);
            }
            g.noalias() += f * f.transpose();
            samples += 1;
          }
    }
    if (!(samples > 0)) return;
    g /= samples;
    std::vector<double> gram(n * n);
    for (size_t i = 0; i < n; ++i)
      for (size_t j = 0; j < n; ++j) gram[i * n + j] = g(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
    const Whitening wh = whitening(gram, n);
    p_ = wh.p, p_inv_ = wh.p_inv, condition_ = wh.condition;
  }

  // m (terms x terms) times v's term part; the rest of v (a temperature) as it is.
  std::vector<double> apply(const std::vector<double>& m, const std::vector<double>& v) const {
    const size_t n = s_.terms.size();
    std::vector<double> out(v);
    for (size_t i = 0; i < n; ++i) {
      double sum = 0.0;
      for (size_t j = 0; j < n; ++j) sum += m[i * n + j] * v[j];
      out[i] = sum;
    }
    return out;
  }

 public:
  double x_ = 1.0, y_ = 1.0, w_ = 1.0, t_ref_ = 1.0;

 private:
  int choices_ = -1;  // the choices observable (alone, fit_spec.cpp)
  std::map<uint64_t, std::vector<TaskSpec::Replayed>> replay_;  // per session: its recorded trials
  const FitSpec& s_;
  std::vector<std::vector<uint32_t>> neurons_;  // per rates observable: the neurons compared
  std::vector<Values> fit_, held_;              // recordings per run
  std::vector<double> scale_;
  std::vector<double> p_, p_inv_;  // phi = P z over the terms, row-major, and P's inverse
  double bound_ = 3.0;

 public:
  double condition_ = 1.0;  // whitened: G's condition number (its largest over its smallest eigenvalue)
};

// The losses of a generation, computed together (Objective::losses: every candidate's runs in
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

// pagmo's user-defined problem: minimise Objective::loss over [-range, range]^n.
struct FitProblem {
  const Objective* obj = nullptr;
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
    for (size_t i = 0; i + (obj->fits_temperature() ? 1 : 0) < obj->dims(); ++i) lo[i] = -obj->bound(), hi[i] = obj->bound();
    return {lo, hi};
  }
};

// Losses of `xs` into the batch, to be asked for in that order.
void prepare(Batch& batch, const Objective& obj, std::vector<std::vector<double>> xs) {
  batch.ready = obj.losses(xs);
  batch.asked = std::move(xs);
  batch.next = 0;
}

// One generation of `algo` on `pop`, its candidates evaluated as one batch.
void evolve_batched(pagmo::algorithm& algo, pagmo::population& pop, Batch& batch, const Objective& obj) {
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
  const Objective* obj = nullptr;
  Batch* batch = nullptr;
  pagmo::vector_double operator()(const pagmo::problem& p, const pagmo::vector_double& dvs) const {
    const size_t n = p.get_nx(), k = dvs.size() / n;
    std::vector<std::vector<double>> xs;
    for (size_t i = 0; i < k; ++i) xs.emplace_back(dvs.begin() + i * n, dvs.begin() + (i + 1) * n);
    batch->batched += k;
    return obj->losses(xs);  // pso_gen counts the evaluations
  }
};

void write_outputs(const FitSpec& s, const Objective& obj, FitResult& r, const std::string& dir) {
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

// One search of s.terms with its own Objective: pagmo's CMA-ES (or pso_gen) from s.start
// (or s.init), one generation per evolve call so each is logged. History entries are
// numbered from `first` and carry `stage`.
struct Stage {
  std::vector<double> phi;
  double loss = 0.0;
  std::vector<FitGeneration> history;
  uint64_t batched = 0, alone = 0;
};

Stage search(const FitSpec& s, const Objective& obj, unsigned first, unsigned stage, uint64_t evals_before, bool quiet) {
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
  // pagmo's steps are fractions of the box: s.sigma of [-range, range]'s width
  const double sigma = obj.bound() == s.range ? s.sigma : s.sigma * s.range / obj.bound();
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
  std::deque<FitSpec> specs;  // one per stage; each Objective keeps a reference to its spec
  FitResult r;
  // The best start so far: its last stage's spec, Objective and result.
  const FitSpec* best_spec = nullptr;
  std::unique_ptr<Objective> best_obj;
  Stage best;
  for (unsigned start = 0; start < s.restarts; ++start) {
    specs.push_back(s);
    specs.back().seed = s.seed + start;
    if (!quiet && s.restarts > 1) std::printf("  start %u of %u (optimizer seed %u)\n", start + 1, s.restarts, specs.back().seed);
    auto obj = std::make_unique<Objective>(specs.back());
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
      obj = std::make_unique<Objective>(specs.back());
      st = search(specs.back(), *obj, next_generation(), round, evaluations(), quiet);
      take(st);
    }
    if (!quiet && s.restarts > 1) std::printf("  start %u: loss %.6g\n", start + 1, st.loss);
    if (!best_spec || st.loss < best.loss) best_spec = &specs.back(), best_obj = std::move(obj), best = std::move(st), r.start = start;
    if (best.loss <= 0) break;  // no loss is lower: the recordings reproduced exactly (common random numbers)
  }
  const FitSpec& last = *best_spec;
  Objective* const obj = best_obj.get();
  const Stage& st = best;
  r.phi = widen(st.phi, last.terms, s.terms);
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
