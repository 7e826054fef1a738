#pragma once
// Non-negative matrix factorisation V ≈ W H with the beta-divergence and multiplicative updates
// (Févotte & Idier 2011; shared algorithms.md §10.1).
//   d_beta(a|b) = (a^b + (beta-1) b^beta - beta a b^(beta-1)) / (beta (beta-1)),
//   beta = 2: (a-b)^2/2 (Euclidean), beta = 1: a log(a/b) - a + b (KL), beta = 0: a/b - log(a/b) - 1 (IS).
//   H <- H ⊙ [ W^T((WH)^(beta-2) ⊙ V) / W^T (WH)^(beta-1) ]^gamma(beta),  W likewise,
//   gamma(beta) = 1/(2-beta) for beta < 1, 1 for 1 <= beta <= 2, 1/(beta-1) for beta > 2:
//   each update never increases the divergence (majorisation-minimisation).
// Order per iteration: H, then W (if updated), then the W columns are scaled to unit L1 norm
// (sum_f W_fk = 1) with the inverse scale applied to H, which leaves WH unchanged.
// Storage float (Eigen matrices; products by the kernels of gemm_kernels.h); the objective is
// accumulated in double. For beta != 2 each factor's update is one pass over blocks of 64 columns
// of V, forming that block's WH, ratios and products while it is in cache. For beta < 1 V is floored at 1e-9 max(V) (the IS divergence is infinite at V = 0).
// Random initialisation: uniform in [0.5, 1.5) · sqrt(mean(V)/K), std::mt19937 seeded with `seed`.
// Thread-safety: re-entrant. Cost O(F K T) per iteration (4 matrix products for beta = 1 and 2,
// 4 with doubled width for other beta).

#include <Eigen/Core>
#include <vector>

#include "core/common/description.h"
#include "core/common/progress.h"

namespace phaselab::nmf {

using Matrix = Eigen::MatrixXf;

struct BetaNmfParams {
    int components = 10;      // K
    int iterations = 200;
    double beta = 1.0;        // 0 = IS, 1 = KL, 2 = Euclidean; any value in [0, 2] (and beyond: gamma(beta))
    bool updateW = true;      // false: W is fixed (supervised NMF, given initialW)
    bool updateH = true;
    bool normaliseW = true;   // unit L1 columns, compensated in H (only when W is updated)
    unsigned seed = 0;
    bool trackObjective = true;  // compute and report "objective" every iteration (costs O(F T) logs/powers)
};

struct NmfResult {
    Matrix W;  // F x K
    Matrix H;  // K x T
    std::vector<double> objective;  // d_beta(V | WH) after each iteration (if tracked)
};

const AlgorithmDescription& betaNmfDescription();  // "beta-nmf": components, iterations, beta, seed

double gammaExponent(double beta);
// Sum of d_beta(V | Vhat), double accumulation. V >= 0, Vhat > 0.
double betaDivergence(const Matrix& V, const Matrix& Vhat, double beta);

// V must be finite and >= 0 (InputError otherwise). initialW (F x K) / initialH (K x T) replace the
// random initialisation when non-null; W must be given when updateW is false.
NmfResult betaNmf(const Matrix& V, const BetaNmfParams& params, const RunControl& control = {},
                  const Matrix* initialW = nullptr, const Matrix* initialH = nullptr);

// Random non-negative matrix as used for the initialisation (scale sqrt(mean(V)/K)).
Matrix randomFactor(Eigen::Index rows, Eigen::Index cols, double scale, unsigned seed);

}  // namespace phaselab::nmf
