// The objective of `spikesim fit` (protocols/fit_objective.hpp).
#include "protocols/fit_objective.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <memory>
#include <Eigen/Dense>

#include "core/rng.hpp"
#include "io/edges_file.hpp"
#include "io/recordings.hpp"
#include "plasticity/plasticity.hpp"
#include "protocols/recorders.hpp"
#include "protocols/simulate.hpp"

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

// The model's seed for replica q of session `seed` (choices): its noise independent of the
// recording's (which came from `seed` itself), the same for every candidate.
uint64_t replica_seed(uint64_t seed, unsigned q) {
  uint64_t z = seed * 0x9E3779B97F4A7C15ull + q + 1;  // splitmix64's finaliser
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return (z ^ (z >> 31)) >> 33;
}

}  // namespace

FitObjective::FitObjective(const FitSpec& s) : s_(s) {
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

double FitObjective::temperature(const std::vector<double>& phi) const {
  if (choices_ < 0) return 0.0;
  return fits_temperature() ? t_ref_ * std::pow(10.0, phi.back()) : s_.data[choices_].temperature;
}

void FitObjective::theta_of(const std::vector<double>& phi, double* theta) const {
  for (int k = 0; k < Taylor::kTerms; ++k) theta[k] = base_theta()[k];
  for (int k : s_.zeroed) theta[k] = 0.0;
  for (size_t i = 0; i < s_.terms.size(); ++i) theta[s_.terms[i]] = phi[i] * scale_[i];
}

std::vector<double> FitObjective::losses(const std::vector<std::vector<double>>& zs) const {
  std::vector<std::vector<double>> phis;
  for (const auto& z : zs) phis.push_back(phi_of(z));
  std::vector<Theta> thetas(phis.size());
  for (size_t c = 0; c < phis.size(); ++c) theta_of(phis[c], thetas[c].data());
  const std::vector<std::vector<Values>> all = simulate_all(thetas, s_.seeds);
  std::vector<double> out;
  for (size_t c = 0; c < phis.size(); ++c) out.push_back(loss_of(phis[c], all[c]));
  return out;
}

std::vector<double> FitObjective::scores(const std::vector<double>& phi, bool held_out, std::ofstream* table) const {
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

const double* FitObjective::base_theta() const {
  return static_cast<const PlasticityOf<Taylor>&>(*s_.net.projections[s_.projections[0]].plasticity).params.theta;
}

double FitObjective::loss_of(const std::vector<double>& phi, const std::vector<Values>& sims) const {
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

void FitObjective::choice_p(const std::vector<double>& sim, size_t d, size_t k, double T, std::vector<double>& p) const {
  const size_t A = s_.net.task.actions.size(), trials = s_.net.task.trials, reps = s_.data[d].replicas;
  p.assign(A, 0.0);
  for (size_t q = 0; q < reps; ++q)
    for (size_t i = 0; i < A; ++i) p[i] += sim[(q * trials + k) * A + i] / reps;
  const double top = *std::max_element(p.begin(), p.end());
  double sum = 0.0;
  for (double& x : p) sum += (x = std::exp((x - top) / T));
  for (double& x : p) x /= sum;
}

double FitObjective::cross_entropy(const std::vector<Values>& sims, const std::vector<Values>& data, size_t d, double T) const {
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

void FitObjective::write_choices(std::ofstream& o, const std::vector<Values>& sims, const std::vector<uint64_t>& seeds, bool held_out, size_t d,
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

double FitObjective::null_cross_entropy(const std::vector<Values>& data, size_t d) const {
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

double FitObjective::normalised_error(const std::vector<double>& sim, const std::vector<double>& data) {
  double mean = 0.0;
  for (double x : data) mean += x / data.size();
  double var = 0.0, err = 0.0;
  for (size_t i = 0; i < data.size(); ++i) {
    var += (data[i] - mean) * (data[i] - mean) / data.size();
    err += (sim[i] - data[i]) * (sim[i] - data[i]) / data.size();
  }
  return err / (var > 0 ? var : (mean != 0 ? mean * mean : 1.0));
}

FitObjective::Values FitObjective::load(uint64_t seed) {
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

std::vector<double> FitObjective::rates_of(const std::vector<uint32_t>& counts, size_t d, uint32_t bins, double bin_ms) const {
  std::vector<double> r;
  for (uint32_t i : neurons_[d])
    for (uint32_t b = 0; b < bins; ++b) r.push_back(counts[static_cast<size_t>(i) * bins + b] * 1000.0 / bin_ms);
  return r;
}

FitObjective::Values FitObjective::simulate_one(const double* theta, uint64_t seed, unsigned q, Reference* ref) const {
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
  const size_t observed = rec.size();
  if (ref) {
    for (int p : s_.projections) ref->csr.push_back(net.projs[p].csr);
    if (s_.whitened)
      for (size_t q = 0; q < net.pops.size(); ++q)
        rec.push_back(std::make_unique<BinCounter>(static_cast<int>(q), net.pops[q].size, kGramBinMs, gram_bins()));
  }
  RunOptions opt;
  opt.threads = 1;
  opt.file_monitors = false;
  const RunResult res = simulate(net, opt, rec);
  if (ref) {
    ref->totals = res.spike_counts;
    for (size_t m = observed; m < rec.size(); ++m) ref->bins.push_back(static_cast<const BinCounter&>(*rec[m]).counts);
  }
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

std::vector<std::vector<FitObjective::Values>> FitObjective::simulate_all(const std::vector<Theta>& thetas, const std::vector<uint64_t>& seeds) const {
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

void FitObjective::reference_scales() {
  Reference ref;
  const double zero[Taylor::kTerms] = {};
  const Values v0 = simulate_one(zero, s_.seeds[0], 0, &ref);
  if (choices_ >= 0) {
    double sum = 0.0;
    for (double c : v0[choices_]) sum += c;
    t_ref_ = std::sqrt(std::max(1.0, sum / s_.net.task.trials));
  }
  const double T = s_.net.run.tstop / 1000.0;
  double x = 0.0, y = 0.0, w = 0.0, n_syn = 0.0;
  for (size_t i = 0; i < s_.projections.size(); ++i) {  // means over the synapses: each weighted by its source's and target's rate
    const ProjectionSpec& p = s_.net.projections[s_.projections[i]];
    const double nx = ref.totals[p.source] / (T * s_.net.populations[p.source].size);
    const double ny = ref.totals[p.target] / (T * s_.net.populations[p.target].size);
    for (float v : ref.csr[i].weight) x += nx, y += ny, w += std::fabs(v), n_syn += 1;
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
  if (s_.whitened) whiten(ref);
  box_ = 0.0;  // every phi in [-range, range]^n maps into z in [-box range, box range]^n
  for (size_t i = 0; i < n; ++i) {
    double row = 0.0;
    for (size_t j = 0; j < n; ++j) row += std::fabs(p_inv_[i * n + j]);
    box_ = std::max(box_, row);
  }
}

void FitObjective::whiten(const Reference& ref) {
  const uint32_t bins = gram_bins();
  const size_t n = s_.terms.size();
  Eigen::MatrixXd g = Eigen::MatrixXd::Zero(n, n);
  Eigen::VectorXd f(n);
  double samples = 0.0;
  for (size_t k = 0; k < s_.projections.size(); ++k) {
    const ProjectionSpec& pr = s_.net.projections[s_.projections[k]];
    const Csr& csr = ref.csr[k];
    const auto& cx = ref.bins[pr.source];
    const auto& cy = ref.bins[pr.target];
    for (uint32_t i = 0; i < csr.rows(); ++i)
      for (uint64_t e = csr.row_ptr[i]; e < csr.row_ptr[i + 1]; ++e)
        for (uint32_t b = 0; b < bins; ++b) {
          const double x = cx[static_cast<size_t>(i) * bins + b] * 1000.0 / kGramBinMs;
          const double y = cy[static_cast<size_t>(csr.target[e]) * bins + b] * 1000.0 / kGramBinMs;
          const double w = std::fabs(csr.weight[e]);
          const double xa[3] = {1.0, x, x * x}, yb[3] = {1.0, y, y * y}, wc[3] = {1.0, w, w * w};
          for (size_t t = 0; t < n; ++t) {
            const int term = s_.terms[t];
            f(static_cast<Eigen::Index>(t)) = xa[term / 9] * yb[term / 3 % 3] * wc[term % 3] * scale_[t] / (x_ * y_);
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

std::vector<double> FitObjective::apply(const std::vector<double>& m, const std::vector<double>& v) const {
  const size_t n = s_.terms.size();
  std::vector<double> out(v);
  for (size_t i = 0; i < n; ++i) {
    double sum = 0.0;
    for (size_t j = 0; j < n; ++j) sum += m[i * n + j] * v[j];
    out[i] = sum;
  }
  return out;
}

}  // namespace spikesim
