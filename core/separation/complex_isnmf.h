#pragma once
// Complex ISNMF (Magron & Virtanen, TASLP 27(1) 2019; shared algorithms.md §7.4, §11.3): BAG
// (bayesian_ag.h: anisotropic Gaussian sources, Rayleigh magnitude + von Mises phase around mu_j,
// sinusoidal Markov prior on mu_j, EM with the same E-step and phase M-step) whose variances follow an
// NMF, v_j = W_j H_j, with W_j fixed (learned by IS-NMF on the isolated source's power).
// NMF M-step, minimising sum log v + p/v + q/sqrt(v) over H_j with q clamped to <= 0 (as the reference
// code, keeping the denominators positive):
//     H_j <- H_j ⊙ sqrt( W_j^T (p_j v_j^-2) / W_j^T (v_j^-1 - (q_j/2) v_j^-3/2) ).
//   The derivative of log v + p/v + q/sqrt(v) is 1/v - p/v^2 - (q/2) v^-3/2, whose zero is the closed-form
//   BAG variance v = ((q + sqrt(q^2 + 16 p)) / 4)^2. The reference code puts -q (not -q/2) in the
//   denominator, i.e. it minimises log v + p/v + 2q/sqrt(v), inconsistent with that closed form; we use
//   -q/2 (tests/test_separation_complex.cpp checks that the update's fixed point is the closed form).
// The output is the posterior mean after a final E-step: conservative, sum_j Ŝ_j = X. kappa = 0 gives
// IS-NMF (EM on the posterior power) followed by a Wiener filter.
// Init: W_j by IS-NMF (MU) on |S_j|^2 of the isolated sources (SeparationInput::isolated), H_j by
// IS-NMF on |X|^2 with the W_j fixed, mu = ∠X. Figures: "neg_log_likelihood" = the AG negative log-likelihood of
// X (up to constants, §7.4, with the correct sign of the relation term). Cost O(J F (K + 1) T) per iteration.
// The paper's setting is K = 50 per source; K = 10 is the default here for speed.

#include "core/common/description.h"
#include "core/nmf/beta_nmf.h"
#include "core/separation/separation.h"

namespace phaselab::separation {

struct ComplexIsNmfParams {
    double kappa = 0.1;  // the best of the figures table (music and speech, K = 50)
    double tau = 1.0;
    int iterations = 100;         // EM iterations
    int components = 10;          // K per source
    int learnIterations = 200;    // IS-NMF on the isolated sources
    int initIterations = 50;      // IS-NMF on the mixture with W fixed
    unsigned seed = 0;
};

const AlgorithmDescription& complexIsNmfDescription();  // "cisnmf"
ComplexIsNmfParams complexIsNmfParams(const ParamValues& values);

// Needs in.isolated (one isolated source per magnitude entry; in.magnitudes only fixes J and is
// otherwise unused) — InputError otherwise.
SeparationResult runComplexIsNmf(const SeparationInput& in, const ComplexIsNmfParams& params,
                                 const RunControl& control = {});

// The H update's majorisation step for a fixed W (exposed for tests): one multiplicative update of H
// towards the minimum of sum log v + p/v + q/sqrt(v), v = W H, q <= 0.
void complexIsNmfUpdateH(const nmf::Matrix& W, nmf::Matrix& H, const nmf::Matrix& p, const nmf::Matrix& q);

}  // namespace phaselab::separation
