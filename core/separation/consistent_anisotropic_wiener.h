#pragma once
// Consistent anisotropic Wiener filter (CAW; Magron, Le Roux & Virtanen, WASPAA 2017; shared
// algorithms.md §8.2). Starts from the anisotropic Wiener estimate S_ini (anisotropic_wiener.h)
// and, for each source j = 0 .. J-2 against the sum of the later ones, minimises
//   (S - S_ini,j)^H Xi^{-1} (S - S_ini,j) + 2 delta ||S - G(S)||^2
// where Xi is the widely-linear posterior covariance of source j (gamma', c') computed from the
// von Mises moments (lambda, rho of kappa) with locations mu_1 = ∠S_ini,j, mu_2 = ∠sum_{k>j} S_ini,k.
// The operator A(P) = (gamma' P - c' conj(P)) / d' + delta (P - G(P)), d' = gamma'^2 - |c'|^2, is
// solved by PCG (pcg.h) from r_0 = -delta (S_ini - G(S_ini)) with the exact inverse of its
// pointwise part plus delta (N - hop)/N as preconditioner. The last source is X minus the others,
// so sum_j Ŝ_j = X. kappa = 0 gives CW (for J = 2 the same system); delta = 0 returns AW.
// delta is in Magron's units (divided by Nfft internally, like CW's weight).
// Figures per PCG iteration: "relative_residual", "source". Cost: as CW, plus one AW pass.

#include "core/common/description.h"
#include "core/separation/anisotropic_wiener.h"

namespace phaselab::separation {

struct CawParams {
    AwParams aw;              // kappa (shared or per source) for the AW start and the moments
    double delta = 1.0;       // consistency weight (Magron units)
    int maxIterations = 60;   // per source pair ([AW] default)
    double tolerance = 1e-6;
};

const AlgorithmDescription& cawDescription();  // "caw": kappa, kappa-mode, weight, iterations, tolerance
CawParams cawParams(const ParamValues& values, const SeparationInput& in);

SeparationResult runConsistentAnisotropicWiener(const SeparationInput& in, const CawParams& params,
                                                const RunControl& control = {});

}  // namespace phaselab::separation
