#pragma once
// Bayesian anisotropic Gaussian separation (BAG; Magron, Le Roux & Virtanen, ICASSP 2018; shared
// algorithms.md §7.4) and the EM it shares with complex ISNMF (complex_isnmf.h, §11.3).
// Each source S_j has a Rayleigh magnitude with E|S_j|^2 = v_j and a von Mises phase VM(mu_j, kappa),
// approximated by an anisotropic Gaussian with the same moments:
//   m_j = lambda_R sqrt(v_j) e^{i mu_j}, gamma_j = a v_j, c_j = b v_j e^{2 i mu_j},
//   lambda_R = (sqrt(pi)/2) I1/I0(kappa), a = 1 - lambda_R^2, b = I2/I0(kappa) - lambda_R^2, Delta = a^2 - b^2.
// A Markov prior ties mu_j(f, t) to mu_j(f, t-1) + 2 pi hop nu_j(f, t) / Nfft (nu in fractional bins,
// from the QIFFT peaks of v_j, sinusoidal.h) with weight tau. EM (MAP):
//   E-step: posterior mean Ŝ_j and covariance (gamma'_j, c'_j) given X (the anisotropic Wiener filter,
//     §7.2); p_j = [a (gamma'_j + |Ŝ_j|^2) - b Re(e^{-2 i mu_j} (c'_j + Ŝ_j^2))] / Delta,
//     q_j = 2 lambda_R (b - a) Re(Ŝ_j e^{-i mu_j}) / Delta;
//   variance M-step (optional): v_j minimising log v + p_j/v + q_j/sqrt(v), ((q + sqrt(q^2 + 16 p)) / 4)^2;
//   phase M-step (first-order, as the reference code), t = 1 .. T-2 in place (Gauss-Seidel):
//     mu_j(t) = ∠( beta_j + tau [e^{i(mu_j(t-1) + 2 pi hop nu_j(t))} + e^{i(mu_j(t+1) - 2 pi hop nu_j(t+1))}] ),
//     beta_j = 2 lambda_R (a - b) / (Delta sqrt(v_j)) Ŝ_j; frames 0 and T-1 keep mu = ∠X.
// The output is the posterior mean after a final E-step: conservative, sum_j Ŝ_j = X. kappa = 0 gives
// the Wiener filter v_j / sum v X.
// BAG takes v_j = V_j^2 from the given magnitudes (oracle or estimated), kept fixed unless
// updateVariances. Figures: "neg_log_likelihood" = the AG negative log-likelihood of X (up to constants), with
// the correct sign of the relation term; it is the data term only (the prior pulls the locations, and
// the phase step is first-order), so it need not decrease. Cost O(J F T) per iteration plus the peak search.
// Thread-safety: re-entrant.

#include <vector>

#include "core/common/description.h"
#include "core/nmf/beta_nmf.h"
#include "core/separation/separation.h"

namespace phaselab::separation {

// The EM steps shared by BAG and complex ISNMF, for J sources of a mixture STFT X (bins x frames).
class AnisotropicGaussianEm {
public:
    // advance = 2 pi hop / Nfft (radians per frame per bin of frequency).
    AnisotropicGaussianEm(const Spectrogram& X, int sources, double kappa, double tau, double advance);

    // Posterior means into S (J entries, resized); with p and q non-null, the M-step statistics.
    // v: J variances, bins x frames, > 0. Returns the AG negative log-likelihood of X.
    double eStep(const std::vector<nmf::Matrix>& v, std::vector<Spectrogram>& S, std::vector<nmf::Matrix>* p = nullptr,
                 std::vector<nmf::Matrix>* q = nullptr) const;
    // Phase locations mu_j from the posterior means S and variances v (no-op when kappa = 0). The
    // partials' frequencies are found in v again only when variancesChanged (or on the first call).
    void phaseStep(const std::vector<nmf::Matrix>& v, const std::vector<Spectrogram>& S, bool variancesChanged = true);

    const std::vector<Eigen::ArrayXXf>& locations() const { return mu_; }

private:
    const Spectrogram& X_;
    double kappa_, tau_, advance_;
    double lambda_, a_, b_, delta_;
    void updateDirections();  // cosMu_, sinMu_ from mu_

    std::vector<Eigen::ArrayXXf> mu_, nu_, cosMu_, sinMu_;
};

// argmin over v > 0 of log v + p/v + q/sqrt(v), p >= 0: ((q + sqrt(q^2 + 16 p)) / 4)^2.
float closedFormVariance(float p, float q);

struct BagParams {
    double kappa = 5.0;
    double tau = 0.5;
    int iterations = 150;
    bool updateVariances = false;  // the reference experiments keep the given variances
};

const AlgorithmDescription& bagDescription();  // "bag"
BagParams bagParams(const ParamValues& values);

SeparationResult runBayesianAg(const SeparationInput& in, const BagParams& params, const RunControl& control = {});

}  // namespace phaselab::separation
