#pragma once
// PU-Iter (Magron, Badeau & David, TASLP 2018; shared algorithms.md §5): phase unwrapping of each
// source by the sinusoidal model, then per-frame iterations that redistribute the mixing error
// with fixed magnitudes:
//   frame t: phi_j(:,t) = ∠Ŝ_j(:,t-1) + 2 pi hop k_j(:,t) / Nfft  (k_j from V_j(:,t), sinusoidal.h),
//            Ŝ_j = V_j e^{i phi_j}; repeat: E = X - sum_k Ŝ_k, Y_j = Ŝ_j + lambda_j E,
//            Ŝ_j = V_j ⊙ Y_j / |Y_j|, lambda_j = V_j^2 / sum_k V_k^2 (equal split where all are 0).
// Each inner iteration is a majorisation-minimisation step of ||X(:,t) - sum_j Ŝ_j(:,t)||^2 under
// |Ŝ_j| = V_j: the per-frame mixing error never increases, and the magnitudes are kept exactly
// (so the output is not conservative). Frame 0 starts from the mixture phase and, unlike the
// reference code, gets the same iterations. No onset handling (all frames after the first are
// unwrapped), as in the later reference code paths.
// Figures: per frame block, "mixing_error" = ||X - sum_j Ŝ_j||^2 / ||X||^2 so far. Frame-sequential;
// cost O(J F T iterations) elementwise + the peak picking, no FFT except the final iSTFTs.

#include "core/common/description.h"
#include "core/separation/separation.h"
#include "core/separation/source_start.h"

namespace phaselab::separation {

struct PuIterParams {
    int iterations = 50;  // per frame
    // "init": unwrapping (the sinusoidal model, above), or the frame-to-frame phase advance of each
    // source's PGHI phase (source_start.h): phi_j(:,t) = ∠Ŝ_j(:,t-1) + phi_pghi(:,t) - phi_pghi(:,t-1).
    SourceStart start = SourceStart::Mixture;  // Mixture means unwrapping here
};

const AlgorithmDescription& puIterDescription();  // "pu-iter": iterations
PuIterParams puIterParams(const ParamValues& values);

SeparationResult runPuIter(const SeparationInput& in, const PuIterParams& params, const RunControl& control = {});

// The inner iterations on one frame (columns): S[j] holds the starting estimates and receives the
// result; V[j] the magnitudes, weights[j] the lambda_j; x the mixture column. errors (optional)
// receives ||x - sum_j S_j||^2 before the first and after every iteration (iterations + 1 values).
void puIterFrame(const Eigen::ArrayXcf& x, const std::vector<Eigen::ArrayXf>& V, const std::vector<Eigen::ArrayXf>& weights,
                 std::vector<Eigen::ArrayXcf>& S, int iterations, std::vector<double>* errors = nullptr);

}  // namespace phaselab::separation
