#pragma once
// Measures of a phase-recovery result, gathered in one call (all reuse core/tf/stft.h):
//   spectralConvergenceDb  20 log10(|| |STFT(y)| - V ||_F / ||V||_F) with y = iSTFT(S) (stft.h's
//                          convention: lower is better; the JSTSP 2021 paper reports the
//                          negative, and its code uses the natural log - algorithms.md 9.2)
//   inconsistency          ||S - G(S)||^2 / ||S||^2 of the estimate S itself (0 = consistent)
//   snrDb                  waveform SNR 10 log10(||x||^2 / ||x - y||^2) when a reference x is
//                          given (not scale invariant; NaN otherwise)
// Cost: one iSTFT and two STFTs. Not thread-safe for a shared Stft (it holds scratch buffers).

#include <Eigen/Core>
#include <cmath>

#include "core/tf/stft.h"

namespace phaselab::metrics {

struct RecoveryMeasures {
    double spectralConvergenceDb = NAN;
    double inconsistency = NAN;
    double snrDb = NAN;
};

// S: the recovered spectrogram (bins x frameCount(length)); target: the magnitudes V it was
// recovered from (same shape); reference: the true signal (length samples) or nullptr.
RecoveryMeasures measureRecovery(Stft& stft, const Spectrogram& S, Eigen::Index length, const Magnitudes& target,
                                 const Eigen::ArrayXf* reference = nullptr);

}  // namespace phaselab::metrics
