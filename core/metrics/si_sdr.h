#pragma once
// Scale-invariant and plain signal-to-noise measures (all in dB, double precision).
//
// siSdr: Le Roux et al., "SDR - half-baked or well done?" (ICASSP 2019):
//   alpha = <e, s> / ||s||^2,  SI-SDR = 10 log10(||alpha s||^2 / ||alpha s - e||^2),
//   after removing the mean of both signals when zeroMean (the standard definition, as
//   torchmetrics zero_mean=True; no epsilon). Multichannel signals are treated as one vector.
// siSdrImprovement: SI-SDR(estimate, s) - SI-SDR(mixture, s).
// snrDb: plain SNR 10 log10(||s||^2 / ||s - e||^2) (the waveform SNR used for phase recovery and
//   by the Bregman/EUSIPCO papers; not scale invariant).
// magronGetSdr: Magron's GetSDR.m (algorithms.md 12.3): zero-mean, 1-tap projections, SAR with
//   numerator ||e_true||^2. SDR equals zero-mean SI-SDR.
// Spectral convergence and STFT inconsistency for phase recovery are in core/tf/stft.h
// (spectralConvergenceDb, inconsistency).
// A zero denominator gives +inf; a zero reference throws InputError. Thread-safe (pure functions).

#include <Eigen/Core>
#include <vector>

namespace phaselab::metrics {

double siSdr(const Eigen::Ref<const Eigen::ArrayXXd>& reference, const Eigen::Ref<const Eigen::ArrayXXd>& estimate,
             bool zeroMean = true);

double siSdrImprovement(const Eigen::Ref<const Eigen::ArrayXXd>& reference,
                        const Eigen::Ref<const Eigen::ArrayXXd>& estimate,
                        const Eigen::Ref<const Eigen::ArrayXXd>& mixture, bool zeroMean = true);

double snrDb(const Eigen::Ref<const Eigen::ArrayXXd>& reference, const Eigen::Ref<const Eigen::ArrayXXd>& estimate);
// The same for float signals, summed in double without a double copy of either.
double snrDb(const Eigen::Ref<const Eigen::ArrayXf>& reference, const Eigen::Ref<const Eigen::ArrayXf>& estimate);

struct GetSdrResult {
    Eigen::ArrayXd sdr, sir, sar;
    std::vector<int> permutation;  // permutation[j] = estimate matched to reference j
};
// Mono signals of equal length; permutation = true searches the mean-SIR permutation ([PU] version).
GetSdrResult magronGetSdr(const std::vector<Eigen::ArrayXd>& references, const std::vector<Eigen::ArrayXd>& estimates,
                          bool permutation = false);

}  // namespace phaselab::metrics
