#pragma once
// Complex NMF with the phase-unwrapping constraint, source-level variant (Kameoka et al. 2009;
// Magron et al. ICASSP 2016; shared algorithms.md §11.1-§11.2, the [CIS] cnmf_wisa_ph form):
//   X ≈ X̂ = sum_j V_j e^{i phi_j},  V_j = W_j H_j (W_j fixed, learned by Euclidean NMF on |S_j| of the
//   isolated source), one phase field per source, cost
//   ||X - X̂||^2 + sigma sum_{j,f,t} |X(f,t)|^2 |e^{i phi_j(f,t)} - e^{i (phi_j(f,t-1) + 2 pi hop nu_j(f,t))}|^2.
// Auxiliary variables (majorisation of the data term): G_j = V_j / sum_k V_k, B_j = X̂_j + G_j (X - X̂).
// Iteration: B from the current model; phases t = 1 .. T-2 in place (frames 0 and T-1 keep ∠X),
//   e^{i phi_j(t)} = unit( V_j B_j / G_j + sigma [mu_j(t) e^{i phi_j(t-1)} |X(t)|^2 + conj(mu_j(t+1)) e^{i phi_j(t+1)} |X(t+1)|^2] ),
//   mu_j = e^{2 i pi hop nu_j}, nu_j from QIFFT peaks of V_j (sinusoidal.h); then B again and
//   H_j <- H_j ⊙ max(0, W_j^T (Re(B_j e^{-i phi_j}) / G_j)) / W_j^T (V_j / G_j).
// The output is B_j from the final model: conservative, sum_j Ŝ_j = X. sigma = 0 is plain CNMF.
// The argument-order bug of the reference scripts (sigma passed as the W-update flag, §11.2) does not
// arise: sigma is a named parameter. Figures: "objective" (the cost above, relative to ||X||^2).
// Cost O(J F (K + 1) T) per iteration; the phase sweep is frame-sequential.

#include "core/common/description.h"
#include "core/separation/separation.h"

namespace phaselab::separation {

struct ComplexNmfParams {
    double sigma = 0.01;         // phase-unwrapping weight sigma_u
    int iterations = 100;
    int components = 10;         // K per source
    int learnIterations = 200;   // Euclidean NMF on the isolated magnitudes
    int initIterations = 50;     // Euclidean NMF on |X| with W fixed
    unsigned seed = 0;
};

const AlgorithmDescription& complexNmfDescription();  // "cnmf"
ComplexNmfParams complexNmfParams(const ParamValues& values);

// Needs in.isolated (one isolated source per magnitude entry): InputError otherwise.
SeparationResult runComplexNmf(const SeparationInput& in, const ComplexNmfParams& params, const RunControl& control = {});

}  // namespace phaselab::separation
