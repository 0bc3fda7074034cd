#pragma once
// The objective of `spikesim fit` (protocols/fit.hpp, docs/fit.md): the recordings, the
// network run for candidate coefficients (every candidate, seed and replica in one parallel
// loop), the loss and scores, the normalisation of the coefficients and the whitened basis
// the search runs in. protocols/fit.cpp runs the optimiser around it.
#include <array>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "plasticity/taylor.hpp"
#include "protocols/fit.hpp"
#include "synapses/csr.hpp"

namespace spikesim {

class FitObjective {
 public:
  // What one run gives per observable, flattened: rates [neuron][bin] (Hz) of the compared
  // neurons, weights [sample][synapse], or choices: the action populations' counts
  // [replica][trial][action] (the recording: the choice per trial, -1 for none).
  using Values = std::vector<std::vector<double>>;

  explicit FitObjective(const FitSpec& s);

  // The fitted terms, and a choices observable's temperature when it is fitted.
  size_t dims() const { return s_.terms.size() + (fits_temperature() ? 1 : 0); }
  int choices() const { return choices_; }
  bool fits_temperature() const { return choices_ >= 0 && s_.data[choices_].temperature == 0; }
  double temperature(const std::vector<double>& phi) const;
  const std::vector<double>& scale() const { return scale_; }

  // The search runs in coordinates z with phi = P z over the terms (a fitted temperature,
  // last, as it is): P the identity, or with "basis": "whitened" the preconditioner of
  // whiten(). The search box in z is `box` times [-range, range] in each term's dimension,
  // wide enough for every phi within [-range, range] (box = 1 for the identity).
  std::vector<double> phi_of(const std::vector<double>& z) const { return apply(p_, z); }
  std::vector<double> z_of(const std::vector<double>& phi) const { return apply(p_inv_, phi); }
  double box() const { return box_; }
  size_t terms() const { return s_.terms.size(); }
  const FitSpec& spec() const { return s_; }

  // theta of every term for normalised coefficients phi of the fitted ones.
  void theta_of(const std::vector<double>& phi, double* theta) const;

  // The losses of candidates phi over the fitted runs, every candidate's runs in one parallel
  // loop: per observable the mean squared error over the recording's variance (rates,
  // weights) or the cross-entropy per choice (choices), weighted, plus l1 * sum |phi| over
  // the terms.
  // Candidates are given in search coordinates z (phi_of).
  std::vector<double> losses(const std::vector<std::vector<double>>& zs) const;
  double loss(const std::vector<double>& z) const { return losses({z})[0]; }

  // Per observable over the given runs: R^2 (1 - SS_res / SS_tot, every run's values
  // pooled), or for choices the fraction of deviance explained, 1 - CE / CE_null, CE_null
  // that of the runs' overall choice frequencies.
  // With `table`: the choices observable's rows (session, trial, odds) appended to it.
  std::vector<double> scores(const std::vector<double>& phi, bool held_out, std::ofstream* table = nullptr) const;

  const double* base_theta() const;

  double x_ = 1.0, y_ = 1.0, w_ = 1.0, t_ref_ = 1.0;  // the reference rates, weight and temperature
  double condition_ = 1.0;  // whitened: G's condition number (its largest over its smallest eigenvalue)

 private:
  using Theta = std::array<double, Taylor::kTerms>;

  double loss_of(const std::vector<double>& phi, const std::vector<Values>& sims) const;

  // P(each action) in trial k of one session's runs: softmax(c / T), c the action
  // populations' mean counts over the replicas (estimates of the expected counts).
  void choice_p(const std::vector<double>& sim, size_t d, size_t k, double T, std::vector<double>& p) const;
  // Mean -log P(recorded choice) over the trials with a choice.
  double cross_entropy(const std::vector<Values>& sims, const std::vector<Values>& data, size_t d, double T) const;
  // fit_choices.csv's rows: per session and trial the recorded trial and the model's P.
  void write_choices(std::ofstream& o, const std::vector<Values>& sims, const std::vector<uint64_t>& seeds, bool held_out, size_t d,
                     double T) const;
  double null_cross_entropy(const std::vector<Values>& data, size_t d) const;

