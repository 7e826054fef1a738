#pragma once
// Repeated-attack (onset) phase model (shared algorithms.md §4.3; Magron et al., WASPAA 2015):
// the onsets of one event differ by a gain and a delay, so at onset frames t_m of source k
//   X_k(f, t_m) ~ A_k(f, t_m) e^{i psi_k(f)} e^{i lambda_k(m) f},
// a reference phase psi_k plus a phase linear in the bin index (lambda_k in radians per bin; with
// phaselab::Stft's sign a delay of eta samples gives lambda = -2 pi eta / Nfft, see delaySamples()).
// Given the observed complex onset frames Y (the mixture, bins x M) and each source's magnitudes
// A_k there, the relaxed problem
//   Cr = sum |Y - sum_k A_k e^{i phi_k}|^2 + sigma sum_k sum A_k^2 |e^{i phi_k} - e^{i psi_k} e^{i lambda_k f}|^2
// is minimised by the alternating updates of the published code: with B_k = Y - sum_j Y_j + Y_k
// (equal error split) and the model Yhat_k = A_k e^{i psi_k} e^{i lambda_k f},
//   phi_k = angle(B_k + sigma Yhat_k); e^{i lambda_k(m)} = unit(sum_f conj(b_f) b_{f+1}) with
//   b = A_k e^{i (phi_k - psi_k)} (lag-1 estimate); e^{i psi_k(f)} = unit(sum_m A_k^2 e^{i phi_k} e^{-i lambda_k(m) f}).
// lambda_k(0) is fixed at 0 (psi_k absorbs the common slope), which makes the fit unique.
// Used where a complex observation exists (separation: the mixture's onset frames); phase recovery
// from magnitudes alone restarts PU at onsets with a centred zero phase instead (pu.h).
// Thread-safety: pure. Cost O(K F M) per iteration.

#include <Eigen/Core>
#include <vector>

#include "core/common/description.h"
#include "core/common/progress.h"
#include "core/tf/stft.h"

namespace phaselab::recovery {

struct RepeatedAttackParams {
    double sigma = 0.2;   // weight of the model term ("RePU" value), >= 0
    int iterations = 50;  // >= 1
};

struct RepeatedAttackFit {
    std::vector<Magnitudes> phases;           // phi_k, bins x M, radians
    std::vector<Eigen::ArrayXf> reference;    // psi_k(f), radians
    std::vector<Eigen::ArrayXf> slope;        // lambda_k(m), radians per bin, slope[k][0] = 0
    std::vector<double> cost;                 // Cr after each iteration
};

const AlgorithmDescription& repeatedAttackDescription();  // id "repeated-attack"

// Y: bins x M complex onset frames; sources: K magnitude arrays of the same shape (>= 0, finite).
// InputError on shape/value problems; Cancelled through control (checked every iteration).
RepeatedAttackFit fitRepeatedAttack(const Spectrogram& Y, const std::vector<Magnitudes>& sources,
                                    const RepeatedAttackParams& params, const RunControl& control = {});

// The columns `frames` of S (e.g. the onset frames of detectOnsets()).
Spectrogram selectFrames(const Spectrogram& S, const std::vector<int>& frames);
// Delay in samples, relative to onset 0, that a slope lambda (radians per bin) stands for.
double delaySamples(double lambda, int fftSize);

}  // namespace phaselab::recovery
