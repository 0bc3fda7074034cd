#pragma once
// `spikesim fit FIT.json`: infers the coefficients of a taylor rule (plasticity/taylor.hpp;
// Mehta et al. 2024) from recordings. Each candidate theta is a whole simulation of the
// network file per seed of "runs" (common random numbers: the same seeds for every candidate,
// so the loss is a deterministic function of theta), compared with the recordings of the same
// seeds; pagmo's CMA-ES proposes the candidates, and a generation's candidates run in parallel. The file's keys and the outputs:
// docs/fit.md.
#include <cstdint>
#include <string>
#include <vector>

#include "core/json_access.hpp"
#include "core/run.hpp"
#include "core/spec.hpp"

namespace spikesim {

// One recorded observable the simulations are compared with.
struct FitObservable {
  enum Kind { kRates, kWeights, kChoices };
  Kind kind = kRates;
  std::string ptr, file;   // file: may hold "{seed}", replaced by each run's seed
  int population = -1;     // rates: binned spike counts of this population over bin_ms, in Hz
  double bin_ms = 100.0;
  double noise = 0.0;      // rates: Gaussian noise (Hz, sd) added to the recorded rates
  double fraction = 1.0;   // rates: the fraction of the population's neurons compared (drawn once)
  double weight = 1.0;     // in the loss; 0: only reported (R^2)
  int monitor = -1;        // weights: the network's weights monitor whose file this is
  // choices: a task's trials file; the runs replay its categories, choices and rewards, each
  // `replicas` times with model noise independent of the recording's; P(choice) is the
  // softmax of the action populations' mean counts over the replicas, over `temperature`
  // (0: fitted, as one more dimension).
  double temperature = 0.0;
  unsigned replicas = 1;
};

// Sequential thresholding (Brunton et al. 2016's SINDy, with CMA-ES for least squares) and
// relaxed refits (Meinshausen 2007's relaxed lasso): after the search, the terms whose
// |phi| is below `threshold` of the largest are set to 0 and the others refitted from where
// they are, with penalty `l1`; again until no term is dropped or `rounds` refits are done.
struct FitPrune {
  double threshold = 0.0;  // 0: no pruning
  unsigned rounds = 3, generations = 100;
  double sigma = 0.02, l1 = 0.0;
};

struct FitSpec {
  std::string path, name;  // the fit file; its name (the output folder's default)
  NetworkSpec net;         // the model: a network file with taylor rules on `projections`
  std::vector<int> projections;  // every one gets the same coefficients
  std::vector<int> terms;  // taylor term indices (9a + 3b + c) fitted; the others keep the file's values
  double init = 0.0, l1 = 0.0, range = 3.0, sigma = 0.1;
  bool whitened = false;  // "basis": "whitened": the search preconditioned (docs/fit.md)
  FitPrune prune;
  // Set by run_fit's refits: terms held at 0 (pruned), and where each fitted dimension
  // starts (empty: `init`).
  std::vector<int> zeroed;
  std::vector<double> start;
  std::vector<FitObservable> data;
  std::string method = "cmaes";  // or "pso_gen": a generation's candidates evaluated in parallel
  unsigned generations = 100, population = 16, seed = 1;
  unsigned restarts = 1;  // independent searches (seeds seed, seed + 1, ...), each pruned; the lowest final loss is kept
  std::vector<uint64_t> seeds, held_out;  // runs fitted, and runs only evaluated
};

// Reads a fit file (errors: the file and the JSON pointer, exit code 2). The network and the
// recordings are found relative to the fit file's folder.
FitSpec load_fit(const json& raw, const std::string& path);

struct FitGeneration {
  unsigned generation = 0;
  unsigned start = 0;  // which of the optimizer's restarts (0: the first)
  unsigned stage = 0;  // 0: the search; k: the k-th refit after pruning
  uint64_t evaluations = 0;
  double best = 0.0, generation_best = 0.0;  // loss: best so far, best of this generation
  std::vector<double> phi;                   // the best so far, per fitted term (pruned: 0)
};

struct FitResult {
  double theta[27] = {};   // the fitted rule's coefficients (raw, as in the network file)
  std::vector<double> phi, scale;  // per fitted term: theta = phi * scale (docs/fit.md); a fitted
                                   // temperature adds phi_T = log10(T / T_ref) at the end
  double loss = 0.0;
  std::vector<FitGeneration> history;
  std::vector<double> r2_fit, r2_held_out;  // per observable, at the best theta: R^2, or for
                                            // choices the fraction of deviance explained
  double temperature = 0.0;  // choices: the softmax temperature (fitted or given), in spikes
  double seconds = 0.0;
  // Evaluations made in parallel batches (a generation's candidates together), and alone.
  uint64_t batched = 0, alone = 0;
  unsigned start = 0;  // the restart kept (the lowest final loss)
  std::vector<std::string> files;
};

// The preconditioner of "basis": "whitened" (docs/fit.md) from the Gram matrix G (n x n,
// row-major) of the fitted terms' features: P = c (G + eps I)^(-1/2), eps = 1e-3 of G's mean
// eigenvalue (directions the data cannot tell apart are not stretched without bound), c
// such that det P = 1; phi = P z. So P^T (G + eps I) P = c^2 I: in z every direction changes
// the features' pattern alike.
struct Whitening {
  std::vector<double> p, p_inv;  // row-major
  double condition = 1.0;        // G's largest over its smallest eigenvalue
};
Whitening whitening(const std::vector<double>& gram, size_t n);

// Runs the fit, writes its outputs into `out_dir`; prints a line per generation unless quiet.
FitResult run_fit(const FitSpec& spec, const std::string& out_dir, bool quiet);

}  // namespace spikesim
