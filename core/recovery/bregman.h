#pragma once
// Phase retrieval with beta-divergences (shared algorithms.md §9.1-9.2; Vial, Magron, Oberlin,
// Févotte, JSTSP 2021), implementing the mathematics (not the published code's "beta = 0.5 right"
// branch, which is really beta = 1.5).
//
// Problem: min_x J(x), S = STFT(x), z = |S|^d + eps, r = V^d + eps, d in {1, 2},
//   right:  J(x) = sum_{f,t} omega_f d_beta(r | z)      left:  J(x) = sum_{f,t} omega_f d_beta(z | r)
// with d_beta of §9.1 (beta = 2: (a - b)^2 / 2, 1: KL, 0: Itakura-Saito, any beta in [0, 2]) and
// omega_f = 1 for the DC and Nyquist bins, 2 otherwise (the sum over the full two-sided spectrum
// of a real signal; with it the LS-dual iSTFT is the omega-orthogonal inverse, §1.1).
// Scale: V is divided by its RMS value m = sqrt(mean(V^2)) before solving and the result is
// multiplied by m, so `step`, `rho` and `eps` are scale-free (they refer to a target of RMS 1).
//
// Gradient: grad J(x) = A^*(omega W) = Nfft env(s) iSTFT(W)(s), W = d g |S|^{d-2} S, g = dD/dz,
// env(s) = sum_t w(s - c_t)^2 (A^* the adjoint of the STFT for the unweighted inner product on bins).
// Accelerated gradient descent (§9.2, preconditioned by 1 / (Nfft env)):
//   y_{k+1} = x_k - step iSTFT(W(x_k)),  x_{k+1} = y_{k+1} + acceleration (y_{k+1} - y_k),
// so that for beta = 2, d = 1 and step 1 one iteration is exactly a Griffin-Lim iteration.
// ADMM (§9.2, scaled dual L, penalty rho): H = STFT(x) + L / rho; Z = prox(|H|) e^{i angle H};
// x = iSTFT(Z - L / rho); L += rho (STFT(x) - Z); prox(y) = argmin_{u >= 0} D(u^d) + rho/2 (u - y)^2,
// in closed form for beta = 2, d = 1, otherwise by a bracketed Newton iteration (any beta, d, side).
// Figures per iteration (common.h): spectral convergence and objective J (in the scaled units) of
// the current signal; inconsistency: 0 for gradient descent (its iterate is a signal, hence
// consistent), ||STFT(x) - Z||^2 / ||Z||^2 (the primal residual) for ADMM.
// Cost per iteration: one STFT + one iSTFT + an elementwise pass (pow/log for general beta).
// Memory: V scaled (one float array of V's shape), S = STFT(x) and W (two complex spectrograms; ADMM
// adds its dual L, a third) and four signals. Whole process on a 10-min 44.1 kHz mono file at
// 2048 / 512 (one complex spectrogram = 424 MB): 1.89 GB for either solver.
// Thread-safety: re-entrant.

#include <Eigen/Core>
#include <string>

#include "core/common/description.h"
#include "core/common/progress.h"
#include "core/recovery/common.h"
#include "core/recovery/initial_phase.h"
#include "core/tf/stft.h"

namespace phaselab::recovery {

enum class BregmanSide { Right, Left };
enum class BregmanSolver { GradientDescent, Admm };

struct BregmanParams {
    double beta = 2.0;           // [0, 2]; 2 (quadratic) is the default: the best of the figures table
    int power = 1;               // d: 1 (magnitude) or 2 (power)
    BregmanSide side = BregmanSide::Right;
    BregmanSolver solver = BregmanSolver::GradientDescent;
    int iterations = 100;        // >= 1
    double step = 0;             // gradient step (> 0); 0 = the default for (beta, d, side), see defaultStep()
    double acceleration = 0.99;  // gradient descent momentum gamma, [0, 1)
    double rho = 0.1;            // ADMM penalty (> 0)
    double eps = 1e-8;           // regularisation of z and r (> 0)
    InitialPhase init;
    int threads = 1;
};

const AlgorithmDescription& bregmanDescription();  // id "bregman"
BregmanParams bregmanParamsFrom(const ParamValues& values, double sampleRate);

// The step used when BregmanParams::step is 0: the best of a sweep on speech (see bregman.cpp).
// Gradient descent on beta < 1 needs tiny steps (the gradient z^{beta-2}(z - r) is unbounded as the
// estimate's magnitude z goes to 0) and then makes little progress in a few hundred iterations;
// ADMM does not have this problem.
double defaultStep(double beta, int power, BregmanSide side);

// Elementwise beta-divergence d_beta(a | b), a, b > 0.
double betaDivergence(double a, double b, double beta);

// J(x) and grad J(x) as defined above, for target V *as given* (no rescaling). For tests.
double bregmanObjective(const Eigen::ArrayXf& x, const Magnitudes& V, const StftConfig& config, const BregmanParams& p);
Eigen::ArrayXd bregmanGradient(const Eigen::ArrayXf& x, const Magnitudes& V, const StftConfig& config,
                               const BregmanParams& p);

// The ADMM proximal step argmin_{u >= 0} D(u^d + eps) + rho/2 (u - y)^2, with D the divergence
// of p (beta, side) against the data r + eps, r = V^d (power already applied). For tests.
double bregmanProx(double y, double r, const BregmanParams& p);

RecoveryResult bregmanRetrieval(const Magnitudes& V, Eigen::Index length, const StftConfig& config,
                                const BregmanParams& params, const RunControl& control = {});

}  // namespace phaselab::recovery