  static double normalised_error(const std::vector<double>& sim, const std::vector<double>& data);

  // The recordings of run `seed`, as the runs give them (rates with the file's noise added;
  // a trials file also gives the trials the runs replay).
  Values load(uint64_t seed);

  uint32_t n_bins(const FitObservable& o) const { return static_cast<uint32_t>(std::floor(s_.net.run.tstop / o.bin_ms + 1e-9)); }

  std::vector<double> rates_of(const std::vector<uint32_t>& counts, size_t d, uint32_t bins, double bin_ms) const;

  // What reference_scales reads of its run beyond the observables.
  struct Reference {
    std::vector<uint64_t> totals;             // spikes per population
    std::vector<Csr> csr;                     // per fitted projection: its synapses, initial weights
    std::vector<std::vector<uint32_t>> bins;  // whitened: per population, spikes per kGramBinMs bin
  };
  static constexpr double kGramBinMs = 100.0;
  uint32_t gram_bins() const { return static_cast<uint32_t>(std::floor(s_.net.run.tstop / kGramBinMs + 1e-9)); }

  // One run of the network with `theta`: every observable, in the recordings' layout. With
  // choices: replica q of session `seed`, replaying its trials. With `ref`: also what
  // reference_scales needs.
  Values simulate_one(const double* theta, uint64_t seed, unsigned q, Reference* ref = nullptr) const;

  // Every candidate's run of every seed (and each replica of it), in one parallel loop (one
  // thread each; the runs do not depend on one another), so a batch of few candidates with
  // many seeds and one of many candidates with one seed both fill the cores. Per candidate
  // and seed, a seed's replicas concatenated per observable.
  std::vector<std::vector<Values>> simulate_all(const std::vector<Theta>& thetas, const std::vector<uint64_t>& seeds) const;

  // Normalisation of the search: theta_abc = phi_abc * scale_abc with scale_abc =
  // x y / (x^a y^b w^c) at the network's typical rates x, y (Hz) and weight w, so that each
  // term with phi = 1 changes a weight as fast as x1y1w0 = 1 does (docs/fit.md). x and y
  // from one run with every coefficient 0 (the initial weights) on the first fitted seed
  // (its first replica for choices); y = 1 for a reward term. For choices, the
  // temperature's reference T_ref = sqrt(mean spikes of the action populations per decision)
  // of that run (docs/fit.md). The same run gives whiten() its features.
  void reference_scales();

  // The preconditioner ("basis": "whitened", docs/fit.md): in a run with theta = 0, every
  // synapse of the fitted projections in every 100 ms bin gives the fitted terms' features
  // f_k = x^a y^b w^c scale_k / (x_ y_) (x, y the bin's rates of its source and target, w
  // its weight): the dw each term would make there with phi_k = 1, relative to x1y1w0's at
  // the reference rates. Their Gram matrix G = <f f^T> measures how alike the terms act;
  // positive rates make it nearly singular (powers of positive variables are collinear).
  // whitening() makes P from G: a unit step of z in any direction changes the dw pattern
  // about alike, which CMA-ES would otherwise learn in its covariance over many generations.
  void whiten(const Reference& ref);

  // m (terms x terms) times v's term part; the rest of v (a temperature) as it is.
  std::vector<double> apply(const std::vector<double>& m, const std::vector<double>& v) const;

  int choices_ = -1;  // the choices observable (alone, fit_spec.cpp)
  std::map<uint64_t, std::vector<TaskSpec::Replayed>> replay_;  // per session: its recorded trials
  const FitSpec& s_;
  std::vector<std::vector<uint32_t>> neurons_;  // per rates observable: the neurons compared
  std::vector<Values> fit_, held_;              // recordings per run
  std::vector<double> scale_;
  std::vector<double> p_, p_inv_;  // phi = P z over the terms, row-major, and P's inverse
  double box_ = 1.0;
};

}  // namespace spikesim
