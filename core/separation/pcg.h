#pragma once
// Preconditioned conjugate gradient on complex spectrograms for operators that are self-adjoint
// and positive definite for the omega-weighted real inner product
//   <P, Q>_w = Re sum_{f,t} w_f conj(P(f,t)) Q(f,t),  w_0 = w_{F-1} = 1, w_f = 2 otherwise
// (one-sided spectra: the weights make G = STFT o iSTFT an orthogonal projector, §1.1, §8.1).
// Used by the consistent Wiener filters (CW, CAW). Stops when alpha^2 ||P||^2 < tol ||S||^2
// (plain sums, as Le Roux's code) or after maxIterations (the reference code has no cap).

#include <functional>
#include <vector>

#include "core/tf/stft.h"

namespace phaselab::separation {

double weightedInner(const Spectrogram& P, const Spectrogram& Q);  // <P, Q>_w, double accumulation

struct PcgOutcome {
    int iterations = 0;
    bool converged = false;
    std::vector<double> residuals;  // ||r_k||_w / ||r_0||_w after each iteration
};

// S: initial value on entry, solution on return; r: initial residual b - A(S) (overwritten).
// applyA(P, out) and precondition(r, out) must not alias their arguments. onIteration(k, relRes)
// is called after each iteration (for progress, figures and cancellation).
PcgOutcome conjugateGradient(Spectrogram& S, Spectrogram& r, const std::function<void(const Spectrogram&, Spectrogram&)>& applyA,
                             const std::function<void(const Spectrogram&, Spectrogram&)>& precondition,
                             int maxIterations, double tolerance,
                             const std::function<void(int, double)>& onIteration);

}  // namespace phaselab::separation
