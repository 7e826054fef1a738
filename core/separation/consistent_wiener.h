#pragma once
// Consistent Wiener filter (CW; Le Roux & Vincent, IEEE SPL 2013; shared algorithms.md §8.1),
// penalty version. For a target of variance v_S against the rest (variance v_N) in mixture X:
//   min_S  sum |S|^2 / v_S + |X - S|^2 / v_N + gamma ||S - G(S)||^2,   G = STFT o iSTFT,
// solved by preconditioned conjugate gradient (pcg.h) on the normal equations
//   (Lambda + gamma (I - G)) S = X / v_N,  Lambda = 1/v_S + 1/v_N,
// from the Wiener estimate, with the diagonal preconditioner 1 / (Lambda + gamma (N - hop)/N).
// J > 2 sources: source j = 0 .. J-2 in turn against the sum of the later ones, in the mixture
// minus the sources already estimated; the last source is the remainder, so sum_j Ŝ_j = X.
// Variances: v_j = V_j^2 + eps (eps = 1e-12 max_j max V_j^2).
// Scale: gamma is given in the units of Magron's MATLAB code (STFT scaled by 1/sqrt(Nfft)); it is
// divided by Nfft internally, so the published values (gamma = 4 for 4 sources) apply directly.
// Figures per PCG iteration: "relative_residual" (||r_k||_w / ||r_0||_w), "source" (0-based pair).
// Cost: one iSTFT + one STFT per PCG iteration per pair; capped at maxIterations per pair.

#include "core/common/description.h"
#include "core/separation/separation.h"

namespace phaselab::separation {

struct CwParams {
    double gamma = 4.0;       // consistency weight (Magron units, see above)
    int maxIterations = 100;  // per source pair
    double tolerance = 1e-6;  // stop when alpha^2 ||P||^2 < tolerance ||S||^2
};

const AlgorithmDescription& cwDescription();  // "cw": weight, iterations, tolerance
CwParams cwParams(const ParamValues& values);

SeparationResult runConsistentWiener(const SeparationInput& in, const CwParams& params, const RunControl& control = {});

}  // namespace phaselab::separation
