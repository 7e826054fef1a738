#pragma once
// Anisotropic Wiener filter (AW; Magron et al. ICASSP 2017; shared algorithms.md §7.1-§7.3).
// Each source S_j = V_j e^{i phi_j} with phi_j ~ von Mises(mu_j, kappa_j) is approximated by an
// anisotropic complex Gaussian with the same moments (mean m_j = lambda_j V_j e^{i mu_j}, variance
// gamma_j = (1 - lambda_j^2) V_j^2, relation c_j = rho_j V_j^2 e^{2 i mu_j}, von_mises.h), and the
// estimate is the posterior mean (widely-linear MMSE), with e = X - sum m_k, gamma_X = sum gamma_k,
// c_X = sum c_k, D = gamma_X^2 - |c_X|^2:
//   Ŝ_j = m_j + [(gamma_j gamma_X - c_j conj(c_X)) e + (c_j gamma_X - gamma_j c_X) conj(e)] / D.
// The locations follow the sinusoidal model frame by frame: mu_j(f,0) = ∠X(f,0) and
// mu_j(f,t) = ∠Ŝ_j(f,t-1) + 2 pi hop k_j(f,t) / Nfft, with k_j from QIFFT peaks and regions of
// influence of V_j(:,t) (core/phase/sinusoidal.h). Unlike the reference code, frame 0 is filtered
// too (with mu = ∠X), so the output is conservative everywhere: sum_j Ŝ_j = X. Bins where every
// V_k is 0 are split equally. With kappa = 0 (lambda = rho = 0) this is exactly the Wiener filter
// V_j^2 / sum_k V_k^2 X. Shared kappa ("AW") or one kappa per source ("AW-var", e.g. estimated
// by vonmises::kappaFromMeanResultant on isolated sources). Bessel ratios are overflow-free.
// Cost O(J F T) + the peak picking; single pass, frame-sequential (frames cannot run in parallel).
// Reports progress every few frames and checks the cancel flag there.

#include <vector>

#include "core/common/description.h"
#include "core/separation/separation.h"

namespace phaselab::separation {

struct AwParams {
    double kappa = 1.0;                // shared concentration (>= 0), used when sourceKappas is empty
    std::vector<double> sourceKappas;  // AW-var: one kappa per source
};

// "aw": kappa, kappa-mode (shared | estimated: per-source ML kappa from in.isolated, i.e. AW-var).
const AlgorithmDescription& awDescription();
AwParams awParams(const ParamValues& values, const SeparationInput& in);

SeparationResult runAnisotropicWiener(const SeparationInput& in, const AwParams& params, const RunControl& control = {});

// Posterior mean of one bin for J sources (double precision; used by AW and CAW and tests).
// m, gamma, c: prior moments per source; x: the mixture value; out: J estimates.
void anisotropicPosteriorMean(const std::complex<double>* m, const double* gamma, const std::complex<double>* c, int J,
                              std::complex<double> x, std::complex<double>* out);

// Kappa estimated from an isolated source's STFT (§6): R = mean cos of the centred phases over
// magnitude peaks and their +-1 neighbours, all frames from the second on; then A^{-1}(R).
double estimateSourceKappa(const Spectrogram& S, int hop, int fftSize, double kappaMax = 1e3);

}  // namespace phaselab::separation
