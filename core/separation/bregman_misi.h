#pragma once
// Bregman MISI (Magron, Vial, Oberlin & Févotte, ICASSP 2021; shared algorithms.md §9.1, §9.3):
// projected gradient descent on sum_j D_beta between the target V_j^d and |A s_j|^d, subject to
// sum_j s_j = x. In the TF domain, with S_j = A(s_j), z = (|S_j|^2 + eps)^(d/2), r = (V_j^2 + eps)^(d/2):
//   right problem D_beta(r | z):  g = z^(beta-2) (z - r);
//   left  problem D_beta(z | r):  g = (z^(beta-1) - r^(beta-1)) / (beta-1)  (log(z/r) for beta = 1,
//                                  1/r - 1/z for beta = 0);
//   Y_j = S_j - mu d S_j (|S_j|^2 + eps)^(d/2-1) g;  Y_j += (X - sum_k Y_k) / J;  s_j = A^+(Y_j).
// Quadratic right problem (beta = 2), d = 1, mu = 1 is MISI (magnitude-first order). The outputs
// satisfy sum_j s_j = x exactly. Start: amplitude mask A^+(V_j e^{i∠X}). The step mu depends on beta,
// d and the signal scale (choose it on validation data; the paper's grid is 1e-7 .. 10).
// Figures per iteration: "objective" = sum_j D_beta of the new iterate.
// Cost per iteration: J STFTs + J inverse STFTs.

#include "core/common/description.h"
#include "core/separation/separation.h"
#include "core/separation/source_start.h"

namespace phaselab::separation {

struct BregmanMisiParams {
    int iterations = 5;
    double beta = 2.0;        // 0 IS, 1 KL, 2 quadratic
    int exponent = 1;         // d: 1 magnitude, 2 power
    bool left = false;        // left problem D(|A s|^d | V^d) instead of right D(V^d | |A s|^d)
    double step = 1.0;        // mu
    double eps = 1e-8;
    SourceStart start = SourceStart::Mixture;  // "init": amplitude-mask (mixture phase), pghi, pghi-masked
};

const AlgorithmDescription& bregmanMisiDescription();  // "bregman-misi"
BregmanMisiParams bregmanMisiParams(const ParamValues& values);

SeparationResult runBregmanMisi(const SeparationInput& in, const BregmanMisiParams& params, const RunControl& control = {});

}  // namespace phaselab::separation
